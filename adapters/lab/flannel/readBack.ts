/**
 * Compares what the lab's flannel agent meant to program on a node (its plan) with what the node
 * reads back. Returns one line per difference; empty when the node holds exactly the plan.
 */
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import { cidrContains, parseCidr } from '../ipv4.ts';
import { BRIDGE, type NodeFlannelPlan } from './plan.ts';

function routeText(r: {
  dst: string;
  gateway?: string | undefined;
  dev?: string | undefined;
  onlink: boolean;
}): string {
  return `${r.dst}${r.gateway ? ` via ${r.gateway}` : ''}${r.dev ? ` dev ${r.dev}` : ''}${r.onlink ? ' onlink' : ''}`;
}

export function diffNodeState(plan: NodeFlannelPlan, state: NodeNetworkState, network: string): string[] {
  const out: string[] = [];
  const net = parseCidr(network);
  const d = plan.device;
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
  const bridge = state.links.find((l) => l.name === BRIDGE);
  if (!bridge) out.push(`${BRIDGE} missing`);
  else if (bridge.mtu !== plan.mtu) out.push(`${BRIDGE}: mtu ${bridge.mtu}, planned ${plan.mtu}`);

  // Routes into the cluster network: exactly the planned ones plus cni0's connected route.
  const clusterRoutes = state.routes.filter((r) => {
    if (r.dst === 'default') return false;
    const c = parseCidr(r.dst);
    return cidrContains(net, c.base) || cidrContains(c, net.base);
  });
  const planned = new Set(plan.routes.map(routeText));
  const actual = new Set(clusterRoutes.filter((r) => r.dev !== BRIDGE).map(routeText));
  for (const r of planned) if (!actual.has(r)) out.push(`route missing: ${r}`);
  for (const r of actual) if (!planned.has(r)) out.push(`route not planned: ${r}`);

  for (const n of plan.neighbours) {
    const got = state.neighbours.find((x) => x.dst === n.dst && x.dev === n.dev);
    if (!got) out.push(`neighbour missing: ${n.dst} dev ${n.dev}`);
    else if (got.lladdr !== n.lladdr || !got.permanent) {
      out.push(
        `neighbour ${n.dst}: lladdr ${got.lladdr}${got.permanent ? '' : ' (not permanent)'}, planned ${n.lladdr} permanent`,
      );
    }
  }
  const tunnelFdb = state.fdb.filter((f) => f.dev === d?.name && f.dst !== undefined);
  for (const f of plan.fdb) {
    const got = tunnelFdb.find((x) => x.mac === f.mac);
    if (!got) out.push(`fdb missing: ${f.mac} dst ${f.dst}`);
    else if (got.dst !== f.dst || !got.permanent)
      out.push(`fdb ${f.mac}: dst ${got.dst}, planned ${f.dst} permanent`);
  }
  for (const f of tunnelFdb)
    if (!plan.fdb.some((x) => x.mac === f.mac)) out.push(`fdb not planned: ${f.mac} dst ${f.dst}`);

  const env = state.subnetEnv ?? {};
  for (const [k, v] of Object.entries(plan.subnetEnv))
    if (env[k] !== v) out.push(`subnet.env ${k}=${env[k]}, planned ${v}`);
  for (const [k, v] of Object.entries(plan.annotations)) {
    if (state.annotations[k] !== v) out.push(`annotation ${k}=${state.annotations[k]}, planned ${v}`);
  }
  return out;
}
