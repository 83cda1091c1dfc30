/**
 * Binding pods that name no node, as kube-scheduler does for the cases the lab meets
 * (pkg/scheduler/framework/plugins: NodeName, NodeUnschedulable, NodeAffinity for `nodeSelector`,
 * TaintToleration for NoSchedule taints, and the spreading scores reduced to "fewest pods, then name"):
 * the pod gets `spec.nodeName` (what the binding subresource writes) and the PodScheduled condition.
 * A pod no node fits stays Pending with PodScheduled False, reason Unschedulable.
 */
import { apiTime } from './defaulting.ts';
import { scheduledStatus } from './podStatus.ts';
import type { Registry } from './registry.ts';
import { resourceOfKind } from './resources.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

function fits(pod: ApiObject, node: ApiObject): boolean {
  const spec = (pod.spec ?? {}) as Obj;
  const nodeSpec = (node.spec ?? {}) as Obj;
  const ready = (((node.status ?? {}) as Obj).conditions as Obj[] | undefined)?.some(
    (c) => c.type === 'Ready' && c.status === 'True',
  );
  if (!ready || nodeSpec.unschedulable === true) return false;
  const labels = (node.metadata.labels ?? {}) as Record<string, string>;
  for (const [k, v] of Object.entries((spec.nodeSelector ?? {}) as Record<string, string>))
    if (labels[k] !== v) return false;
  const tolerations = (spec.tolerations ?? []) as Obj[];
  for (const taint of (nodeSpec.taints ?? []) as Obj[]) {
    if (taint.effect !== 'NoSchedule' && taint.effect !== 'NoExecute') continue;
    const tolerated = tolerations.some(
      (t) =>
        (t.effect === undefined || t.effect === '' || t.effect === taint.effect) &&
        ((t.operator === 'Exists' && (t.key === undefined || t.key === '' || t.key === taint.key)) ||
          ((t.operator === undefined || t.operator === 'Equal') &&
            t.key === taint.key &&
            (t.value ?? '') === (taint.value ?? ''))),
    );
    if (!tolerated) return false;
  }
  return true;
}

export function schedulePods(registry: Registry): void {
  const pods = registry.store.list('pods');
  const nodes = registry.store.list('nodes');
  const podsR = resourceOfKind('Pod');
  const load = new Map<string, number>(nodes.map((n) => [n.metadata.name, 0]));
  for (const p of pods) {
    const n = ((p.spec ?? {}) as Obj).nodeName as string | undefined;
    if (n) load.set(n, (load.get(n) ?? 0) + 1);
  }
  for (const pod of pods) {
    const spec = (pod.spec ?? {}) as Obj;
    if (spec.nodeName || pod.metadata.deletionTimestamp !== undefined) continue;
    const candidates = nodes
      .filter((n) => fits(pod, n))
      .sort(
        (a, b) =>
          (load.get(a.metadata.name) ?? 0) - (load.get(b.metadata.name) ?? 0) ||
          (a.metadata.name < b.metadata.name ? -1 : 1),
      );
    const chosen = candidates[0];
    registry.mutate(podsR, pod.metadata.namespace, pod.metadata.name, (o) => {
      if (chosen) {
        (o.spec as Obj).nodeName = chosen.metadata.name;
        o.status = scheduledStatus(o);
      } else {
        const status = (o.status ?? {}) as Obj;
        const others = ((status.conditions ?? []) as Obj[]).filter((c) => c.type !== 'PodScheduled');
        o.status = {
          ...status,
          conditions: [
            ...others,
            {
              type: 'PodScheduled',
              status: 'False',
              lastProbeTime: null,
              lastTransitionTime: apiTime(),
              reason: 'Unschedulable',
              message: `0/${nodes.length} nodes are available: ${nodes.length} node(s) didn't match Pod's node affinity/selector.`,
            },
          ],
        };
      }
    });
    if (chosen) load.set(chosen.metadata.name, (load.get(chosen.metadata.name) ?? 0) + 1);
  }
}
