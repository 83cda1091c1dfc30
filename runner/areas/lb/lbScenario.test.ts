// The LB area's scenarios must avoid hairpin self-probes (docs/research/lb.md §2.7) and keep numeric targetPorts open.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyOf } from '../../../spec/model.ts';
import { inNamespace, LB_NODES, lbScenarioArb, NUMERIC_TARGET_PORT } from './lbScenario.ts';

describe('lbScenarioArb', () => {
  test('clients are never backends, sit on both nodes, and every numeric targetPort is served', () => {
    fc.assert(
      fc.property(lbScenarioArb(), (s) => {
        const clients = new Set(s.clients);
        for (const svc of s.cluster.services) {
          const backends = s.cluster.pods.filter((p) => p.labels.app === svc.name);
          expect(backends.length).toBeGreaterThanOrEqual(1);
          expect(backends.length).toBeLessThanOrEqual(5);
          for (const b of backends) {
            expect(clients.has(keyOf(b))).toBe(false);
            const ports = b.containers.flatMap((c) => c.ports.map((p) => p.containerPort));
            expect(ports).toContain(NUMERIC_TARGET_PORT);
          }
          for (const p of svc.ports) expect(p.protocol).toBe('TCP');
          if (svc.ports.length > 1) for (const p of svc.ports) expect(p.name).toBeDefined();
        }
        const nodes = new Set(s.cluster.pods.filter((p) => clients.has(keyOf(p))).map((p) => p.nodeName));
        expect(nodes).toEqual(new Set(LB_NODES));
      }),
      { numRuns: 200, seed: 42 },
    );
  });

  test('draws every feature the issue asks for: modes, affinity, named ports, not-ready backends, policies', () => {
    const samples = fc.sample(lbScenarioArb(), { numRuns: 300, seed: 3 });
    const services = samples.flatMap((s) => s.cluster.services);
    const pods = samples.flatMap((s) => s.cluster.pods);
    expect(new Set(samples.map((s) => s.mode))).toEqual(new Set(['random', 'round-robin']));
    expect(services.some((s) => s.sessionAffinity === 'ClientIP')).toBe(true);
    expect(services.some((s) => s.ports.some((p) => typeof p.targetPort === 'string'))).toBe(true);
    expect(services.some((s) => s.ports.some((p) => typeof p.targetPort === 'number'))).toBe(true);
    expect(pods.some((p) => !p.ready)).toBe(true);
    expect(samples.some((s) => s.cluster.policies.length > 0)).toBe(true);
    const sizes = new Set(
      samples.flatMap((x) =>
        x.cluster.services.map((svc) => x.cluster.pods.filter((p) => p.labels.app === svc.name).length),
      ),
    );
    expect(sizes).toEqual(new Set([1, 2, 3, 4, 5]));
  });
});

describe('lbScenarioArb on a dual-stack target', () => {
  test('Services of both shapes and either primary family; single-stack targets draw as before', () => {
    const dual = fc.sample(lbScenarioArb(['random'], 'dual'), { numRuns: 60, seed: 4 });
    const shapes = new Set(
      dual
        .flatMap((s) => s.cluster.services)
        .map((svc) => `${svc.ipFamilyPolicy ?? '-'} ${svc.ipFamilies ?? '-'}`),
    );
    expect([...shapes].sort()).toEqual(['- -', 'RequireDualStack -', 'RequireDualStack IPv6,IPv4']);
    // The same seed on an IPv4 target: the scenarios of before, with no family fields.
    const v4 = fc.sample(lbScenarioArb(['random'], 'ipv4'), { numRuns: 60, seed: 4 });
    expect(v4).toEqual(fc.sample(lbScenarioArb(['random']), { numRuns: 60, seed: 4 }));
    expect(v4.flatMap((s) => s.cluster.services).every((svc) => svc.ipFamilyPolicy === undefined)).toBe(true);
  });
});

describe('inNamespace', () => {
  test('moves every object and client key, and nothing else', () => {
    const [s] = fc.sample(lbScenarioArb(), { numRuns: 1, seed: 5 });
    if (!s) throw new Error('no sample');
    const moved = inNamespace(s, 'lb-7');
    expect(moved.cluster.namespaces.map((n) => n.name)).toEqual(['lb-7']);
    expect(moved.cluster.namespaces[0]?.labels['kubernetes.io/metadata.name']).toBe('lb-7');
    for (const o of [...moved.cluster.pods, ...moved.cluster.services, ...moved.cluster.policies]) {
      expect(o.namespace).toBe('lb-7');
    }
    expect(moved.clients).toEqual(s.clients.map((k) => k.replace(/^lb\//, 'lb-7/')));
    expect(moved.cluster.pods.map((p) => p.name)).toEqual(s.cluster.pods.map((p) => p.name));
    expect(moved.mode).toBe(s.mode);
  });
});
