/**
 * Judges a flannel network as realized: the oracle's expected state of every node (built from the
 * target's node IPs, leases, the nodes' external interface and MTU, their L2 segments and the VtepMACs
 * they announced; on a dual-stack target the IPv6 node IPs and leases too) compared with what each node
 * holds, plus the lease invariants. Pure.
 */
import {
  checkLeases,
  compareNodeState,
  expectedNodeState,
  parseNetConf,
  withAnnouncedVtepMacs,
} from '../../../oracle/flannel/index.ts';
import type {
  EffectiveNetConf,
  ExpectedNodeState,
  FlannelNodeInput,
  LeaseViolation,
  NodeStateDifference,
} from '../../../spec/flannelExpectation.ts';
import { networkText, parseCidr } from '../../../spec/manifests/cidr.ts';
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import type { FlannelNetConf } from '../../../spec/scenario.ts';

/** The interface flannel selects on a node (the one that holds the node's public IP). */
const DEFAULT_EXT_INTERFACE = 'eth0';

export interface FlannelJudgeInput {
  readonly netConf: FlannelNetConf;
  /** net-conf.json as the cluster holds it (flannel decodes these bytes); default: `netConf` serialized. */
  readonly netConfText?: string;
  /** The flannel release to judge against (default: the oracle's, DEFAULT_FLANNEL_VERSION). */
  readonly flannelVersion?: string;
  /** node → L2 segment. */
  readonly segments: Readonly<Record<string, number>>;
  /** node → public IP (Realized.nodeIPs). */
  readonly nodeIPs: Readonly<Record<string, string>>;
  /** node → lease (Realized.nodeSubnets). */
  readonly leases: Readonly<Record<string, string>>;
  readonly states: readonly NodeNetworkState[];
  /** The node mask of the allocator that handed out the leases (kube: --node-cidr-mask-size). */
  readonly nodeCidrMaskSize: number;
  /** The external interface of every node; by default the one holding the node's public IP, else eth0. */
  readonly extInterface?: string;
  /**
   * A dual-stack target's IPv6 side (Realized.ipv6): node → public-ipv6, node → IPv6 lease, and the node
   * mask of the allocator that handed those out (kube: --node-cidr-mask-size-ipv6, default 64).
   */
  readonly ipv6?: {
    readonly nodeIPs: Readonly<Record<string, string>>;
    readonly leases: Readonly<Record<string, string>>;
    readonly nodeCidrMaskSize?: number;
  };
}

export interface FlannelJudgement {
  readonly config: EffectiveNetConf;
  readonly nodes: readonly FlannelNodeInput[];
  readonly expected: readonly ExpectedNodeState[];
  readonly differences: readonly NodeStateDifference[];
  readonly leaseViolations: readonly LeaseViolation[];
  /** Nodes whose IPv4 lease overlaps another node's: which pod answers a probe to them is not defined. */
  readonly ambiguousNodes: readonly string[];
  /** The same for the IPv6 leases (IPv6 probes). */
  readonly ambiguousNodesIPv6: readonly string[];
}

export function judgeNodeStates(input: FlannelJudgeInput): FlannelJudgement {
  const parsed = parseNetConf(input.netConfText ?? JSON.stringify(input.netConf), {
    subnetManager: 'kube',
    ...(input.flannelVersion ? { flannelVersion: input.flannelVersion } : {}),
  });
  if (!parsed.ok) throw new Error(`flannel rejects the scenario's net-conf.json: ${parsed.error}`);
  const config = parsed.config;
  const byName = Object.fromEntries(input.states.map((s) => [s.node, s]));
  const leaseViolations = checkLeases(config, input.leases, 'kube', {
    nodeCidrMaskSize: input.nodeCidrMaskSize,
    ...(input.ipv6 ? { ipv6: input.ipv6 } : {}),
  });

  const differences: NodeStateDifference[] = [];
  const bare: FlannelNodeInput[] = [];
  for (const [name, publicIP] of Object.entries(input.nodeIPs)) {
    const state = byName[name];
    const ext = input.extInterface ?? (state && interfaceHolding(state, publicIP)) ?? DEFAULT_EXT_INTERFACE;
    const extLink = state?.links.find((l) => l.name === ext);
    if (!state || !extLink) {
      differences.push({
        node: name,
        object: 'link',
        key: ext,
        expected: 'present (the external interface)',
        observed: state ? 'absent' : 'node state unreadable',
      });
      continue;
    }
    const publicIPv6 = input.ipv6?.nodeIPs[name];
    bare.push({
      name,
      publicIP,
      extInterface: { name: ext, mtu: extLink.mtu },
      segment: input.segments[name] ?? 0,
      ...(publicIPv6 ? { publicIPv6 } : {}),
    });
  }
  const nodes = withAnnouncedVtepMacs(bare, byName);

  // Overlapping leases: which pod answers a probe into the shared range is not defined (the dataplane
  // check leaves it unjudged). The node state needs no such care: the oracle itself knows that flannel
  // drops its own subnet's events and keeps one peer per subnet (pkg/lease/lease.go sameSubnet).
  const ambiguousOf = (family: 4 | 6) =>
    [
      ...new Set(
        leaseViolations
          .filter((v) => v.rule === 'lease-disjoint' && v.family === family)
          .flatMap((v) => v.nodes),
      ),
    ].sort();

  const expected: ExpectedNodeState[] = [];
  for (const node of nodes) {
    if (input.leases[node.name] === undefined) continue;
    const e = expectedNodeState(config, node.name, nodes, input.leases, {}, input.ipv6?.leases);
    expected.push(e);
    const state = byName[node.name];
    if (state) differences.push(...compareNodeState(e, state));
  }
  return {
    config,
    nodes,
    expected,
    differences,
    leaseViolations,
    ambiguousNodes: ambiguousOf(4),
    ambiguousNodesIPv6: ambiguousOf(6),
  };
}

/**
 * The interface that holds `ip` on a node. Without `--iface` flanneld takes the interface of the default
 * route (or the one owning `--public-ip`) and announces its address as the node's public IP
 * (flannel-io/flannel `main.go`, `pkg/ipmatch/match.go`), so on a node whose public IP is its
 * InternalIP this is the interface flannel uses.
 */
function interfaceHolding(state: NodeNetworkState, ip: string): string | undefined {
  return state.addresses.find((a) => a.local === ip)?.dev;
}

/**
 * L2 segments as a live cluster's addresses show them: nodes whose public IPs lie in one on-link subnet
 * share a segment. That is what flannel's own test is about: DirectRouting goes direct when
 * `ip route get PEER` has no gateway (`pkg/ip` DirectRouting), and host-gw's `via PEER` routes need the
 * peer on-link. Numbered in node order from 0; a node whose address is not found is alone on its own.
 */
export function segmentsFromAddresses(
  nodeIPs: Readonly<Record<string, string>>,
  states: readonly NodeNetworkState[],
): Record<string, number> {
  const byName = new Map(states.map((s) => [s.node, s]));
  const networks = new Map<string, number>();
  const out: Record<string, number> = {};
  for (const [node, ip] of Object.entries(nodeIPs)) {
    const a = byName.get(node)?.addresses.find((x) => x.local === ip && x.family === 'inet');
    const onLink = a ? parseCidr(`${ip}/${a.prefixLength}`) : undefined;
    const key = onLink ? networkText(onLink) : `alone:${node}`;
    if (!networks.has(key)) networks.set(key, networks.size);
    out[node] = networks.get(key) as number;
  }
  return out;
}
