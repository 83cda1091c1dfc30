/**
 * The garbage collector's part in deletion propagation (pkg/controller/garbagecollector/garbagecollector.go):
 * an owner deleted with `propagationPolicy: Foreground` carries the `foregroundDeletion` finalizer until
 * its dependents (objects whose ownerReferences name its uid) are deleted; with `Orphan` it carries the
 * `orphan` finalizer until the collector removed the owner reference from its dependents. Then the
 * finalizer goes, and an object with a deletionTimestamp and no finalizer is gone. `Background` (the
 * default) needs nothing here: dependents whose owner is gone are collected by their controller's pass.
 */
import type { Registry } from './registry.ts';
import { RESOURCES } from './resources.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

function keyOf(r: (typeof RESOURCES)[number]): string {
  return r.group === '' ? r.plural : `${r.plural}.${r.group}`;
}

export function reconcileOwnerFinalizers(registry: Registry): void {
  const all: { r: (typeof RESOURCES)[number]; o: ApiObject }[] = RESOURCES.flatMap((r) =>
    registry.store.list(keyOf(r)).map((o) => ({ r, o })),
  );
  for (const { r, o } of all) {
    const finalizers = (o.metadata.finalizers ?? []) as string[];
    if (o.metadata.deletionTimestamp === undefined) continue;
    const uid = o.metadata.uid;
    const dependents = all.filter(({ o: d }) =>
      ((d.metadata.ownerReferences ?? []) as Obj[]).some((ref) => ref.uid === uid),
    );
    let done: string | undefined;
    if (finalizers.includes('foregroundDeletion')) {
      for (const d of dependents) registry.forget(d.r, d.o.metadata.namespace, d.o.metadata.name);
      done = 'foregroundDeletion';
    } else if (finalizers.includes('orphan')) {
      for (const d of dependents) {
        registry.mutate(d.r, d.o.metadata.namespace, d.o.metadata.name, (x) => {
          const refs = ((x.metadata.ownerReferences ?? []) as Obj[]).filter((ref) => ref.uid !== uid);
          if (refs.length > 0) x.metadata.ownerReferences = refs;
          else delete x.metadata.ownerReferences;
        });
      }
      done = 'orphan';
    }
    if (done === undefined) continue;
    const left = finalizers.filter((f) => f !== done);
    const after = registry.mutate(r, o.metadata.namespace, o.metadata.name, (x) => {
      if (left.length > 0) x.metadata.finalizers = left;
      else delete x.metadata.finalizers;
    });
    const specFinalizers = (((after?.spec ?? {}) as Obj).finalizers ?? []) as string[];
    const podPending = r.kind === 'Pod';
    if (after && left.length === 0 && (r.kind !== 'Namespace' || specFinalizers.length === 0) && !podPending)
      registry.forget(r, o.metadata.namespace, o.metadata.name);
  }
}
