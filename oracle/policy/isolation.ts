/**
 * Which policies isolate a pod for a direction (docs/research/netpol.md §7 rules 1, 4, 5): a policy in the
 * pod's own namespace whose podSelector selects the pod and whose policyTypes list the direction.
 */
import type { Cluster, NetworkPolicy, Pod, PolicyType } from '../../spec/model.ts';
import type { Direction } from './decision.ts';
import { selectorMatches } from './selectorMatches.ts';

export function policyTypeOf(direction: Direction): PolicyType {
  return direction === 'ingress' ? 'Ingress' : 'Egress';
}

/** Whether `policy` selects `pod` (same namespace, podSelector matches). */
function policySelects(policy: NetworkPolicy, pod: Pod): boolean {
  return policy.namespace === pod.namespace && selectorMatches(policy.podSelector, pod.labels);
}

/** The policies that isolate `pod` for `direction`, in cluster order. */
export function isolatingPolicies(cluster: Cluster, pod: Pod, direction: Direction): NetworkPolicy[] {
  const type = policyTypeOf(direction);
  return cluster.policies.filter((p) => p.policyTypes.includes(type) && policySelects(p, pod));
}

/** The rules a policy lists for `direction` (absent and `[]` both mean none). */
export function rulesOf(policy: NetworkPolicy, direction: Direction) {
  return (direction === 'ingress' ? policy.ingress : policy.egress) ?? [];
}
