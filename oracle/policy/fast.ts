/**
 * The fast engine: the same semantics as reference.ts, compiled once per cluster. Policy selection and peer
 * matching become bitsets over pods; CIDRs become integer ranges; each (port, protocol) gets, on first use,
 * one row of allowed peers per pod and direction. A truth-table cell is then a few word operations.
 */
import type {
  Cluster,
  Labels,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  ObjectKey,
  Protocol,
} from '../../spec/model.ts';
import { keyOf, PROTOCOLS } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { emptyBits, fullBits, orAndInto, orInto, setBit, wordsFor } from './bitset.ts';
import { type CidrRange, type IPAddress, parseCidr, rangeContains } from './cidr.ts';
import type { Decision, Direction, PolicyProbe } from './decision.ts';
import {
  type Endpoint,
  findPod,
  namespaceLabels,
  podEndpoint,
  probeFamily,
  resolveDestination,
} from './endpoint.ts';
import { policyTypeOf, rulesOf } from './isolation.ts';
import { type PortMatch, portMatches } from './portMatches.ts';
import { evaluateReference } from './reference.ts';
import { selectorMatches } from './selectorMatches.ts';

export interface FastEngine {
  /** Pods in index order (the order of `cluster.pods`). */
  readonly podKeys: readonly ObjectKey[];
  /** The index of a pod, or -1. */
  podIndex(key: ObjectKey): number;
  verdict(probe: PolicyProbe): Verdict;
  /**
   * The hot path: pods by index, protocol by its index in `PROTOCOLS` (TCP 0, UDP 1, SCTP 2); `family` as
   * in {@link PolicyProbe} (absent: each pod's primary address).
   */
  verdictByIndex(src: number, dst: number, port: number, protocolIndex: number, family?: 4 | 6): Verdict;
  /** The explanation of one probe (computed by the reference evaluator: explanations are not the hot path). */
  explain(probe: PolicyProbe): Decision;
}

export interface CompiledIPBlock {
  /** The block as written: `cidr`, or `cidr except a, b`. */
  readonly text: string;
  readonly range: CidrRange;
  readonly excepts: readonly CidrRange[];
}

interface CompiledRule {
  readonly direction: Direction;
  readonly policyIndex: number;
  readonly ports: readonly NetworkPolicyPort[];
  /** Pods the rule's peers match (every pod when the rule lists no peers). */
  readonly peerSet: Uint32Array;
  readonly anyPeer: boolean;
  /** The rule's ipBlocks, for addresses outside the pods. */
  readonly ipBlocks: readonly CompiledIPBlock[];
  /** Whether the port result depends on the destination pod (named ports). */
  readonly namedPorts: boolean;
}

/** Per (port, protocol): for each pod, the peers each direction allows (`yes`) or leaves in doubt (`unknown`). */
interface PortTable {
  readonly ingressYes: Uint32Array;
  readonly ingressUnknown: Uint32Array;
  readonly egressYes: Uint32Array;
  readonly egressUnknown: Uint32Array;
}

const ALLOW: Verdict = 'allow';
const DENY: Verdict = 'deny';
const UNDEFINED: Verdict = 'undefined';

/** Aggregate a rule's port list: `yes` if an entry matches, `unknown` if only unsupported entries might. */
function rulePorts(
  ports: readonly NetworkPolicyPort[],
  port: number,
  protocol: Protocol,
  dest: Endpoint,
  profile: SemanticProfile,
): PortMatch {
  if (ports.length === 0) return 'yes';
  let result: PortMatch = 'no';
  for (const entry of ports) {
    const m = portMatches(entry, port, protocol, dest, profile);
    if (m === 'yes') return 'yes';
    if (m === 'unknown') result = 'unknown';
  }
  return result;
}

export function compileIPBlock(peer: NetworkPolicyPeer): CompiledIPBlock | undefined {
  if (!peer.ipBlock) return undefined;
  const range = parseCidr(peer.ipBlock.cidr);
  if (!range) return undefined;
  const excepts = (peer.ipBlock.except ?? []).map(parseCidr).filter((r): r is CidrRange => r !== undefined);
  const except = peer.ipBlock.except ?? [];
  const text = except.length > 0 ? `${peer.ipBlock.cidr} except ${except.join(', ')}` : peer.ipBlock.cidr;
  return { text, range, excepts };
}

