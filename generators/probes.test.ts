import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyOf } from '../spec/model.ts';
import { clusterArb } from './cluster.ts';
import { probeMatrix } from './probes.ts';
import { withSyntheticAddresses } from './syntheticAddresses.ts';

const clusters = clusterArb({ size: 'medium' }).map((c) => withSyntheticAddresses(c));

describe('probeMatrix', () => {
  test('the matrix holds one probe per (source pod, destination pod, declared port), at the pod IP', () => {
    fc.assert(
      fc.property(clusters, ({ cluster, realized }) => {
        const probes = probeMatrix(cluster, realized);
        const declared = cluster.pods.reduce(
          (n, p) => n + p.containers.reduce((m, c) => m + c.ports.length, 0),
          0,
        );
        expect(probes).toHaveLength(cluster.pods.length * declared);
        for (const p of probes) {
          expect(p.to.kind).toBe('pod');
          if (p.to.kind === 'pod') expect(p.host).toBe(realized.podIPs[p.to.pod]?.[0]);
        }
      }),
      { numRuns: 300, seed: 1 },
    );
  });

  test('a sample is a seeded subset of the matrix, at most maxProbes long, in matrix order', () => {
    fc.assert(
      fc.property(
        clusters,
        fc.integer({ min: 1, max: 40 }),
        fc.nat(),
        ({ cluster, realized }, maxProbes, seed) => {
          const all = probeMatrix(cluster, realized).map((p) => JSON.stringify(p));
          const sample = probeMatrix(cluster, realized, { mode: 'sample', maxProbes, seed }).map((p) =>
            JSON.stringify(p),
          );
          expect(sample.length).toBe(Math.min(maxProbes, all.length));
          const positions = sample.map((s) => all.indexOf(s));
          expect(positions.every((i) => i >= 0)).toBe(true);
          expect([...positions].sort((a, b) => a - b)).toEqual(positions);
          expect(
            probeMatrix(cluster, realized, { mode: 'sample', maxProbes, seed }).map((p) => JSON.stringify(p)),
          ).toEqual(sample);
        },
      ),
      { numRuns: 300, seed: 2 },
    );
  });

  test('Service, outside and protocol options add and filter probes', () => {
    fc.assert(
      fc.property(clusters, ({ cluster, realized }) => {
        const probes = probeMatrix(cluster, realized, {
          viaServices: true,
          outside: true,
          protocols: ['TCP'],
        });
        expect(probes.every((p) => p.protocol === 'TCP')).toBe(true);
        const services = probes.filter((p) => p.to.kind === 'service');
        const tcpServicePorts = cluster.services.reduce(
          (n, s) => n + s.ports.filter((p) => p.protocol === 'TCP').length,
          0,
        );
        expect(services).toHaveLength(cluster.pods.length * tcpServicePorts);
        for (const p of services)
          if (p.to.kind === 'service') expect(p.host).toBe(realized.serviceIPs[p.to.service]);
        expect(probes.filter((p) => p.to.kind === 'outside')).toHaveLength(cluster.pods.length);
        const noLoop = probeMatrix(cluster, realized, { loopback: false });
        expect(noLoop.some((p) => p.to.kind === 'pod' && p.to.pod === p.from)).toBe(false);
        expect(cluster.pods.every((p) => realized.podIPs[keyOf(p)] !== undefined)).toBe(true);
      }),
      { numRuns: 300, seed: 3 },
    );
  });
});
