/**
 * Namespace deletion, as kube-controller-manager's namespace controller does it
 * (pkg/controller/namespace/deletion/namespaced_resources_deleter.go): a namespace with a
 * deletionTimestamp stays `Terminating` while it has content; the controller deletes every object in it
 * (pods gracefully, with their own grace period), reports what remains in the NamespaceContentRemaining
 * condition, and once nothing is left removes the `kubernetes` finalizer from spec.finalizers (the
 * /finalize subresource). With no finalizers left, the namespace is gone.
 */
import { apiTime } from './defaulting.ts';
import type { Registry } from './registry.ts';
import { RESOURCES, resourceOfKind } from './resources.ts';

type Obj = Record<string, unknown>;

export function reconcileNamespaces(registry: Registry): void {
  const namespaces = resourceOfKind('Namespace');
  for (const ns of registry.store.list('namespaces')) {
    if (ns.metadata.deletionTimestamp === undefined) continue;
    const name = ns.metadata.name;
    const remaining = new Map<string, number>();
    for (const r of RESOURCES.filter((x) => x.namespaced)) {
      const key = r.group === '' ? r.plural : `${r.plural}.${r.group}`;
      const items = registry.store.list(key, name);
      if (items.length === 0) continue;
      remaining.set(key, items.length);
      for (const o of items) {
        try {
          registry.delete(r, name, o.metadata.name, {});
        } catch {
          // Already gone: the next pass sees it.
        }
      }
    }
    const now = apiTime();
    if (remaining.size > 0) {
      const message = `Some resources are remaining: ${[...remaining].map(([k, n]) => `${k} has ${n} resource instances`).join(', ')}`;
      registry.mutate(namespaces, undefined, name, (o) => {
        const status = (o.status ?? {}) as Obj;
        const others = ((status.conditions ?? []) as Obj[]).filter(
          (c) => c.type !== 'NamespaceContentRemaining',
        );
        const before = ((status.conditions ?? []) as Obj[]).find(
          (c) => c.type === 'NamespaceContentRemaining',
        );
        o.status = {
          ...status,
          phase: 'Terminating',
          conditions: [
            ...others,
            {
              type: 'NamespaceContentRemaining',
              status: 'True',
              lastTransitionTime: before?.status === 'True' ? before.lastTransitionTime : now,
              reason: 'SomeResourcesRemain',
              message,
            },
          ],
        };
      });
      continue;
    }
    // Empty: remove the `kubernetes` finalizer; with no finalizer left the namespace goes.
    const after = registry.mutate(namespaces, undefined, name, (o) => {
      const spec = (o.spec ?? {}) as Obj;
      const finalizers = ((spec.finalizers ?? []) as string[]).filter((f) => f !== 'kubernetes');
      o.spec = finalizers.length > 0 ? { ...spec, finalizers } : {};
    });
    const metaFinalizers = (after?.metadata.finalizers ?? []) as string[];
    const specFinalizers = (((after?.spec ?? {}) as Obj).finalizers ?? []) as string[];
    if (after && metaFinalizers.length === 0 && specFinalizers.length === 0)
      registry.forget(namespaces, undefined, name);
  }
}
