/** host-gw's commands (docs/research/flannel.md §5.2): a route per adjacent peer via its public IP (and public-ipv6). */
import type { NodeFlannelPlan } from './plan.ts';

export function hostgwIpLines(plan: NodeFlannelPlan): string[] {
  return [...plan.routes, ...(plan.ipv6?.routes ?? [])].map(
    (r) => `route replace ${r.dst} via ${r.gateway} dev ${r.dev}`,
  );
}
