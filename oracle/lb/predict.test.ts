import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { webPod, webService } from './fixtures.test-helpers.ts';
import { findServicePort, predictServicePort } from './predict.ts';

const pods = [
  webPod('a', { ips: ['10.244.1.2'] }),
  webPod('b', { nodeName: 'n2' }),
  webPod('c'),
  webPod('client', { labels: { app: 'client' }, nodeName: 'n2', ips: ['10.244.2.9'] }),
];

describe('predictServicePort (docs/research/lb.md §5.2)', () => {
  test('random mode: uniform over ready endpoints (iptables statistic 1/(n-i), docs/research/lb.md §2.3)', () => {
    const p = predictServicePort({ service: webService(), port: 80, pods, mode: 'random' });
    expect(p.newConnections).toEqual({
      kind: 'uniform',
      shares: { 'shop/a': 1 / 3, 'shop/b': 1 / 3, 'shop/c': 1 / 3 },
    });
    expect(p.affinity).toBeUndefined();
    expect(p.explanation.join(' ')).toMatch(/1\/3/);
  });

  test('round-robin: an exact cycle of period N per node (ipvs rr, ip_vs_rr.c; docs/research/lb.md §3.3)', () => {
    const p = predictServicePort({ service: webService(), port: 'http', pods, mode: 'round-robin' });
    expect(p.newConnections).toEqual({ kind: 'cycle', period: 3, members: ['shop/a', 'shop/b', 'shop/c'] });
  });

  test('no endpoint: new connections are rejected (e2e "should be rejected when no endpoints exist")', () => {
    const p = predictServicePort({
      service: webService({ sessionAffinity: 'ClientIP' }),
      port: 80,
      pods: pods.map((x) => ({ ...x, ready: false })),
      mode: 'random',
    });
    expect(p.newConnections).toEqual({ kind: 'reject' });
    expect(p.affinity).toBeUndefined();
  });

  test('ClientIP affinity: keyed per node, client IP and Service port, with the Service timeout (docs/research/lb.md §2.4, #103000)', () => {
    const service = webService({ sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 60 });
    const client = { pod: 'shop/client' };
    const p80 = predictServicePort({ service, port: 80, pods, mode: 'random', client });
    const p81 = predictServicePort({ service, port: 81, pods, mode: 'random', client });
    expect(p80.node).toBe('n2');
    expect(p80.affinity).toEqual({
      timeoutSeconds: 60,
      key: 'n2|10.244.2.9|shop/web:80/TCP',
      firstConnection: 'uniform',
    });
    expect(p81.affinity?.key).not.toBe(p80.affinity?.key);
    const otherNode = predictServicePort({
      service,
      port: 80,
      pods,
      mode: 'random',
      client: { ...client, node: 'n1' },
    });
    expect(otherNode.affinity?.key).not.toBe(p80.affinity?.key);
  });

  test('named targetPort per pod: a pod lacking the name is not an endpoint of that port', () => {
    const withBare = [...pods, webPod('d', { containers: [{ name: 'm', ports: [] }] })];
    const http = predictServicePort({ service: webService(), port: 80, pods: withBare, mode: 'random' });
    const alt = predictServicePort({ service: webService(), port: 81, pods: withBare, mode: 'random' });
    expect(http.eligible.endpoints).toHaveLength(3);
    expect(alt.eligible.endpoints).toHaveLength(4);
    expect(http.explanation[0]).toMatch(/shop\/d \(no container port named http\/TCP\)/);
  });

  test('a client that is itself an endpoint is named (hairpin, docs/research/lb.md §2.7); its share stays 1/N', () => {
    const p = predictServicePort({
      service: webService(),
      port: 80,
      pods,
      mode: 'random',
      client: { pod: 'shop/a' },
    });
    expect(p.explanation.join(' ')).toMatch(/hairpin/);
    expect(p.newConnections.kind === 'uniform' && p.newConnections.shares['shop/a']).toBe(1 / 3);
  });

  test('property: uniform shares sum to 1 over exactly the ready, selected pods (seeded)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ ready: fc.boolean(), app: fc.constantFrom('web', 'db'), named: fc.boolean() }), {
          maxLength: 6,
        }),
        fc.constantFrom(80, 81),
        (specs, port) => {
          const ps = specs.map((x, i) =>
            webPod(`p${i}`, {
              ready: x.ready,
              labels: { app: x.app },
              ...(x.named ? {} : { containers: [{ name: 'm', ports: [] }] }),
            }),
          );
          const p = predictServicePort({ service: webService(), port, pods: ps, mode: 'random' });
          const expected = specs
            .map((x, i) => ({ ...x, key: `shop/p${i}` }))
            .filter((x) => x.ready && x.app === 'web' && (port === 81 || x.named))
            .map((x) => x.key)
            .sort();
          expect(p.eligible.endpoints.map((e) => e.pod)).toEqual(expected);
          if (expected.length === 0) expect(p.newConnections.kind).toBe('reject');
          else if (p.newConnections.kind === 'uniform') {
            const sum = Object.values(p.newConnections.shares).reduce((a, b) => a + b, 0);
            expect(sum).toBeCloseTo(1, 12);
          } else throw new Error('random mode must predict uniform');
        },
      ),
      { numRuns: 200, seed: 8 },
    );
  });

  test('an unknown Service port is an error', () => {
    expect(() => findServicePort(webService(), 8443)).toThrow(RangeError);
  });
});
