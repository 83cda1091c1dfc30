/**
 * Judges a flannel network as realized: the oracle's expected state of every node (built from the
 * target's node IPs, leases, the nodes' external interface and MTU, their L2 segments and the VtepMACs
 * they announced) compared with what each node holds, plus the lease invariants. Pure.
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
import { addressText, networkText, parseCidr } from '../../../spec/manifests/cidr.ts';
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import type { FlannelNetConf } from '../../../spec/scenario.ts';

/** The interface flannel selects on a node (the one that holds the node's public IP). */
const DEFAULT_EXT_INTERFACE = 'eth0';

export interface FlannelJudgeInput {
  readonly netConf: FlannelNetConf;
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
}

export interface FlannelJudgement {
  readonly config: EffectiveNetConf;
  readonly nodes: readonly FlannelNodeInput[];
  readonly expected: readonly ExpectedNodeState[];
  readonly differences: readonly NodeStateDifference[];
  readonly leaseViolations: readonly LeaseViolation[];
  /** Nodes whose lease overlaps another node's: what peers program for them is not defined. */
  readonly ambiguousNodes: readonly string[];
}

export function judgeNodeStates(input: FlannelJudgeInput): FlannelJudgement {
  const parsed = parseNetConf(JSON.stringify(input.netConf), { subnetManager: 'kube' });
  if (!parsed.ok) throw new Error(`flannel rejects the scenario's net-conf.json: ${parsed.error}`);
  const config = parsed.config;
  const byName = Object.fromEntries(input.states.map((s) => [s.node, s]));
  const leaseViolations = checkLeases(config, input.leases, 'kube', {
    nodeCidrMaskSize: input.nodeCidrMaskSize,
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
    bare.push({
      name,
      publicIP,
      extInterface: { name: ext, mtu: extLink.mtu },
      segment: input.segments[name] ?? 0,
    });
  }
  const nodes = withAnnouncedVtepMacs(bare, byName);

  // Overlapping leases: flannel drops lease events for its own subnet (pkg/subnet/watch.go sameSubnet), and
  // what third nodes program for two nodes announcing one subnet depends on event order: not judged.
  const overlapping = new Set<string>();
  const ambiguous = new Set<string>();
  for (const v of leaseViolations) {
    if (v.rule !== 'lease-disjoint') continue;
    const [a, b] = v.nodes;
    if (a === undefined || b === undefined) continue;
    overlapping.add(`${a}|${b}`).add(`${b}|${a}`);
    ambiguous.add(a).add(b);
  }

  const expected: ExpectedNodeState[] = [];
  for (const node of nodes) {
    if (input.leases[node.name] === undefined) continue;
    const view = nodes.filter((m) => m.name === node.name || !ambiguous.has(m.name));
    const e = expectedNodeState(config, node.name, view, input.leases);
    expected.push(e);
    const state = byName[node.name];
    if (!state) continue;
    const hidden = nodes.filter((m) => m.name !== node.name && ambiguous.has(m.name));
    differences.push(
      ...compareNodeState(e, state).filter(
        (d) => !hidden.some((m) => concernsPeer(d, m, input.leases[m.name], e)),
      ),
    );
  }
  return {
    config,
    nodes,
    expected,
    differences,
    leaseViolations,
    ambiguousNodes: [...ambiguous].sort(),
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

/** Whether a difference is about a peer's route, neighbour or FDB entry (by its lease or public IP). */
function concernsPeer(
  d: NodeStateDifference,
  peer: FlannelNodeInput,
  peerLease: string | undefined,
  self: ExpectedNodeState,
): boolean {
  if (peerLease === undefined) return false;
  const lease = parseCidr(peerLease);
  const leaseIP = lease && addressText(lease.address, lease.family);
  // The node's own lease (shared with the peer) is judged through its own devices and subnet.env.
  if (peerLease === self.lease && d.object === 'route') return false;
  switch (d.object) {
    case 'route':
      return d.key === peerLease;
    case 'neigh':
      return d.key.startsWith(`${leaseIP} `);
    case 'fdb':
      return d.key.endsWith(` dst ${peer.publicIP}`);
    default:
      return false;
  }
}
