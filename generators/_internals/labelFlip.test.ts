// Relabels aimed at a selector (labelFlip.ts): the flipped requirement's answer changes, the labels stay in
// the vocabulary, the API's namespace name label never moves; without a requirement that can flip, none.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { LabelSelector, Labels } from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import type { ScenarioCluster, ScenarioPolicy } from '../../spec/scenario.ts';
import { clusterArb } from '../cluster.ts';
import { networkPoliciesArb } from '../networkPolicy.ts';
import { flipLabels } from './labelFlip.ts';

function pod(namespace: string, name: string, labels: Labels) {
  return {
    namespace,
    name,
    labels,
    nodeName: 'node-1',
    hostNetwork: false,
    containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' as const }] }],
    ips: [],
    ready: true,
  };
}

function clusterWith(policies: ScenarioPolicy[]): ScenarioCluster {
  return {
    nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
    namespaces: ['x', 'y'].map((name) => ({ name, labels: { [NAMESPACE_NAME_LABEL]: name } })),
    pods: [pod('x', 'a', { pod: 'a' }), pod('x', 'b', { pod: 'b', app: 'web' }), pod('y', 'c', { pod: 'c' })],
    services: [],
    policies,
  };
}

const isolate = (
  podSelector: LabelSelector,
  from: LabelSelector,
  namespaces?: LabelSelector,
): ScenarioPolicy => ({
  namespace: 'x',
  name: 'p',
  podSelector,
  policyTypes: ['Ingress'],
  ingress: [{ peers: [{ podSelector: from, ...(namespaces ? { namespaceSelector: namespaces } : {}) }] }],
});

describe('flipLabels', () => {
  test("a pod flips a policy's podSelector requirement (in the policy's namespace only)", () => {
    const c = clusterWith([isolate({ matchLabels: { app: 'web' } }, { matchLabels: { tier: 'front' } })]);
    const flip = flipLabels(c, 'pod', { term: 0, object: 0 });
    expect(flip).toEqual({ object: 'x/a', labels: { pod: 'a', app: 'web' } });
  });

  test("a pod flips a peer's podSelector requirement, with the pods its namespaceSelector covers", () => {
    const c = clusterWith([isolate({}, { matchLabels: { tier: 'front' } }, { matchLabels: { ns: 'y' } })]);
    // The peer covers no pod (no namespace carries ns=y): its podSelector cannot matter yet.
    expect(flipLabels(c, 'pod', { term: 0, object: 0 })).toBeUndefined();
    const named = {
      ...c,
      namespaces: c.namespaces.map((n) => ({ ...n, labels: { ...n.labels, ns: n.name } })),
    };
    expect(flipLabels(named, 'pod', { term: 0, object: 0 })).toEqual({
      object: 'y/c',
      labels: { pod: 'c', tier: 'front' },
    });
  });

  test("a namespace flips a peer's namespaceSelector requirement; the API's name label never moves", () => {
    const c = clusterWith([
      isolate({}, { matchLabels: { pod: 'c' } }, { matchExpressions: [{ key: 'env', operator: 'Exists' }] }),
    ]);
    expect(flipLabels(c, 'namespace', { term: 0, object: 0 })).toEqual({
      object: 'y',
      labels: { [NAMESPACE_NAME_LABEL]: 'y', env: 'prod' },
    });
    const byName = clusterWith([isolate({}, {}, { matchLabels: { [NAMESPACE_NAME_LABEL]: 'y' } })]);
    expect(flipLabels(byName, 'namespace', { term: 0, object: 0 })).toBeUndefined();
  });

  test('`pod` and `ns` only ever carry the object`s own name', () => {
    const c = clusterWith([isolate({}, { matchLabels: { pod: 'b' } })]);
    // pod=b can only be flipped on b (removed): on a or c it would take another pod's name.
    expect(flipLabels(c, 'pod', { term: 0, object: 0 })).toEqual({ object: 'x/b', labels: { app: 'web' } });
  });

  test('a policy that selects no pod, or a direction with a rule for every peer, offers no peer to flip', () => {
    const none = clusterWith([isolate({ matchLabels: { app: 'db' } }, { matchLabels: { tier: 'front' } })]);
    expect(flipLabels(none, 'namespace', { term: 0, object: 0 })).toBeUndefined();
    const open: ScenarioPolicy = {
      ...isolate({}, { matchLabels: { tier: 'front' } }),
      ingress: [{ peers: [{ podSelector: { matchLabels: { tier: 'front' } } }] }, {}],
    };
    expect(flipLabels(clusterWith([open]), 'pod', { term: 0, object: 0 })).toBeUndefined();
  });

  test('property: a flip changes the object`s labels, within the vocabulary (fixed seed)', () => {
    const clusters = clusterArb({ size: 'small' }).chain((c) =>
      networkPoliciesArb(c, { size: 'small' }).map((policies) => ({ ...c, policies })),
    );
    let flips = 0;
    fc.assert(
      fc.property(
        clusters,
        fc.constantFrom<'pod' | 'namespace'>('pod', 'namespace'),
        fc.nat(15),
        fc.nat(15),
        (c, subject, term, object) => {
          const flip = flipLabels(c, subject, { term, object });
          if (!flip) return;
          flips += 1;
          const before =
            subject === 'pod'
              ? c.pods.find((p) => `${p.namespace}/${p.name}` === flip.object)?.labels
              : c.namespaces.find((n) => n.name === flip.object)?.labels;
          expect(flip.labels).not.toEqual(before);
          const name = subject === 'pod' ? flip.object.split('/')[1] : flip.object;
          for (const [key, value] of Object.entries(flip.labels)) {
            if (key === 'pod' || key === 'ns' || key === NAMESPACE_NAME_LABEL) expect(value).toBe(name);
          }
          if (subject === 'namespace') expect(flip.labels[NAMESPACE_NAME_LABEL]).toBe(flip.object);
        },
      ),
      { numRuns: 300, seed: 18 },
    );
    expect(flips).toBeGreaterThan(30);
  });
});
