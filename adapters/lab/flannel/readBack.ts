/**
 * Compares what the lab's flannel agent meant to program on a node (its plan) with what the node
 * reads back. Returns one line per difference; empty when the node holds exactly the plan.
 */
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import { cidrContains, parseCidr } from '../ipv4.ts';
import { cidr6Contains, parseCidr6 } from '../ipv6.ts';
import { BRIDGE, type NodeFlannelPlan } from './plan.ts';

function routeText(r: {
  dst: string;
  gateway?: string | undefined;
  dev?: string | undefined;
  onlink: boolean;
}): string {
  return `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.onlink ? ' onlink' : ''}`;
}

type Part = Pick<NodeFlannelPlan, 'device' | 'routes' | 'neighbours' | 'fdb'>;

/**
 * Compares a plan with a node's state. `network6` (flannel's IPv6Network) is given for a dual-stack node,
 * whose plan's IPv6 part (flannel-v6.<VNI>, IPv6 routes, neighbours, FDB) is compared the same way. An
 * IPv6-only node's `network` is its IPv6Network (its plan has no IPv4 part): only the IPv6 part is compared.
 */
export function diffNodeState(
  plan: NodeFlannelPlan,
  state: NodeNetworkState,
  network: string,
  network6?: string,
): string[] {
  const ipv6Only = network.includes(':');
  const out: string[] = [];
  if (!ipv6Only) {
    const net = parseCidr(network);
    out.push(
      ...diffPart(plan, state, (dst) => {
        if (dst.includes(':')) return false;
        const c = parseCidr(dst);
        return cidrContains(net, c.base) || cidrContains(c, net.base);
      }),
    );
  }
  const bridge = state.links.find((l) => l.name === BRIDGE);
  if (!bridge) out.push(`${BRIDGE} missing`);
  else if (bridge.mtu !== plan.mtu) out.push(`${BRIDGE}: mtu ${bridge.mtu}, planned ${plan.mtu}`);
  const ipv6Network = ipv6Only ? network : network6;
  if (plan.ipv6 && ipv6Network !== undefined) {
    const net6 = parseCidr6(ipv6Network);
    out.push(
      ...diffPart(plan.ipv6, state, (dst) => {
        if (!dst.includes(':')) return false;
        const c = parseCidr6(dst);
        return cidr6Contains(net6, c.base) || cidr6Contains(c, net6.base);
      }),
    );
  }

  const env = state.subnetEnv ?? {};
  for (const [k, v] of Object.entries(plan.subnetEnv))
    if (env[k] !== v) out.push(`subnet.env ${k}=${env[k]}, planned ${v}`);
  for (const [k, v] of Object.entries(plan.annotations)) {
    if (state.annotations[k] !== v) out.push(`annotation ${k}=${state.annotations[k]}, planned ${v}`);
  }
  return out;
}

/** One family's device, routes into its cluster network (`inCluster`), neighbours and FDB. */
function diffPart(part: Part, state: NodeNetworkState, inCluster: (dst: string) => boolean): string[] {
  const out: string[] = [];
  const d = part.device;
  if (d) {
    const link = state.links.find((l) => l.name === d.name);
    if (!link) out.push(`device ${d.name} missing`);
    else {
      if (link.kind !== d.kind) out.push(`device ${d.name}: kind ${link.kind}, planned ${d.kind}`);
      if (link.mtu !== d.mtu) out.push(`device ${d.name}: mtu ${link.mtu}, planned ${d.mtu}`);
      if (d.mac && link.mac !== d.mac) out.push(`device ${d.name}: mac ${link.mac}, planned ${d.mac}`);
      if (d.kind === 'vxlan') {
        const v = link.vxlan;
        if (!v) out.push(`device ${d.name}: no vxlan details`);
        else {
          if (v.id !== d.vni) out.push(`device ${d.name}: VNI ${v.id}, planned ${d.vni}`);
          if (v.port !== d.port) out.push(`device ${d.name}: port ${v.port}, planned ${d.port}`);
          if (v.learning) out.push(`device ${d.name}: learning on, planned nolearning`);
          if (v.local !== d.local) out.push(`device ${d.name}: local ${v.local}, planned ${d.local}`);
        }
      }
    }
    if (!state.addresses.some((a) => a.dev === d.name && `${a.local}/${a.prefixLength}` === d.address)) {
      out.push(`address ${d.address} on ${d.name} missing`);
    }
  }

  // Routes into the cluster network: exactly the planned ones plus cni0's connected route (and, for IPv6,
  // the kernel's prefix route of the VTEP's own /128 address).
  const clusterRoutes = state.routes.filter(
    (r) => r.dst !== 'default' && inCluster(r.dst) && !(r.dev === d?.name && r.dst === d?.address),
  );
  const planned = new Set(part.routes.map(routeText));
  const actual = new Set(clusterRoutes.filter((r) => r.dev !== BRIDGE).map(routeText));
  for (const r of planned) if (!actual.has(r)) out.push(`route missing: ${r}`);
  for (const r of actual) if (!planned.has(r)) out.push(`route not planned: ${r}`);

  for (const n of part.neighbours) {
    const got = state.neighbours.find((x) => x.dst === n.dst && x.dev === n.dev);
    if (!got) out.push(`neighbour missing: ${n.dst} dev ${n.dev}`);
    else if (got.lladdr !== n.lladdr || !got.permanent) {
      out.push(
        `neighbour ${n.dst}: lladdr ${got.lladdr}${got.permanent ? '' : ' (not permanent)'}, planned ${n.lladdr} permanent`,
      );
    }
  }
  const tunnelFdb = state.fdb.filter((f) => f.dev === d?.name && f.dst !== undefined);
  for (const f of part.fdb) {
    const got = tunnelFdb.find((x) => x.mac === f.mac);
    if (!got) out.push(`fdb missing: ${f.mac} dst ${f.dst}`);
    else if (got.dst !== f.dst || !got.permanent)
      out.push(`fdb ${f.mac}: dst ${got.dst}, planned ${f.dst} permanent`);
  }
  for (const f of tunnelFdb)
    if (!part.fdb.some((x) => x.mac === f.mac)) out.push(`fdb not planned: ${f.mac} dst ${f.dst}`);
  return out;
}
