/**
 * `?watch=1`: a stream of JSON watch events, one per line, as the API server's watch cache serves it
 * (staging/src/k8s.io/apiserver/pkg/storage/cacher/cacher.go, watch_cache.go, cache_watcher.go;
 * staging/src/k8s.io/apiserver/pkg/endpoints/handlers/watch.go):
 * - no resourceVersion or "0": ADDED for every object that matches now, then the changes;
 *   `sendInitialEvents=true` also ends the initial events with a BOOKMARK annotated
 *   `k8s.io/initial-events-end: "true"`;
 * - resourceVersion N: every change after N; N older than the history holds gets one ERROR event carrying a
 *   410 Expired Status (`too old resource version: N (M)`) and the stream ends, so the client relists;
 * - selectors apply to both sides of a change: an object that stops matching is sent as DELETED, one that
 *   starts matching as ADDED (cache_watcher.go convertToWatchEvent);
 * - `allowWatchBookmarks`: BOOKMARK events (kind, apiVersion and resourceVersion only) every bookmark interval;
 * - the stream ends after `timeoutSeconds`, or by default after a random time between minRequestTimeout
 *   (1800 s) and twice that, as the handler bounds it.
 */
import type { ServerResponse } from 'node:http';
import { expired } from './apiErrors.ts';
import { resourceKey, selectableField } from './registry.ts';
import { apiVersionOf, type ResourceInfo } from './resources.ts';
import {
  checkFieldLabels,
  fieldsMatch,
  labelsMatch,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.ts';
import type { ApiObject, ObjectStore, StoreEvent } from './store.ts';

export interface WatchRequest {
  readonly resource: ResourceInfo;
  readonly namespace?: string;
  readonly labelSelector?: string;
  readonly fieldSelector?: string;
  readonly resourceVersion?: string;
  readonly allowWatchBookmarks: boolean;
  readonly sendInitialEvents?: boolean;
  readonly timeoutSeconds?: number;
  /** Turns each event's object into what the client asked for (a Table for `kubectl get -w`). */
  readonly present?: (o: ApiObject) => unknown;
}

export interface WatchBehaviour {
  /** BOOKMARK period when the client allows them (default 60 s, as the cacher's bookmark timer). */
  readonly bookmarkIntervalMs?: number;
  /** The API's `--api-faults` watch drop: the connection is cut this long after the watch started. */
  readonly dropAfterMs?: number;
  /** minRequestTimeout (default 1800 s). */
  readonly minRequestTimeoutSeconds?: number;
}

type Obj = Record<string, unknown>;

/** Serves one watch on `res` until it times out, the client goes away, or the fault cuts it. */
export function serveWatch(
  res: ServerResponse,
  store: ObjectStore,
  req: WatchRequest,
  behaviour: WatchBehaviour = {},
): void {
  const labels = parseLabelSelector(req.labelSelector ?? '');
  const fields = parseFieldSelector(req.fieldSelector ?? '');
  checkFieldLabels(fields, req.resource.fieldLabels);
  const key = resourceKey(req.resource);
  const present = req.present ?? ((o: ApiObject) => o);
  const matches = (o: ApiObject | undefined): boolean =>
    o !== undefined &&
    (req.namespace === undefined || o.metadata.namespace === req.namespace) &&
    labelsMatch(labels, (o.metadata.labels ?? {}) as Record<string, string>) &&
    fieldsMatch(fields, (f) => selectableField(o, f));

  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  let open = true;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: () => void = () => {};
  const finish = (abrupt: boolean): void => {
    if (!open) return;
    open = false;
    for (const t of timers) clearTimeout(t);
    unsubscribe();
    if (abrupt) res.socket?.destroy();
    else res.end();
  };
  const send = (type: string, object: unknown): void => {
    if (!open) return;
    res.write(`${JSON.stringify({ type, object })}\n`);
  };
  res.on('close', () => finish(false));

  const bookmark = (extra: Obj = {}): void => {
    send('BOOKMARK', {
      kind: req.resource.kind,
      apiVersion: apiVersionOf(req.resource),
      metadata: { resourceVersion: String(store.currentRevision()), ...extra },
    });
  };

  const translate = (e: StoreEvent): void => {
    if (e.resource !== key) return;
    const now = matches(e.object);
    const before = e.type === 'ADDED' ? false : matches(e.previous);
    if (e.type === 'DELETED') {
      if (before) send('DELETED', present(e.object));
      return;
    }
    if (now && before) send('MODIFIED', present(e.object));
    else if (now) send('ADDED', present(e.object));
    else if (before) send('DELETED', present(e.object));
  };

  const rv = req.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    for (const o of store.list(key, req.namespace)) if (matches(o)) send('ADDED', present(o));
    if (req.sendInitialEvents && req.allowWatchBookmarks)
      bookmark({ annotations: { 'k8s.io/initial-events-end': 'true' } });
    unsubscribe = store.subscribe(translate);
  } else {
    const from = Number(rv);
    if (!Number.isInteger(from) || from < 0) {
      send('ERROR', expired(`invalid resource version: ${rv}`).status);
      finish(false);
      return;
    }
    const backlog = store.eventsAfter(from);
    if (backlog === 'expired') {
      send('ERROR', expired(`too old resource version: ${from} (${store.oldestRevision()})`).status);
      finish(false);
      return;
    }
    for (const e of backlog) translate(e);
    unsubscribe = store.subscribe(translate);
  }

  const minTimeout = behaviour.minRequestTimeoutSeconds ?? 1800;
  const timeoutMs = (req.timeoutSeconds ?? minTimeout * (1 + Math.random())) * 1000;
  timers.push(setTimeout(() => finish(false), timeoutMs));
  if (req.allowWatchBookmarks) {
    const every = behaviour.bookmarkIntervalMs ?? 60_000;
    const tick = (): void => {
      bookmark();
      timers.push(setTimeout(tick, every));
    };
    timers.push(setTimeout(tick, every));
  }
  if (behaviour.dropAfterMs !== undefined) timers.push(setTimeout(() => finish(true), behaviour.dropAfterMs));
}