// Per probe: numeric bounds, as ip-num's contains is 3,000–8,800× slower (cidr.ts rangeContains, `npm run bench -- ipnum`).
export function blockContains(block: CompiledIPBlock, ip: IPAddress): boolean {
  if (!rangeContains(block.range, ip)) return false;
  for (const e of block.excepts) if (rangeContains(e, ip)) return false;
  return true;
}

/** What one address family compiles to: pods matched on their addresses of that family. */
interface FamilyEngine {
  verdictByIndex(src: number, dst: number, port: number, protocolIndex: number): Verdict;
  outsideVerdict(src: number, ip: IPAddress, port: number, protocol: Protocol): Verdict;
}

/**
 * Compile `cluster` once; the engine answers any probe against it under `profile`. Each address family a
 * probe asks for (and the primary-address default) compiles on first use.
 */
export function compileFast(cluster: Cluster, profile: SemanticProfile = DEFAULT_PROFILE): FastEngine {
  const podKeys = cluster.pods.map(keyOf);
  const indexByKey = new Map<ObjectKey, number>();
  podKeys.forEach((k, i) => {
    if (!indexByKey.has(k)) indexByKey.set(k, i);
  });
  const families: (FamilyEngine | undefined)[] = [undefined, undefined, undefined];
  const forFamily = (family: 4 | 6 | undefined): FamilyEngine => {
    const at = family === undefined ? 0 : family === 4 ? 1 : 2;
    let engine = families[at];
    if (!engine) {
      engine = compileFamily(cluster, profile, family);
      families[at] = engine;
    }
    return engine;
  };
  const primary = forFamily(undefined);
  return {
    podKeys,
    podIndex: (key) => indexByKey.get(key) ?? -1,
    verdictByIndex: (src, dst, port, protocolIndex, family) =>
      (family === undefined ? primary : forFamily(family)).verdictByIndex(src, dst, port, protocolIndex),
    verdict(probe) {
      // findPod throws the input error for an unknown source.
      const src =
        indexByKey.get(probe.from) ?? indexByKey.get(keyOf(findPod(cluster, probe.from, 'source'))) ?? -1;
      // A raw address that is one of a pod's IPs resolves to that pod, as in the reference.
      const target = resolveDestination(cluster, probe.to);
      const engine = forFamily(probeFamily(probe.to, probe.family));
      const protocolIndex = PROTOCOLS.indexOf(probe.protocol);
      if ('containers' in target) {
        return engine.verdictByIndex(src, indexByKey.get(keyOf(target)) ?? -1, probe.port, protocolIndex);
      }
      return engine.outsideVerdict(src, target, probe.port, probe.protocol);
    },
    explain: (probe) => evaluateReference(cluster, probe, profile),
  };
}

