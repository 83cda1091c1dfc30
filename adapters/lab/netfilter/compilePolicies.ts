/**
 * The lab's policy agent, pure part: NetworkPolicies → filter chains and ipsets for one node.
 *
 * Shape (all in the node namespace's filter table, reached from FORWARD, so bridged pod-to-pod traffic
 * (br_netfilter) and routed cross-node traffic are both seen, after any Service DNAT):
 *   PODNET-FORWARD: ESTABLISHED,RELATED → ACCEPT (stateful: replies of allowed connections pass);
 *                   `-s <pod>` → PODNET-EG-<pod> for each egress-isolated pod on this node;
 *                   `-d <pod>` → PODNET-IN-<pod> for each ingress-isolated pod on this node.
 *   PODNET-IN/EG-*: one RETURN per (policy rule × peer × port) that allows; last rule → PODNET-DENY.
 *   PODNET-DENY:    REJECT (icmp-port-unreachable, the default) or DROP (`view.policyAction`).
 * A RETURN means "this direction allows"; packets that pass both checks fall through to whatever
 * follows in FORWARD (flannel's FLANNEL-FWD), exactly as if no policy agent were there.
 *
 * Semantics are the Kubernetes API's (networking/v1 types.go): a pod is isolated for a direction iff a
 * policy in its namespace selects it and lists that direction; then a connection is allowed iff some
 * rule of some selecting policy matches both peer and port. Peers: podSelector (policy namespace),
 * namespaceSelector, both (AND), ipBlock minus except (matched against any address, pod IPs included).
 * Named ports resolve on the destination pod's container ports by name and protocol, per pod.
 */
import type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  NetworkPolicyRule,
  Protocol,
} from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { FaultName } from '../faults.ts';
import { cidrHolds, firstHost, formatCidr, hostCidr, ipsetPrefixes, parseCidr } from './cidr.ts';
import { DENY_CHAIN, egressChain, ingressChain, ipsetName } from './names.ts';
import type { Chain, IpSet, IpSetEntry } from './ruleset.ts';
import { comment } from './ruleset.ts';
import { selectorMatches } from './selectors.ts';
import type { NetfilterPod, NodeNetfilterView, PolicyAction } from './types.ts';

/** ICMPv6 types of neighbour discovery (RFC 4861), never filtered by the policy agent. */
const NEIGHBOUR_DISCOVERY = [
  'router-solicitation',
  'router-advertisement',
  'neighbour-solicitation',
  'neighbour-advertisement',
] as const;

/** The default answer to a denied packet: REJECT, so blocked probes end fast (`refused`). */
const DEFAULT_POLICY_ACTION: PolicyAction = 'reject';

export interface CompiledPolicies {
  /** PODNET-IN-*, PODNET-EG-* and PODNET-DENY (empty when policyMode is `none`). */
  readonly chains: readonly Chain[];
  readonly sets: readonly IpSet[];
  /** Rules for PODNET-FORWARD that dispatch to the per-pod chains. */
  readonly dispatch: readonly (readonly string[])[];
  /**
   * Rules for PODNET-OUTPUT: none, since the node's own connections to its pods are always allowed; under
   * fault `node-to-pod-filtered`, the ingress dispatch, so the node is judged like any other peer.
   */
  readonly nodeDispatch: readonly (readonly string[])[];
}

/** A peer as the agent matches it on packets: any address, a set of pods, or an address block. */
type PeerTarget =
  | { readonly kind: 'any' }
  | { readonly kind: 'pods'; readonly pods: readonly NetfilterPod[] }
  | {
      readonly kind: 'block';
      readonly set: IpSet;
      readonly cidr: string;
      readonly except: readonly string[];
    };

const ALL_PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

