/**
 * The lab API's storage: every object as the API's JSON, one global resourceVersion counter (as etcd's
 * revision: every write takes the next number, and an object's resourceVersion is the revision of its last
 * write), and a bounded history of change events from which watches start or resume. A watch from a
 * version older than the history holds is answered 410 Expired ("too old resource version"), as the watch
 * cache does when etcd has compacted past it (staging/src/k8s.io/apiserver/pkg/storage/cacher/watch_cache.go).
 */

export type ApiObject = Record<string, unknown> & {
  metadata: Record<string, unknown> & { name: string; namespace?: string; resourceVersion?: string };
};

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  readonly type: EventType;
  /** The resource's plural with its group (`pods`, `networkpolicies.networking.k8s.io`). */
  readonly resource: string;
  readonly object: ApiObject;
  /** The object before the change (MODIFIED, DELETED), for selector transitions. */
  readonly previous?: ApiObject;
  readonly revision: number;
}

export interface StoreOptions {
  /** Events kept for watches to resume from (default 2000). */
  readonly historyLimit?: number;
}

/** The key of an object in its resource: `ns/name`, or `name` when cluster-scoped. */
function objectKey(namespace: string | undefined, name: string): string {
  return namespace ? `${namespace}/${name}` : name;
}

function inKeyOrder(bucket: ReadonlyMap<string, ApiObject>, namespace: string | undefined): ApiObject[] {
  return [...bucket.entries()]
    .filter(([, o]) => namespace === undefined || o.metadata.namespace === namespace)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([, o]) => structuredClone(o));
}

export class ObjectStore {
  private revision = 1;
  /** Watches may resume from any revision ≥ this one. */
  private oldestResumable = 1;
  private readonly resources = new Map<string, Map<string, ApiObject>>();
  private readonly history: StoreEvent[] = [];
  private readonly listeners = new Set<(e: StoreEvent) => void>();
  private readonly historyLimit: number;

  constructor(options: StoreOptions = {}) {
    this.historyLimit = options.historyLimit ?? 2000;
  }

  /** The current revision (what a list returns as its resourceVersion). */
  currentRevision(): number {
    return this.revision;
  }

  /** The oldest revision a watch can still resume from. */
  oldestRevision(): number {
    return this.oldestResumable;
  }

  private bucket(resource: string): Map<string, ApiObject> {
    let b = this.resources.get(resource);
    if (!b) {
      b = new Map();
      this.resources.set(resource, b);
    }
    return b;
  }

  get(resource: string, namespace: string | undefined, name: string): ApiObject | undefined {
    const o = this.resources.get(resource)?.get(objectKey(namespace, name));
    return o ? structuredClone(o) : undefined;
  }

  /** Objects of a resource (in one namespace, or all), in key order as etcd lists them. */
  list(resource: string, namespace?: string): ApiObject[] {
    return inKeyOrder(this.resources.get(resource) ?? new Map(), namespace);
  }

  /**
   * The objects as they were at `revision`, as etcd serves a paged list's later pages from the first page's
   * revision (staging/src/k8s.io/apiserver/pkg/storage/etcd3/store.go GetList, `WithRev`); 'expired' when
   * the history no longer reaches back that far (etcd compacted past it). Undoes the later events.
   */
  listAt(resource: string, namespace: string | undefined, revision: number): ApiObject[] | 'expired' {
    if (revision >= this.revision) return this.list(resource, namespace);
    if (revision < this.oldestResumable) return 'expired';
    const then = new Map(this.resources.get(resource) ?? []);
    for (let i = this.history.length - 1; i >= 0; i--) {
      const e = this.history[i] as StoreEvent;
      if (e.revision <= revision) break;
      if (e.resource !== resource) continue;
      const key = objectKey(e.object.metadata.namespace, e.object.metadata.name);
      if (e.type === 'ADDED') then.delete(key);
      else if (e.previous) then.set(key, e.previous);
    }
    return inKeyOrder(then, namespace);
  }

  private write(type: EventType, resource: string, object: ApiObject, previous?: ApiObject): ApiObject {
    this.revision++;
    const stored = structuredClone(object);
    stored.metadata.resourceVersion = String(this.revision);
    const key = objectKey(stored.metadata.namespace, stored.metadata.name);
    if (type === 'DELETED') this.bucket(resource).delete(key);
    else this.bucket(resource).set(key, stored);
    const event: StoreEvent = {
      type,
      resource,
      object: stored,
      ...(previous ? { previous } : {}),
      revision: this.revision,
    };
    this.history.push(event);
    while (this.history.length > this.historyLimit) {
      const dropped = this.history.shift() as StoreEvent;
      this.oldestResumable = dropped.revision;
    }
    for (const l of this.listeners) l(event);
    return structuredClone(stored);
  }

  create(resource: string, object: ApiObject): ApiObject {
    return this.write('ADDED', resource, object);
  }

  /** Replaces a stored object (it must exist). */
  update(resource: string, object: ApiObject): ApiObject {
    const previous = this.resources
      .get(resource)
      ?.get(objectKey(object.metadata.namespace, object.metadata.name));
    if (!previous) throw new Error(`update of missing ${resource} ${object.metadata.name}`);
    return this.write('MODIFIED', resource, object, previous);
  }

  /** Removes an object; the DELETED event carries it with a new resourceVersion, as etcd's delete does. */
  delete(resource: string, namespace: string | undefined, name: string): ApiObject | undefined {
    const previous = this.resources.get(resource)?.get(objectKey(namespace, name));
    if (!previous) return undefined;
    return this.write('DELETED', resource, previous, previous);
  }

  /**
   * Events after `revision` (exclusive), or 'expired' when the history no longer reaches back that far.
   */
  eventsAfter(revision: number): StoreEvent[] | 'expired' {
    if (revision < this.oldestResumable) return 'expired';
    return this.history.filter((e) => e.revision > revision);
  }

  /** Calls `listener` for every change from now on; returns the unsubscribe function. */
  subscribe(listener: (e: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops history up to `revision` (tests of 410 Expired; etcd compaction). */
  compact(revision = this.revision): void {
    while (this.history.length > 0 && (this.history[0] as StoreEvent).revision <= revision)
      this.history.shift();
    this.oldestResumable = Math.max(this.oldestResumable, revision);
  }
}