function compileFamily(cluster: Cluster, profile: SemanticProfile, family: 4 | 6 | undefined): FamilyEngine {
  const pods = cluster.pods;
  const n = pods.length;
  const words = wordsFor(n);

  const labelsByNamespace = new Map<string, Labels>();
  const podsByNamespace = new Map<string, number[]>();
  pods.forEach((p, i) => {
    if (!labelsByNamespace.has(p.namespace))
      labelsByNamespace.set(p.namespace, namespaceLabels(cluster, p.namespace));
    const list = podsByNamespace.get(p.namespace) ?? [];
    list.push(i);
    podsByNamespace.set(p.namespace, list);
  });
  const endpoints = pods.map((p) => podEndpoint(cluster, p, labelsByNamespace.get(p.namespace), family));
  const hostNetwork = Uint8Array.from(pods, (p) => (p.hostNetwork ? 1 : 0));
  const ipv6 = Uint8Array.from(endpoints, (e) => (e.ip?.family === 6 ? 1 : 0));

  const peerBits = (peer: NetworkPolicyPeer, policyNamespace: string): Uint32Array => {
    const bits = emptyBits(n);
    if (peer.ipBlock) {
      const block = compileIPBlock(peer);
      if (!block || !profile.ipBlockMatchesPodIPs) return bits;
      endpoints.forEach((e, i) => {
        if (e.ip && blockContains(block, e.ip)) setBit(bits, i);
      });
      return bits;
    }
    if (!peer.podSelector && !peer.namespaceSelector) return bits;
    for (const [namespace, members] of podsByNamespace) {
      const namespaceOk = peer.namespaceSelector
        ? selectorMatches(peer.namespaceSelector, labelsByNamespace.get(namespace) ?? {})
        : namespace === policyNamespace;
      if (!namespaceOk) continue;
      for (const i of members) {
        if (!peer.podSelector || selectorMatches(peer.podSelector, pods[i]?.labels ?? {})) setBit(bits, i);
      }
    }
    return bits;
  };

  const selected: number[][] = [];
  const ingressIsolated = new Uint8Array(n);
  const egressIsolated = new Uint8Array(n);
  const rules: CompiledRule[] = [];
  /** Egress rules by source pod, for addresses outside the pods. */
  const egressRulesOf: CompiledRule[][] = pods.map(() => []);
  const all = fullBits(n);

  cluster.policies.forEach((policy, policyIndex) => {
    const members = (podsByNamespace.get(policy.namespace) ?? []).filter((i) =>
      selectorMatches(policy.podSelector, pods[i]?.labels ?? {}),
    );
    selected.push(members);
    for (const direction of ['ingress', 'egress'] as const) {
      if (!policy.policyTypes.includes(policyTypeOf(direction))) continue;
      const isolated = direction === 'ingress' ? ingressIsolated : egressIsolated;
      for (const i of members) isolated[i] = 1;
      for (const rule of rulesOf(policy, direction) as readonly NetworkPolicyRule[]) {
        const peers = rule.peers ?? [];
        const peerSet = emptyBits(n);
        if (peers.length === 0) orInto(peerSet, 0, all);
        for (const peer of peers) orInto(peerSet, 0, peerBits(peer, policy.namespace));
        const compiled: CompiledRule = {
          direction,
          policyIndex,
          ports: rule.ports ?? [],
          peerSet,
          anyPeer: peers.length === 0,
          ipBlocks: peers.map(compileIPBlock).filter((b): b is CompiledIPBlock => b !== undefined),
          namedPorts: (rule.ports ?? []).some((p) => typeof p.port === 'string'),
        };
        rules.push(compiled);
        if (direction === 'egress') for (const i of members) egressRulesOf[i]?.push(compiled);
      }
    }
  });

  const outside: Endpoint = { kind: 'ip', text: '', ip: { family: 4, value: 0 } };
  const tables = new Map<number, PortTable>();

  const buildTable = (port: number, protocol: Protocol): PortTable => {
    const size = n * words;
    const table: PortTable = {
      ingressYes: new Uint32Array(size),
      ingressUnknown: new Uint32Array(size),
      egressYes: new Uint32Array(size),
      egressUnknown: new Uint32Array(size),
    };
    const yesDest = emptyBits(n);
    const unknownDest = emptyBits(n);
    for (const rule of rules) {
      const members = selected[rule.policyIndex] ?? [];
      if (rule.direction === 'ingress') {
        // Ingress: the destination is the selected pod itself.
        const shared = rule.namedPorts ? undefined : rulePorts(rule.ports, port, protocol, outside, profile);
        for (const d of members) {
          const m = shared ?? rulePorts(rule.ports, port, protocol, endpoints[d] ?? outside, profile);
          if (m === 'yes') orInto(table.ingressYes, d * words, rule.peerSet);
          else if (m === 'unknown') orInto(table.ingressUnknown, d * words, rule.peerSet);
        }
        continue;
      }
      // Egress: the destination is the peer pod, so a named port resolves per peer.
      yesDest.fill(0);
      unknownDest.fill(0);
      if (!rule.namedPorts) {
        const m = rulePorts(rule.ports, port, protocol, outside, profile);
        if (m === 'yes') yesDest.set(all);
        else if (m === 'unknown') unknownDest.set(all);
      } else {
        for (let d = 0; d < n; d++) {
          const m = rulePorts(rule.ports, port, protocol, endpoints[d] ?? outside, profile);
          if (m === 'yes') setBit(yesDest, d);
          else if (m === 'unknown') setBit(unknownDest, d);
        }
      }
      for (const s of members) {
        orAndInto(table.egressYes, s * words, rule.peerSet, yesDest);
        orAndInto(table.egressUnknown, s * words, rule.peerSet, unknownDest);
      }
    }
    return table;
  };

  // A few recently used tables, scanned before the map: truth tables interleave a handful of ports per cell.
  const recentKeys = new Int32Array(8).fill(-1);
  const recentTables: (PortTable | undefined)[] = new Array(8).fill(undefined);
  let recentNext = 0;
  const tableFor = (port: number, protocolIndex: number): PortTable => {
    const key = port * 4 + protocolIndex;
    for (let i = 0; i < 8; i++) if (recentKeys[i] === key) return recentTables[i] as PortTable;
    let table = tables.get(key);
    if (!table) {
      table = buildTable(port, PROTOCOLS[protocolIndex] ?? 'TCP');
      tables.set(key, table);
    }
    recentKeys[recentNext] = key;
    recentTables[recentNext] = table;
    recentNext = (recentNext + 1) & 7;
    return table;
  };

  const loopbackVerdict: Verdict | undefined =
    profile.loopback === 'undefined' ? UNDEFINED : profile.loopback === 'allow' ? ALLOW : undefined;
  const hostNetworkUndefined = profile.hostNetwork === 'undefined';
  const sctpIndex = profile.support.sctp ? -1 : PROTOCOLS.indexOf('SCTP');
  /** Pods whose every cell (but loopback) is undefined: hostNetwork under the default profile, IPv6 unsupported. */
  const undecidable = Uint8Array.from(pods, (_, i) =>
    (hostNetworkUndefined && hostNetwork[i] === 1) || (!profile.support.ipv6 && ipv6[i] === 1) ? 1 : 0,
  );

  const verdictByIndex = (src: number, dst: number, port: number, protocolIndex: number): Verdict => {
    if (src === dst && loopbackVerdict !== undefined) return loopbackVerdict;
    if (undecidable[src] === 1 || undecidable[dst] === 1 || protocolIndex === sctpIndex) return UNDEFINED;
    const table = tableFor(port, protocolIndex);
    let doubt = false;
    if (egressIsolated[src] === 1) {
      const at = src * words + (dst >>> 5);
      const bit = 1 << (dst & 31);
      if (((table.egressYes[at] as number) & bit) === 0) {
        if (((table.egressUnknown[at] as number) & bit) === 0) return DENY;
        doubt = true;
      }
    }
    if (ingressIsolated[dst] === 1) {
      const at = dst * words + (src >>> 5);
      const bit = 1 << (src & 31);
      if (((table.ingressYes[at] as number) & bit) === 0) {
        if (((table.ingressUnknown[at] as number) & bit) === 0) return DENY;
        doubt = true;
      }
    }
    return doubt ? UNDEFINED : ALLOW;
  };

  const outsideVerdict = (src: number, ip: IPAddress, port: number, protocol: Protocol): Verdict => {
    if (hostNetworkUndefined && hostNetwork[src] === 1) return UNDEFINED;
    if (PROTOCOLS.indexOf(protocol) === sctpIndex) return UNDEFINED;
    if (!profile.support.ipv6 && (ipv6[src] === 1 || ip.family === 6)) return UNDEFINED;
    if (egressIsolated[src] !== 1) return ALLOW;
    const dest: Endpoint = { kind: 'ip', text: '', ip };
    let doubt = false;
    for (const rule of egressRulesOf[src] ?? []) {
      if (!rule.anyPeer && !rule.ipBlocks.some((b) => blockContains(b, ip))) continue;
      const m = rulePorts(rule.ports, port, protocol, dest, profile);
      if (m === 'yes') return ALLOW;
      if (m === 'unknown') doubt = true;
    }
    return doubt ? UNDEFINED : DENY;
  };

  return { verdictByIndex, outsideVerdict };
}
