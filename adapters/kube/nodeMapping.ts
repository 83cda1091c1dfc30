/**
 * Which real node stands for each scenario node. Candidates are the nodes that match `--node-selector`,
 * are Ready, schedulable and carry no NoExecute taint, sorted by name; scenario node i goes to candidate
 * i mod n. Pods are pinned with `nodeName`, so placement never depends on the scheduler.
 */
import type { V1Node } from '@kubernetes/client-node';
import { PodnetTargetError } from '../../spec/errors.ts';

export interface RealNode {
  readonly name: string;
  readonly internalIP?: string;
  readonly podCIDR?: string;
  readonly podCIDRs: readonly string[];
  readonly annotations: Readonly<Record<string, string>>;
  readonly addresses: readonly string[];
}

export function realNodeOf(n: V1Node): RealNode {
  const internal = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
  return {
    name: n.metadata?.name ?? '',
    ...(internal !== undefined ? { internalIP: internal } : {}),
    ...(n.spec?.podCIDR !== undefined ? { podCIDR: n.spec.podCIDR } : {}),
    podCIDRs: n.spec?.podCIDRs ?? (n.spec?.podCIDR ? [n.spec.podCIDR] : []),
    annotations: { ...(n.metadata?.annotations ?? {}) },
    addresses: (n.status?.addresses ?? []).map((a) => a.address),
  };
}

/** Whether pods can run on the node now. */
export function usableNode(n: V1Node): boolean {
  const ready = n.status?.conditions?.find((c) => c.type === 'Ready')?.status === 'True';
  const noExecute = (n.spec?.taints ?? []).some((t) => t.effect === 'NoExecute');
  return ready && n.spec?.unschedulable !== true && !noExecute;
}

/** Parses `--node-selector K=V[,K2=V2]` into a label selector string (validated). */
export function nodeSelectorText(pairs: readonly string[]): string | undefined {
  if (pairs.length === 0) return undefined;
  for (const p of pairs) {
    if (!/^[A-Za-z0-9./_-]+=[A-Za-z0-9._-]*$/.test(p)) {
      throw new PodnetTargetError(
        'PODNET_KUBE_NODE_SELECTOR',
        `--node-selector "${p}" is not KEY=VALUE`,
        'for example --node-selector kubernetes.io/os=linux',
      );
    }
  }
  return pairs.join(',');
}

/** Scenario node names → real nodes, round-robin over the usable candidates. */
export function mapNodes(scenarioNodes: readonly string[], nodes: readonly V1Node[]): Map<string, RealNode> {
  const candidates = nodes
    .filter(usableNode)
    .map(realNodeOf)
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (candidates.length === 0) {
    throw new PodnetTargetError(
      'PODNET_KUBE_NO_NODES',
      'no Ready, schedulable node matches',
      'check `kubectl get nodes` and --node-selector',
    );
  }
  return new Map(scenarioNodes.map((s, i) => [s, candidates[i % candidates.length] as RealNode]));
}
