// Watches as the watch cache serves them (cacher.go, watch_cache.go, cache_watcher.go): initial state,
// resume from a resourceVersion, 410 Expired, selector transitions, bookmarks, timeouts and a dropped stream.
import { afterEach, describe, expect, test } from 'vitest';
import { type PlainApi, startPlainApi } from './testing/plainApi.ts';

let api: PlainApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

interface WatchEvent {
  type: string;
  object: {
    kind?: string;
    code?: number;
    reason?: string;
    message?: string;
    metadata: { name?: string; resourceVersion?: string; annotations?: Record<string, string> };
  };
}

/** Reads watch events until `until` says stop, the stream ends, or the bound passes. */
async function events(
  r: Response,
  until: (seen: WatchEvent[]) => boolean,
  boundMs = 10_000,
): Promise<{ seen: WatchEvent[]; ended: 'end' | 'error' | 'stopped' | 'bound' }> {
  const reader = (r.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  const seen: WatchEvent[] = [];
  let buffer = '';
  const bound = Date.now() + boundMs;
  // One read in flight at a time, kept across ticks: a read dropped when the tick wins would swallow the
  // chunk it later resolves with (a whole event lost, as happened under load).
  let pending: ReturnType<typeof reader.read> | undefined;
  try {
    while (Date.now() < bound) {
      pending ??= reader.read();
      const next = await Promise.race([
        pending,
        new Promise<'tick'>((res) => setTimeout(() => res('tick'), 200)),
      ]);
      if (next === 'tick') continue;
      pending = undefined;
      if (next.done) return { seen, ended: 'end' };
      buffer += decoder.decode(next.value, { stream: true });
      const lines = buffer.split('\n');
      buffer = lines.pop() ?? '';
      for (const l of lines) if (l.trim()) seen.push(JSON.parse(l) as WatchEvent);
      if (until(seen)) return { seen, ended: 'stopped' };
    }
    return { seen, ended: 'bound' };
  } catch {
    return { seen, ended: 'error' };
  } finally {
    await reader.cancel().catch(() => {});
  }
}

const pod = (name: string, labels: Record<string, string> = {}) => ({
  metadata: { name, labels },
  spec: { containers: [{ name: 'c', image: 'agnhost' }] },
});

describe('watch', () => {
  test('without a resourceVersion: ADDED for what exists, then each change', async () => {
    api = await startPlainApi();
    await api.call('POST', '/api/v1/namespaces/default/pods', pod('a'));
    const r = await api.call('GET', '/api/v1/namespaces/default/pods?watch=1');
    expect(r.status).toBe(200);
    setTimeout(
      () =>
        void api?.call(
          'PATCH',
          '/api/v1/namespaces/default/pods/a',
          { metadata: { labels: { x: 'y' } } },
          { 'Content-Type': 'application/merge-patch+json' },
        ),
      100,
    );
    const { seen } = await events(r, (s) => s.length >= 2);
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED a', 'MODIFIED a']);
    expect(seen[0]?.object.kind).toBe('Pod');
  });

  test('from a resourceVersion: only what changed after it, so a watch can end and be resumed', async () => {
    api = await startPlainApi();
    await api.call('POST', '/api/v1/namespaces/default/pods', pod('a'));
    const list = (await (await api.call('GET', '/api/v1/namespaces/default/pods')).json()) as {
      metadata: { resourceVersion: string };
    };
    await api.call('POST', '/api/v1/namespaces/default/pods', pod('b'));
    await api.call('DELETE', '/api/v1/namespaces/default/pods/a');
    const r = await api.call(
      'GET',
      `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${list.metadata.resourceVersion}`,
    );
    const { seen } = await events(r, (s) => s.length >= 2);
    expect(seen.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED b', 'DELETED a']);
  });

  test('a resourceVersion the history no longer holds: one ERROR event with 410 Expired, then the end', async () => {
    api = await startPlainApi({ store: { historyLimit: 3 } });
    for (const n of ['a', 'b', 'c', 'd', 'e'])
      await api.call('POST', '/api/v1/namespaces/default/pods', pod(n));
    const r = await api.call('GET', '/api/v1/namespaces/default/pods?watch=true&resourceVersion=2');
    const { seen, ended } = await events(r, () => false, 3000);
    expect(ended).toBe('end');
    expect(seen).toHaveLength(1);
    expect(seen[0]?.type).toBe('ERROR');
    expect(seen[0]?.object).toMatchObject({ kind: 'Status', code: 410, reason: 'Expired' });
    expect(seen[0]?.object.message).toMatch(/^too old resource version: 2 \(\d+\)$/);
  });

  test('selectors on both sides of a change: leaving the selector is DELETED, entering it ADDED', async () => {
    api = await startPlainApi();
    await api.call('POST', '/api/v1/namespaces/default/pods', pod('a', { role: 'web' }));
    const r = await api.call('GET', '/api/v1/namespaces/default/pods?watch=1&labelSelector=role%3Dweb');
    const patch = (role: string) =>
      api?.call(
        'PATCH',
        '/api/v1/namespaces/default/pods/a',
        { metadata: { labels: { role } } },
        { 'Content-Type': 'application/merge-patch+json' },
      );
    setTimeout(() => void patch('db')?.then(() => patch('web')), 100);
    const { seen } = await events(r, (s) => s.length >= 3);
    expect(seen.map((e) => e.type)).toEqual(['ADDED', 'DELETED', 'ADDED']);
  });

  test('bookmarks when allowed; sendInitialEvents ends the initial events with the initial-events-end bookmark', async () => {
    api = await startPlainApi({ watch: { bookmarkIntervalMs: 200 } });
    await api.call('POST', '/api/v1/namespaces/default/pods', pod('a'));
    const r = await api.call(
      'GET',
      '/api/v1/namespaces/default/pods?watch=1&allowWatchBookmarks=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan',
    );
    const { seen } = await events(r, (s) => s.filter((e) => e.type === 'BOOKMARK').length >= 2);
    expect(seen[0]?.type).toBe('ADDED');
    expect(seen[1]).toMatchObject({
      type: 'BOOKMARK',
      object: { kind: 'Pod', metadata: { annotations: { 'k8s.io/initial-events-end': 'true' } } },
    });
    expect(Number(seen[2]?.object.metadata.resourceVersion)).toBeGreaterThan(0);
  });

  test('timeoutSeconds ends the stream cleanly; the watch-drop fault cuts it', async () => {
    api = await startPlainApi({
      faults: { beforeRequest: async () => undefined, watchDropAfterMs: () => 300 },
    });
    const dropped = await events(
      await api.call('GET', '/api/v1/pods?watch=1&timeoutSeconds=30'),
      () => false,
      5000,
    );
    expect(dropped.ended).toBe('error');
    await api.close();
    api = await startPlainApi();
    const timed = await events(
      await api.call('GET', '/api/v1/pods?watch=1&timeoutSeconds=1'),
      () => false,
      5000,
    );
    expect(timed.ended).toBe('end');
  });
});
