/** host-gw's commands (docs/research/flannel.md §5.2): a route per adjacent peer via its public IP. */
import type { NodeFlannelPlan } from './plan.ts';

export function hostgwIpLines(plan: NodeFlannelPlan): string[] {
  return plan.routes.map((r) => `route replace ${r.dst} via ${r.gateway} dev ${r.dev}`);
}
