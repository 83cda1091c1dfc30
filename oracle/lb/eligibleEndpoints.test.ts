import { describe, expect, test } from 'vitest';
import { eligibleEndpoints, selectsPod } from './eligibleEndpoints.ts';
import { webPod, webService } from './fixtures.test-helpers.ts';

const svc = webService();
const http = svc.ports[0]!;

describe('eligible endpoints (docs/research/lb.md §1.2, pkg/proxy/topology.go CategorizeEndpoints)', () => {
  test('ready pods the selector matches, sorted by key', () => {
    const e = eligibleEndpoints(svc, http, [webPod('c'), webPod('a'), webPod('b')]);
    expect(e.source).toBe('ready');
    expect(e.endpoints.map((x) => x.pod)).toEqual(['shop/a', 'shop/b', 'shop/c']);
    expect(e.endpoints[0]?.port).toBe(8080);
  });

  test('selector: equality on every key, same namespace only (Service spec.selector)', () => {
    expect(selectsPod(svc, webPod('a', { labels: { app: 'web', tier: 'x' } }))).toBe(true);
    expect(selectsPod(svc, webPod('a', { labels: { app: 'db' } }))).toBe(false);
    expect(selectsPod(svc, webPod('a', { namespace: 'other' }))).toBe(false);
  });

  test('no selector, or an empty one: no managed endpoints', () => {
    const { selector: _, ...noSelector } = svc;
    expect(eligibleEndpoints(noSelector, http, [webPod('a')]).source).toBe('none');
    expect(eligibleEndpoints(webService({ selector: {} }), http, [webPod('a')]).source).toBe('none');
  });

  test('not-ready pods are left out while any endpoint is ready', () => {
    const e = eligibleEndpoints(svc, http, [webPod('a'), webPod('b', { ready: false })]);
    expect(e.endpoints.map((x) => x.pod)).toEqual(['shop/a']);
    expect(e.excluded).toEqual([{ pod: 'shop/b', why: 'not-ready', reason: 'not ready' }]);
  });

  test('a named targetPort missing on a pod excludes that pod for that port only (FindPort)', () => {
    const bare = webPod('b', { containers: [{ name: 'main', ports: [] }] });
    expect(eligibleEndpoints(svc, http, [webPod('a'), bare]).endpoints.map((x) => x.pod)).toEqual(['shop/a']);
    expect(eligibleEndpoints(svc, svc.ports[1]!, [webPod('a'), bare]).endpoints.map((x) => x.pod)).toEqual([
      'shop/a',
      'shop/b',
    ]);
  });

  test('ProxyTerminatingEndpoints: with no ready endpoint, serving terminating ones are used', () => {
    const pods = [webPod('a', { ready: false }), webPod('b', { ready: false })];
    const conditions = new Map([['shop/b', { serving: true, terminating: true }]]);
    const e = eligibleEndpoints(svc, http, pods, conditions);
    expect(e.source).toBe('serving-terminating');
    expect(e.endpoints.map((x) => x.pod)).toEqual(['shop/b']);
  });

  test('a terminating endpoint is not used while a ready one exists', () => {
    const conditions = new Map([['shop/b', { serving: true, terminating: true }]]);
    const e = eligibleEndpoints(svc, http, [webPod('a'), webPod('b')], conditions);
    expect(e.endpoints.map((x) => x.pod)).toEqual(['shop/a']);
  });

  test('nothing ready and nothing serving-terminating: none', () => {
    expect(eligibleEndpoints(svc, http, [webPod('a', { ready: false })]).source).toBe('none');
  });
});
