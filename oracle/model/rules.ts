/**
 * The Kubernetes network model as pure rules (seed notes 网络模型; the cluster-networking concept page):
 * every pod gets its own IP, unique in the cluster and inside its node's lease; pods reach each other
 * without NAT (the server sees the client's own IP, and the IP it dialled answers as the pod it belongs to);
 * traffic leaving the cluster is masqueraded to the node's address; a pod's own node always reaches it,
 * whatever the policies ("traffic to and from the node where a Pod is running is always allowed",
 * networking/v1 types.go). Each rule returns what is wrong, or undefined; the runner only compares.
 */
import type { Cluster, ObjectKey } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { Realized } from '../../spec/scenario.ts';
import { parseCidr, parseIP, rangeContains } from '../policy/cidr.ts';

export type ModelRule =
  | 'MODEL-UNIQUE-IP'
  | 'MODEL-IP-IN-LEASE'
  | 'MODEL-NO-NAT'
  | 'MODEL-MASQUERADE'
  | 'MODEL-NODE-TO-POD';

export interface ModelViolation {
  readonly rule: ModelRule;
  readonly detail: string;
}

export interface StaticViolation extends ModelViolation {
  readonly rule: 'MODEL-UNIQUE-IP' | 'MODEL-IP-IN-LEASE';
  readonly pods: readonly ObjectKey[];
}

/** What answered a connected probe, and what it saw. */
export interface Answer {
  /** The pod that answered (its hostname), when the target reports it. */
  readonly servedBy?: ObjectKey;
  /** The source address the server saw, when the target reports it. */
  readonly sourceSeen?: string;
}

/**
 * A connected pod-to-pod probe: `host` (the pod's IP) must answer as `dest` (MODEL-UNIQUE-IP), and `dest`
 * must see the client's own IP `sourceIP` (MODEL-NO-NAT). Facts the target does not report are not judged.
 */
export function podToPodViolation(
  dest: ObjectKey,
  host: string,
  from: ObjectKey,
  sourceIP: string | undefined,
  answer: Answer,
): ModelViolation | undefined {
  if (answer.servedBy !== undefined && answer.servedBy !== dest) {
    return { rule: 'MODEL-UNIQUE-IP', detail: `${host} answered as ${answer.servedBy}, expected ${dest}` };
  }
  if (sourceIP !== undefined && answer.sourceSeen !== undefined && answer.sourceSeen !== sourceIP) {
    return {
      rule: 'MODEL-NO-NAT',
      detail: `${dest} saw source ${answer.sourceSeen}, expected ${from}'s own IP ${sourceIP}`,
    };
  }
  return undefined;
}

/** The rules `podToPodViolation` judges with what the target reported (a fact not reported is not judged). */
export function podToPodChecks(sourceIP: string | undefined, answer: Answer): ModelRule[] {
  const checks: ModelRule[] = [];
  if (answer.servedBy !== undefined) checks.push('MODEL-UNIQUE-IP');
  if (sourceIP !== undefined && answer.sourceSeen !== undefined) checks.push('MODEL-NO-NAT');
  return checks;
}

/**
 * A connected probe from a pod to a server outside the cluster: the server must see the pod's node address
 * (flannel's masquerade rules, `ip-masq`; MODEL-MASQUERADE). Undefined when the node address is unknown.
 */
export function masqueradeViolation(nodeIP: string | undefined, answer: Answer): ModelViolation | undefined {
  if (nodeIP === undefined || answer.sourceSeen === nodeIP) return undefined;
  return {
    rule: 'MODEL-MASQUERADE',
    detail: `the outside server saw ${answer.sourceSeen ?? 'nothing'}, expected the node IP ${nodeIP}`,
  };
}

/** The rule `masqueradeViolation` judges: MODEL-MASQUERADE, when the node address is known. */
export function masqueradeChecks(nodeIP: string | undefined): ModelRule[] {
  return nodeIP === undefined ? [] : ['MODEL-MASQUERADE'];
}

/**
 * A probe from `node` to a pod it runs: always allowed (MODEL-NODE-TO-POD), and `host` answers as that pod
 * (MODEL-UNIQUE-IP). The pod sees the node's address on its bridge, so there is no NAT rule here.
 */
export const NODE_TO_POD_RULE: ModelRule = 'MODEL-NODE-TO-POD';

export function nodeToPodExplanation(pod: ObjectKey, node: string): string {
  return `${pod} runs on ${node}: a pod's own node can always reach it, whatever the policies`;
}

/** The rules a probe from a pod's own node is judged by: always MODEL-NODE-TO-POD, and what answered when reported. */
export function nodeToPodChecks(answer: Answer): ModelRule[] {
  return answer.servedBy === undefined ? [NODE_TO_POD_RULE] : [NODE_TO_POD_RULE, 'MODEL-UNIQUE-IP'];
}

export function nodeToPodViolation(
  pod: ObjectKey,
  host: string,
  node: string,
  answer: Answer,
): ModelViolation | undefined {
  if (answer.servedBy === undefined || answer.servedBy === pod) return undefined;
  return {
    rule: 'MODEL-UNIQUE-IP',
    detail: `${host} answered node ${node} as ${answer.servedBy}, expected ${pod}`,
  };
}

/** Unique pod IPs (hostNetwork pods share their node's), each inside its node's lease. */
export function staticModelViolations(cluster: Cluster, realized: Realized): StaticViolation[] {
  const out: StaticViolation[] = [];
  const byIP = new Map<string, ObjectKey[]>();
  for (const pod of cluster.pods) {
    if (pod.hostNetwork) continue;
    const key = keyOf(pod);
    const ip = realized.podIPs[key]?.[0];
    if (ip === undefined) continue;
    byIP.set(ip, [...(byIP.get(ip) ?? []), key]);
    const lease = pod.nodeName ? realized.nodeSubnets[pod.nodeName] : undefined;
    if (lease !== undefined && outsideLease(ip, lease)) {
      out.push({
        rule: 'MODEL-IP-IN-LEASE',
        detail: `${key} has IP ${ip}, outside its node ${pod.nodeName}'s lease ${lease}`,
        pods: [key],
      });
    }
  }
  for (const [ip, pods] of byIP) {
    if (pods.length > 1)
      out.push({ rule: 'MODEL-UNIQUE-IP', detail: `${pods.join(' and ')} share the IP ${ip}`, pods });
  }
  return out;
}

/** What `staticModelViolations` judges: each rule with the pod IPs it looked at (none: not judged). */
export function staticModelChecks(
  cluster: Cluster,
  realized: Realized,
): { readonly rule: StaticViolation['rule']; readonly observations: number }[] {
  const withIP = cluster.pods.filter((p) => !p.hostNetwork && realized.podIPs[keyOf(p)]?.[0] !== undefined);
  const inLease = withIP.filter((p) => p.nodeName && realized.nodeSubnets[p.nodeName] !== undefined);
  return [
    { rule: 'MODEL-UNIQUE-IP' as const, observations: withIP.length },
    { rule: 'MODEL-IP-IN-LEASE' as const, observations: inLease.length },
  ].filter((c) => c.observations > 0);
}

/** Whether `ip` is outside `lease`; an unparsable pair, or one of two families, is not judged here. */
function outsideLease(ip: string, lease: string): boolean {
  const address = parseIP(ip);
  const range = parseCidr(lease);
  if (!address || !range || address.family !== range.family) return false;
  return !rangeContains(range, address);
}
