/**
 * The vxlan backend's commands (docs/research/flannel.md §5.1): the VTEP device, then per peer neighbour,
 * FDB and route; the same again on `flannel-v6.<VNI>` for the IPv6 side of a dual-stack or IPv6 lab.
 */
import type { NodeFlannelPlan } from './plan.ts';

type Part = Pick<NodeFlannelPlan, 'device' | 'routes' | 'neighbours' | 'fdb'>;

function partIpLines(part: Part, ipv6: boolean): string[] {
  const d = part.device;
  const lines: string[] = [];
  if (d?.kind === 'vxlan') {
    lines.push(
      `link add ${d.name} address ${d.mac} mtu ${d.mtu} type vxlan id ${d.vni} local ${d.local}${d.dev ? ` dev ${d.dev}` : ''} dstport ${d.port} nolearning`,
      // IPv6: no duplicate address detection, so the address is usable at once.
      `addr add ${d.address} dev ${d.name}${ipv6 ? ' nodad' : ''}`,
      `link set ${d.name} up`,
    );
  }
  for (const n of part.neighbours)
    lines.push(`neigh replace ${n.dst} lladdr ${n.lladdr} dev ${n.dev} nud permanent`);
  for (const r of part.routes) {
    lines.push(
      `route replace ${r.dst}${r.gateway ? ` via ${r.gateway}` : ''} dev ${r.dev}${r.onlink ? ' onlink' : ''}`,
    );
  }
  return lines;
}

/** `ip` batch lines for a node's vxlan devices and routes/neighbours (IPv4, then IPv6 when planned). */
export function vxlanIpLines(plan: NodeFlannelPlan): string[] {
  return [...partIpLines(plan, false), ...(plan.ipv6 ? partIpLines(plan.ipv6, true) : [])];
}

/** `bridge` batch lines for the FDB entries of both families. */
export function vxlanFdbLines(plan: NodeFlannelPlan): string[] {
  return [...plan.fdb, ...(plan.ipv6?.fdb ?? [])].map(
    (f) => `fdb append ${f.mac} dev ${f.dev} dst ${f.dst} self permanent`,
  );
}
