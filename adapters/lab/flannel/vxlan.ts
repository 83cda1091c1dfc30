/**
 * The vxlan backend's commands (docs/research/flannel.md §5.1): the VTEP device, then per peer neighbour,
 * FDB and route.
 */
import type { NodeFlannelPlan } from './plan.ts';

/** `ip` batch lines for a node's vxlan device and routes/neighbours. */
export function vxlanIpLines(plan: NodeFlannelPlan): string[] {
  const d = plan.device;
  const lines: string[] = [];
  if (d?.kind === 'vxlan') {
    lines.push(
      `link add ${d.name} address ${d.mac} mtu ${d.mtu} type vxlan id ${d.vni} local ${d.local}${d.dev ? ` dev ${d.dev}` : ''} dstport ${d.port} nolearning`,
      `addr add ${d.address} dev ${d.name}`,
      `link set ${d.name} up`,
    );
  }
  for (const n of plan.neighbours)
    lines.push(`neigh replace ${n.dst} lladdr ${n.lladdr} dev ${n.dev} nud permanent`);
  for (const r of plan.routes) {
    lines.push(
      `route replace ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${r.dev}${r.onlink ? ' onlink' : ''}`,
    );
  }
  return lines;
}

/** `bridge` batch lines for the FDB entries. */
export function vxlanFdbLines(plan: NodeFlannelPlan): string[] {
  return plan.fdb.map((f) => `fdb append ${f.mac} dev ${f.dev} dst ${f.dst} self permanent`);
}
