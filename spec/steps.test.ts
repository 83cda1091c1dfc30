import { describe, expect, test } from 'vitest';
import type { Pod } from './model.ts';
import type { ScenarioCluster } from './scenario.ts';
import { applyStep, describeStep, scenarioSize } from './steps.ts';

const pod = (namespace: string, name: string, labels: Record<string, string> = {}): Pod => ({
  namespace,
  name,
  labels,
  hostNetwork: false,
  containers: [],
  ips: [],
  ready: true,
});

const base: ScenarioCluster = {
  nodes: [],
  namespaces: [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }],
  pods: [pod('x', 'a', { pod: 'a' })],
  services: [],
  policies: [{ namespace: 'x', name: 'p', podSelector: {}, policyTypes: ['Ingress'] }],
};

describe('applyStep', () => {
  test('update replaces the policy of the same name instead of adding a second one', () => {
    const next = applyStep(base, {
      kind: 'updatePolicy',
      policy: { namespace: 'x', name: 'p', podSelector: {}, policyTypes: ['Egress'] },
    });
    expect(next.policies).toHaveLength(1);
    expect(next.policies[0]?.policyTypes).toEqual(['Egress']);
  });

  test('delete removes only the named policy', () => {
    expect(applyStep(base, { kind: 'deletePolicy', namespace: 'x', name: 'p' }).policies).toEqual([]);
    expect(applyStep(base, { kind: 'deletePolicy', namespace: 'x', name: 'q' }).policies).toHaveLength(1);
  });

  test('relabelling a namespace keeps the kubernetes.io/metadata.name label (the API server sets it)', () => {
    const next = applyStep(base, { kind: 'relabelNamespace', namespace: 'x', labels: { team: 'blue' } });
    expect(next.namespaces[0]?.labels).toEqual({ team: 'blue', 'kubernetes.io/metadata.name': 'x' });
  });

  test('relabel, add and delete pods', () => {
    const relabelled = applyStep(base, { kind: 'relabelPod', pod: 'x/a', labels: { pod: 'z' } });
    expect(relabelled.pods[0]?.labels).toEqual({ pod: 'z' });
    const added = applyStep(base, { kind: 'addPod', pod: pod('x', 'b') });
    expect(added.pods.map((p) => p.name)).toEqual(['a', 'b']);
    expect(applyStep(base, { kind: 'addPod', pod: pod('nowhere', 'b') }).pods).toHaveLength(1);
    expect(applyStep(added, { kind: 'deletePod', pod: 'x/a' }).pods.map((p) => p.name)).toEqual(['b']);
  });

  test('describeStep says what changed', () => {
    expect(describeStep({ kind: 'relabelPod', pod: 'x/a', labels: { pod: 'b' } })).toBe(
      'relabel pod x/a to {pod=b}',
    );
  });
});

describe('scenarioSize', () => {
  test('counts the most pods and policies any state holds, since steps may add them', () => {
    const size = scenarioSize({
      cluster: base,
      netConf: { Network: '10.244.0.0/16' },
      traffic: { viaServices: false },
      steps: [
        { kind: 'addPod', pod: pod('x', 'b') },
        { kind: 'deletePolicy', namespace: 'x', name: 'p' },
      ],
    });
    expect(size).toEqual({ pods: 2, policies: 1, steps: 2 });
  });
});
