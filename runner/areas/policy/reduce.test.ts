import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scenarioArb } from '../../../generators/scenario.ts';
import type { Pod } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import type { Scenario, ScenarioPolicy } from '../../../spec/scenario.ts';
import { scenarioSize } from '../../../spec/steps.ts';
import { reduceScenario, reductions } from './reduce.ts';

function pod(namespace: string, name: string): Pod {
  return {
    namespace,
    name,
    labels: { pod: name },
    hostNetwork: false,
    containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    ips: [],
    ready: true,
  };
}

function policy(name: string, ports: readonly number[]): ScenarioPolicy {
  return {
    namespace: 'x',
    name,
    podSelector: { matchLabels: { pod: 'b' } },
    policyTypes: ['Ingress'],
    policyTypesDefaulted: true,
    ingress: [
      { ports: ports.map((port) => ({ protocol: 'TCP' as const, port })) },
      { peers: [{ podSelector: {} }] },
    ],
  };
}

const big: Scenario = {
  cluster: {
    nodes: [],
    namespaces: ['x', 'y', 'z'].map((name) => ({ name, labels: { 'kubernetes.io/metadata.name': name } })),
    pods: [pod('x', 'a'), pod('x', 'b'), pod('y', 'a'), pod('y', 'b')],
    services: [],
    policies: [policy('p1', [81]), policy('p2', [80, 8080]), policy('p3', [82])],
  },
  netConf: { Network: '10.244.0.0/16' },
  traffic: { viaServices: false },
  steps: [
    { kind: 'updatePolicy', policy: policy('p1', [83]) },
    { kind: 'deletePod', pod: 'x/a' },
    { kind: 'relabelPod', pod: 'y/b', labels: { pod: 'b', tier: 'web' } },
  ],
};

/** The toy failure: pod x/b exists and policy p2 has a rule on port 80 (it fails in the initial state). */
async function toyFails(s: Scenario): Promise<number | undefined> {
  const p2 = s.cluster.policies.find((p) => p.name === 'p2');
  const has80 = p2?.ingress?.some((r) => r.ports?.some((p) => p.port === 80)) ?? false;
  return s.cluster.pods.some((p) => keyOf(p) === 'x/b') && has80 ? 0 : undefined;
}

describe('reductions', () => {
  test('every cut removes something and leaves no step naming a pod it dropped', () => {
    fc.assert(
      fc.property(scenarioArb({ size: 'small' }), fc.nat(6), (scenario, failedAt) => {
        for (const cut of reductions(scenario, failedAt)) {
          expect(JSON.stringify(cut.scenario).length).toBeLessThan(JSON.stringify(scenario).length);
          const pods = new Set(cut.scenario.cluster.pods.map(keyOf));
          const dropped = scenario.cluster.pods.map(keyOf).filter((k) => !pods.has(k));
          for (const s of cut.scenario.steps) {
            if (s.kind === 'relabelPod' || s.kind === 'deletePod') expect(dropped).not.toContain(s.pod);
          }
        }
      }),
      { numRuns: 100 },
    );
  });

  test('a policy cut writes policyTypes out, since defaulting over fewer rules could mean something else', () => {
    const cut = [...reductions(big, 0)].find((c) => c.label === 'drop ingress rule 1 of policy x/p2');
    const p2 = cut?.scenario.cluster.policies.find((p) => p.name === 'p2');
    expect(p2?.ingress).toHaveLength(1);
    expect(p2?.policyTypes).toEqual(['Ingress']);
    expect(p2?.policyTypesDefaulted).toBeUndefined();
  });
});

describe('reduceScenario', () => {
  test('keeps only what the failure needs: one pod, one policy, one rule, one port, no steps', async () => {
    const accepted: string[] = [];
    const r = await reduceScenario(big, 0, toyFails, {
      deadline: Number.POSITIVE_INFINITY,
      onAccept: (l) => accepted.push(l),
    });
    expect(scenarioSize(big)).toEqual({ pods: 4, policies: 3, steps: 3 });
    expect(scenarioSize(r.scenario)).toEqual({ pods: 1, policies: 1, steps: 0 });
    expect(r.scenario.cluster.pods.map(keyOf)).toEqual(['x/b']);
    expect(r.scenario.cluster.policies[0]?.ingress).toEqual([{ ports: [{ protocol: 'TCP', port: 80 }] }]);
    expect(r.scenario.cluster.namespaces.map((n) => n.name)).toEqual(['x']);
    expect(r.accepted).toBe(accepted.length);
    expect(await toyFails(r.scenario)).toBe(0);
  });

  test('a cut that loses the failure is not kept', async () => {
    const r = await reduceScenario(big, 0, async () => undefined, { deadline: Number.POSITIVE_INFINITY });
    expect(r.scenario).toBe(big);
    expect(r.accepted).toBe(0);
  });

  test('a passed deadline stops before the first try', async () => {
    let tries = 0;
    const r = await reduceScenario(
      big,
      0,
      async (s) => {
        tries += 1;
        return toyFails(s);
      },
      { deadline: Date.now() - 1 },
    );
    expect(tries).toBe(0);
    expect(r.scenario).toBe(big);
  });
});
