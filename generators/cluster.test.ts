import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyOf } from '../spec/model.ts';
import type { ScenarioCluster } from '../spec/scenario.ts';
import { clusterArb } from './cluster.ts';
import { networkPoliciesArb, networkPolicyArb } from './networkPolicy.ts';
import { scenarioArb } from './scenario.ts';
import { serviceArb } from './service.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

describe('clusterArb', () => {
  test.each([
    ['small', 2, 3, 4],
    ['medium', 3, 3, 3],
    ['large', 4, 4, 4],
  ] as const)(
    '%s clusters stay within %i nodes, %i namespaces and %i pods per namespace, with short DNS-1123 names',
    (size, nodes, namespaces, pods) => {
      fc.assert(
        fc.property(clusterArb({ size }), (c) => {
          expect(c.nodes.length).toBeGreaterThanOrEqual(1);
          expect(c.nodes.length).toBeLessThanOrEqual(nodes);
          expect(c.namespaces.length).toBeGreaterThanOrEqual(1);
          expect(c.namespaces.length).toBeLessThanOrEqual(namespaces);
          for (const ns of c.namespaces) {
            const n = c.pods.filter((p) => p.namespace === ns.name).length;
            expect(n).toBeGreaterThanOrEqual(1);
            expect(n).toBeLessThanOrEqual(pods);
            expect(ns.name).toMatch(/^[xyzw]$/);
          }
          for (const p of c.pods) {
            expect(p.name).toMatch(/^[a-d]$/);
            expect(c.nodes.map((n) => n.name)).toContain(p.nodeName);
            expect(p.containers.length).toBeGreaterThan(0);
            for (const cont of p.containers) expect(cont.name).toMatch(DNS1123_LABEL);
          }
          expect(new Set(c.pods.map(keyOf)).size).toBe(c.pods.length);
          expect(new Set(c.policies.map(keyOf)).size).toBe(c.policies.length);
        }),
        { numRuns: 200, seed: 21 },
      );
    },
  );

  test('excludeSCTP removes SCTP from container ports, policy ports and Service ports', () => {
    fc.assert(
      fc.property(clusterArb({ size: 'large', excludeSCTP: true }), (c) => {
        const text = JSON.stringify(c);
        expect(text).not.toContain('SCTP');
      }),
      { numRuns: 300, seed: 22 },
    );
  });

  test('areas limit what is generated: no policies without `policy`, no Services without `lb`', () => {
    fc.assert(
      fc.property(scenarioArb({ size: 'medium', areas: ['lb'] }), (s) => {
        expect(s.cluster.policies).toEqual([]);
        expect(s.steps.every((st) => !st.kind.endsWith('Policy'))).toBe(true);
      }),
      { numRuns: 100, seed: 23 },
    );
    fc.assert(
      fc.property(scenarioArb({ size: 'medium', areas: ['policy'] }), (s) => {
        expect(s.cluster.services).toEqual([]);
      }),
      { numRuns: 100, seed: 24 },
    );
  });
});

describe('arbitraries over a fixed cluster (the upstream x/y/z × a/b/c fixture)', () => {
  const fixture: ScenarioCluster = {
    nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
    namespaces: ['x', 'y', 'z'].map((n) => ({
      name: n,
      labels: { 'kubernetes.io/metadata.name': n, ns: n },
    })),
    pods: ['x', 'y', 'z'].flatMap((ns) =>
      ['a', 'b', 'c'].map((name) => ({
        namespace: ns,
        name,
        labels: { pod: name },
        nodeName: 'node-1',
        hostNetwork: false,
        containers: [
          {
            name: 'serve-80-tcp',
            ports: [{ name: 'serve-80-tcp', containerPort: 80, protocol: 'TCP' as const }],
          },
        ],
        ips: [],
        ready: true,
      })),
    ),
    services: [],
    policies: [],
  };

  test('policies live in the fixture namespaces and their symbolic ipBlocks name fixture pods and nodes', () => {
    fc.assert(
      fc.property(networkPoliciesArb(fixture, { size: 'large' }), (policies) => {
        const pods = new Set(fixture.pods.map(keyOf));
        for (const p of policies) {
          expect(['x', 'y', 'z']).toContain(p.namespace);
          for (const rule of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
            for (const peer of rule.peers ?? []) {
              const block = peer.ipBlock;
              if (block === undefined || typeof block.cidr === 'string') continue;
              for (const ref of [block.cidr, ...((block.except ?? []) as (typeof block.cidr)[])]) {
                if (typeof ref === 'string') continue;
                if (ref.ref === 'pod') expect(pods.has(ref.pod)).toBe(true);
                if (ref.ref === 'nodeSubnet' || ref.ref === 'nodeIP') expect(ref.node).toBe('node-1');
              }
            }
          }
        }
      }),
      { numRuns: 200, seed: 25 },
    );
  });

  test('a single policy or Service takes the name it is given', () => {
    const [policy] = fc.sample(networkPolicyArb(fixture, { name: 'allow-web' }), { numRuns: 1, seed: 1 });
    expect(policy?.name).toBe('allow-web');
    const [svc] = fc.sample(serviceArb(fixture, { name: 'web' }), { numRuns: 1, seed: 1 });
    expect(svc?.name).toBe('web');
    expect(Object.keys(svc?.selector ?? {}).length).toBeGreaterThan(0);
  });
});
