// The LB area's scenarios must avoid hairpin self-probes (lb.md §2.7) and keep numeric targetPorts open.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyOf } from '../../../spec/model.ts';
import { LB_NODES, lbScenarioArb, NUMERIC_TARGET_PORT } from './lbScenario.ts';

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