function byKey(a: { readonly key: string }, b: { readonly key: string }): number {
  return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

function policyKey(p: NetworkPolicy): string {
  return `${p.namespace}/${p.name}`;
}

/** The policies the agent programs: the view's, plus (fault `stale-on-delete`) deleted ones it remembers. */
export function effectivePolicies(
  view: NodeNetfilterView,
  remembered: readonly NetworkPolicy[],
): NetworkPolicy[] {
  const current = [...view.policies];
  if (!view.faults.includes('stale-on-delete')) return current;
  const live = new Set(current.map(policyKey));
  return [...current, ...remembered.filter((p) => !live.has(policyKey(p)))];
}

/**
 * Compiles the view's NetworkPolicies for `view.node`. `remembered`: every policy seen before. `family` 6
 * compiles the ip6tables side from a view whose addresses are the IPv6 ones (netfilter/familyView.ts):
 * ipBlocks of the other family match nothing, pod selectors match the pods' addresses of this family.
 */
export function compilePolicies(
  view: NodeNetfilterView,
  remembered: readonly NetworkPolicy[] = [],
  family: 4 | 6 = 4,
): CompiledPolicies {
  if (view.policyMode === 'none') return { chains: [], sets: [], dispatch: [], nodeDispatch: [] };
  const compiler = new PolicyCompiler(view, effectivePolicies(view, remembered), family);
  return compiler.compile();
}

class PolicyCompiler {
  private readonly faults: ReadonlySet<FaultName>;
  private readonly namespaceLabels: ReadonlyMap<string, Readonly<Record<string, string>>>;
  /** Pods that can be policy peers: pod-network pods with an address (hostNetwork pods are node traffic). */
  private readonly peerPods: readonly NetfilterPod[];
  private readonly sets = new Map<string, IpSet>();

  constructor(
    private readonly view: NodeNetfilterView,
    private readonly policies: readonly NetworkPolicy[],
    private readonly family: 4 | 6,
  ) {
    const faults = new Set<FaultName>(view.faults);
    // Fault ipv6-except-ignored: the IPv6 rules are written as if under ignore-except; IPv4 stays right.
    if (family === 6 && faults.has('ipv6-except-ignored')) faults.add('ignore-except');
    this.faults = faults;
    const labels = new Map<string, Readonly<Record<string, string>>>();
    for (const ns of view.namespaces) labels.set(ns.name, ns.labels);
    for (const pod of view.pods) {
      // The API server labels every namespace with its name; supply it for namespaces the view omits.
      if (!labels.has(pod.namespace)) labels.set(pod.namespace, { [NAMESPACE_NAME_LABEL]: pod.namespace });
    }
    if (this.faults.has('no-ns-name-label')) {
      for (const [name, l] of labels) {
        const { [NAMESPACE_NAME_LABEL]: _dropped, ...rest } = l;
        labels.set(name, rest);
      }
    }
    this.namespaceLabels = labels;
    this.peerPods = view.pods.filter((p) => !p.hostNetwork && p.ip !== '').sort(byKey);
  }

  compile(): CompiledPolicies {
    const chains: Chain[] = [];
    const dispatch: string[][] = [['-m', 'conntrack', '--ctstate', 'ESTABLISHED,RELATED', '-j', 'ACCEPT']];
    // IPv6 neighbour discovery is how a pod finds its peer's MAC: unicast solicitations and adverts cross
    // the bridge (br_netfilter) addressed to the pods themselves, so an isolating chain would reject them
    // and the neighbour entry would fail (EHOSTUNREACH long after the policy is gone). RFC 4890 §4.4.1:
    // neighbour and router solicitation/advertisement must not be dropped; NetworkPolicy is about
    // connections, not this link-layer traffic.
    if (this.family === 6) {
      for (const type of NEIGHBOUR_DISCOVERY) {
        dispatch.push(['-p', 'ipv6-icmp', '-m', 'icmp6', '--icmpv6-type', type, '-j', 'ACCEPT']);
      }
    }
    const local = this.view.pods
      .filter((p) => p.node === this.view.node && !p.hostNetwork && p.ip !== '')
      .sort(byKey);
    const ingressDispatch: string[][] = [];
    for (const pod of local) {
      const egress = this.selecting(pod, 'Egress');
      if (egress.length > 0 && !this.faults.has('egress-ignored')) {
        const name = egressChain(pod.key);
        chains.push({ table: 'filter', name, rules: this.egressRules(pod, egress) });
        dispatch.push(['-s', hostCidr(pod.ip), ...comment(`${pod.key} egress`), '-j', name]);
      }
      const ingress = this.selecting(pod, 'Ingress');
      if (ingress.length > 0) {
        const name = ingressChain(pod.key);
        chains.push({ table: 'filter', name, rules: this.ingressRules(pod, ingress) });
        ingressDispatch.push(['-d', hostCidr(pod.ip), ...comment(`${pod.key} ingress`), '-j', name]);
      }
    }
    // Egress of the source is checked before ingress of the destination; both must RETURN.
    dispatch.push(...ingressDispatch);
    const action = this.view.policyAction ?? DEFAULT_POLICY_ACTION;
    chains.push({
      table: 'filter',
      name: DENY_CHAIN,
      rules:
        action === 'drop'
          ? [[...comment('denied by NetworkPolicy'), '-j', 'DROP']]
          : this.family === 4
            ? [
                [
                  ...comment('denied by NetworkPolicy'),
                  '-j',
                  'REJECT',
                  '--reject-with',
                  'icmp-port-unreachable',
                ],
              ]
            : [
                // An ICMPv6 error that reaches a TCP socket still inside connect() is only a soft error
                // (net/ipv6/tcp_ipv6.c tcp_v6_err: sock_owned_by_user), so the SYN is sent again a second
                // later: a reset refuses the connection at once, as the IPv4 side does. Not for a Service
                // connection DNATed on this bridge: br_netfilter bridges it, and nf_send_reset6 then sends
                // the reset straight out of the client's port, past NAT, from the backend's address, which
                // the client's socket (connected to the ClusterIP) never takes for its own; the ICMPv6 error
                // is translated back (nf_nat_icmpv6_reply_translation) and the lab's agent reads it even
                // when it is soft (IPV6_RECVERR, labagent.c).
                [
                  '-p',
                  'tcp',
                  '-m',
                  'conntrack',
                  '!',
                  '--ctstate',
                  'DNAT',
                  ...comment('denied by NetworkPolicy'),
                  '-j',
                  'REJECT',
                  '--reject-with',
                  'tcp-reset',
                ],
                [
                  ...comment('denied by NetworkPolicy'),
                  '-j',
                  'REJECT',
                  '--reject-with',
                  'icmp6-port-unreachable',
                ],
              ],
    });
    return {
      chains,
      sets: [...this.sets.values()],
      dispatch,
      nodeDispatch: this.faults.has('node-to-pod-filtered') ? ingressDispatch : [],
    };
  }

  /** Policies in the pod's namespace that select it and list `type`, in key order. */
  private selecting(pod: NetfilterPod, type: 'Ingress' | 'Egress'): NetworkPolicy[] {
    return this.policies
      .filter(
        (p) =>
          p.namespace === pod.namespace &&
          p.policyTypes.includes(type) &&
          selectorMatches(p.podSelector, pod.labels),
      )
      .sort((a, b) => (policyKey(a) < policyKey(b) ? -1 : policyKey(a) > policyKey(b) ? 1 : 0));
  }

  private ingressRules(pod: NetfilterPod, policies: readonly NetworkPolicy[]): string[][] {
    const rules: string[][] = [];
    // Traffic from the pod's own node is always allowed (networking/v1 types.go: "OR if the traffic
    // source is the pod's local node"); routed node traffic leaves with the node IP or cni0's address.
    // Fault node-to-pod-filtered judges the node like any other peer.
    if (!this.faults.has('node-to-pod-filtered')) {
      rules.push(['-s', hostCidr(this.view.nodeIP), ...comment('from own node'), '-j', 'RETURN']);
      const gateway = firstHost(this.view.podCIDR, this.family);
      if (gateway !== undefined)
        rules.push([
          '-s',
          hostCidr(gateway),
          ...comment(`from own node ${this.view.bridge}`),
          '-j',
          'RETURN',
        ]);
    }
    // A pod cannot block itself; through a Service it reaches itself via the node (hairpin).
    rules.push(['-s', hostCidr(pod.ip), ...comment('from itself'), '-j', 'RETURN']);
    for (const policy of policies) {
      (policy.ingress ?? []).forEach((rule, index) => {
        const where = `${policyKey(policy)} ingress[${index}]`;
        const resolve = this.faults.has('named-port-first-pod')
          ? this.firstPodResolver(this.selectedBy(policy))
          : (name: string, protocol: Protocol) => namedPort(pod, name, protocol);
        const portArgs = this.portAlternatives(rule, resolve);
        for (const peer of this.peerTargets(rule, policy)) {
          const source = this.addressArgs(peer, 'src');
          if (source === undefined) continue;
          for (const ports of portArgs) rules.push([...source, ...ports, ...comment(where), '-j', 'RETURN']);
        }
      });
    }
    rules.push([...comment(`${pod.key} ingress not allowed`), '-j', DENY_CHAIN]);
    return rules;
  }

  private egressRules(pod: NetfilterPod, policies: readonly NetworkPolicy[]): string[][] {
    const rules: string[][] = [];
    for (const policy of policies) {
      (policy.egress ?? []).forEach((rule, index) => {
        const where = `${policyKey(policy)} egress[${index}]`;
        for (const peer of this.peerTargets(rule, policy)) {
          for (const port of rule.ports !== undefined && rule.ports.length > 0 ? rule.ports : [undefined]) {
            for (const [target, portArgs] of this.egressPortTargets(peer, port)) {
              const destination = this.addressArgs(target, 'dst');
              if (destination === undefined) continue;
              for (const ports of portArgs)
                rules.push([...destination, ...ports, ...comment(where), '-j', 'RETURN']);
            }
          }
        }
      });
    }
    rules.push([...comment(`${pod.key} egress not allowed`), '-j', DENY_CHAIN]);
    return rules;
  }

  /**
   * For egress, a named port resolves on each destination pod: split the peer into groups of pods that
   * resolve it to the same number. Numeric ports and "all ports" keep the peer whole.
   */
  private egressPortTargets(
    peer: PeerTarget,
    port: NetworkPolicyPort | undefined,
  ): [PeerTarget, string[][]][] {
    if (port === undefined) return [[peer, [[]]]];
    if (typeof port.port !== 'string') return [[peer, portArgs(port, undefined, this.faults)]];
    const name = port.port;
    // A named port resolves on a destination pod; an address block reaches pods by their IPs (ipBlocks
    // match pod IPs here), so it resolves on the pods inside the block. Other addresses have no ports.
    const candidates =
      peer.kind === 'any'
        ? this.peerPods
        : peer.kind === 'block'
          ? this.peerPods.filter((pod) => this.inBlock(pod.ip, peer.cidr, peer.except))
          : peer.pods;
    if (this.faults.has('named-port-first-pod')) {
      const number = this.firstPodResolver(candidates)(name, port.protocol);
      return number === undefined
        ? []
        : [[{ kind: 'pods', pods: candidates }, portArgs(port, number, this.faults)]];
    }
    const groups = new Map<number, NetfilterPod[]>();
    for (const pod of candidates) {
      const number = namedPort(pod, name, port.protocol);
      if (number === undefined) continue;
      groups.set(number, [...(groups.get(number) ?? []), pod]);
    }
    return [...groups.entries()]
      .sort(([a], [b]) => a - b)
      .map(([number, pods]) => [{ kind: 'pods', pods }, portArgs(port, number, this.faults)]);
  }

  /** Port match alternatives of a rule; `[[]]` when the rule has no ports (every port and protocol). */
  private portAlternatives(
    rule: NetworkPolicyRule,
    resolve: (name: string, protocol: Protocol) => number | undefined,
  ): string[][] {
    if (rule.ports === undefined || rule.ports.length === 0) return [[]];
    return rule.ports.flatMap((p) => {
      if (typeof p.port !== 'string') return portArgs(p, undefined, this.faults);
      const number = resolve(p.port, p.protocol);
      return number === undefined ? [] : portArgs(p, number, this.faults);
    });
  }

  /**
   * Fault `named-port-first-pod`: resolve the name on the first pod (by key) that declares it, and use
   * that number for every pod, as an agent that caches one resolution per policy would.
   */
  private firstPodResolver(
    pods: readonly NetfilterPod[],
  ): (name: string, protocol: Protocol) => number | undefined {
    return (name, protocol) => {
      for (const pod of [...pods].sort(byKey)) {
        const number = namedPort(pod, name, protocol);
        if (number !== undefined) return number;
      }
      return undefined;
    };
  }

  private selectedBy(policy: NetworkPolicy): NetfilterPod[] {
    return this.peerPods.filter(
      (p) => p.namespace === policy.namespace && selectorMatches(policy.podSelector, p.labels),
    );
  }

  /** The peers of a rule; absent or empty `from`/`to` means every address. */
  private peerTargets(rule: NetworkPolicyRule, policy: NetworkPolicy): PeerTarget[] {
    if (rule.peers === undefined || rule.peers.length === 0) return [{ kind: 'any' }];
    return rule.peers.flatMap((peer) => this.peerTarget(peer, policy.namespace));
  }

  private peerTarget(peer: NetworkPolicyPeer, policyNamespace: string): PeerTarget[] {
    if (peer.ipBlock !== undefined) {
      const set = this.blockSet(peer.ipBlock.cidr, peer.ipBlock.except ?? []);
      return set === undefined
        ? []
        : [{ kind: 'block', set, cidr: peer.ipBlock.cidr, except: peer.ipBlock.except ?? [] }];
    }
    const { podSelector, namespaceSelector } = peer;
    if (podSelector !== undefined && namespaceSelector !== undefined && this.faults.has('peers-ored')) {
      // The bug: the two selectors of one peer are read as two peers (OR) instead of one (AND).
      return [
        ...this.peerTarget({ namespaceSelector }, policyNamespace),
        ...this.peerTarget({ podSelector }, policyNamespace),
      ];
    }
    if (podSelector === undefined && namespaceSelector === undefined) return [];
    const pods = this.peerPods.filter((pod) => {
      const namespaceOk =
        namespaceSelector === undefined
          ? pod.namespace === policyNamespace
          : selectorMatches(namespaceSelector, this.namespaceLabels.get(pod.namespace) ?? {});
      return namespaceOk && (podSelector === undefined || selectorMatches(podSelector, pod.labels));
    });
    return [{ kind: 'pods', pods }];
  }

  /** Whether `ip` lies in `cidr` and in none of `except` (except ignored under the ignore-except fault). */
  private inBlock(ip: string, cidrText: string, except: readonly string[]): boolean {
    const inside = (text: string): boolean => {
      const c = parseCidr(text, this.family);
      return c !== undefined && cidrHolds(c, ip);
    };
    if (!inside(cidrText)) return false;
    return this.faults.has('ignore-except') || !except.some(inside);
  }

  /** A hash:net set for `cidr` minus `except` (nomatch entries), or undefined when nothing can match. */
  private blockSet(cidrText: string, except: readonly string[]): IpSet | undefined {
    const cidr = parseCidr(cidrText, this.family);
    if (cidr === undefined) return undefined;
    const match = new Map<string, IpSetEntry>();
    for (const c of ipsetPrefixes(cidr)) match.set(formatCidr(c), { entry: formatCidr(c) });
    const nomatch = new Map<string, IpSetEntry>();
    if (!this.faults.has('ignore-except')) {
      for (const text of except) {
        const e = parseCidr(text, this.family);
        if (e === undefined) continue;
        for (const c of ipsetPrefixes(e)) {
          const key = formatCidr(c);
          // An except equal to the block removes it; ipset cannot hold one prefix both ways.
          if (match.delete(key)) continue;
          nomatch.set(key, { entry: key, nomatch: true });
        }
      }
    }
    if (match.size === 0) return undefined;
    const entries = [...match.values(), ...nomatch.values()];
    return this.internSet('hash:net', entries);
  }

  private internSet(type: IpSet['type'], entries: readonly IpSetEntry[]): IpSet {
    const sorted = [...entries].sort((a, b) => (a.entry < b.entry ? -1 : a.entry > b.entry ? 1 : 0));
    const content = `${type} ${sorted.map((e) => (e.nomatch ? `!${e.entry}` : e.entry)).join(',')}`;
    const name = ipsetName(type === 'hash:ip' ? 'IP' : 'NET', content, this.family);
    const existing = this.sets.get(name);
    if (existing !== undefined) return existing;
    const set: IpSet = { name, type, entries: sorted, ...(this.family === 6 ? { family: 6 as const } : {}) };
    this.sets.set(name, set);
    return set;
  }

  /** Match arguments for the peer's addresses on `dir`; undefined when the peer holds no address. */
  private addressArgs(peer: PeerTarget, dir: 'src' | 'dst'): string[] | undefined {
    if (peer.kind === 'any') return [];
    if (peer.kind === 'block') return ['-m', 'set', '--match-set', peer.set.name, dir];
    const ips = [...new Set(peer.pods.map((p) => p.ip))];
    if (ips.length === 0) return undefined;
    const set = this.internSet(
      'hash:ip',
      ips.map((ip) => ({ entry: ip })),
    );
    return ['-m', 'set', '--match-set', set.name, dir];
  }
}

/** The number a named container port has on `pod`, matching name AND protocol (else undefined). */
function namedPort(pod: NetfilterPod, name: string, protocol: Protocol): number | undefined {
  return pod.ports.find((p) => p.name === name && p.protocol === protocol)?.containerPort;
}

/**
 * iptables arguments for one NetworkPolicyPort (`resolved` is the number of a named port).
 * Faults: `protocol-ignored` writes the port for every protocol; `endport-ignored` drops the range end.
 */
export function portArgs(
  port: NetworkPolicyPort,
  resolved: number | undefined,
  faults: ReadonlySet<FaultName>,
): string[][] {
  const protocols = faults.has('protocol-ignored') ? ALL_PROTOCOLS : [port.protocol];
  let dport: string | undefined;
  if (typeof port.port === 'string') {
    if (resolved === undefined) return [];
    dport = String(resolved);
  } else if (port.port !== undefined) {
    const end = port.endPort;
    dport =
      end !== undefined && end > port.port && !faults.has('endport-ignored')
        ? `${port.port}:${end}`
        : String(port.port);
  }
  return protocols.map((protocol) => {
    const p = protocol.toLowerCase();
    return dport === undefined ? ['-p', p] : ['-p', p, '-m', p, '--dport', dport];
  });
}
