// Equivalence classes (classes.ts): the class verdicts, expanded to every pair of pods, equal the per-pod
// truth table of the fast engine, which engines.test.ts holds to the reference evaluator.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { assertProperty } from '../../generators/reportFailure.ts';
import { scenarioArb } from '../../generators/scenario.ts';
import { withSyntheticAddresses } from '../../generators/syntheticAddresses.ts';
import type { Cluster, Pod } from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import { realizeCluster } from '../../spec/resolve.ts';
import { compileClasses } from './classes.ts';
import { clusterArb, profileArb } from './engineArbitraries.test-helpers.ts';
import { forEachPrediction } from './truthTable.ts';

function table(cluster: Cluster, profile: SemanticProfile, engine: 'classes' | 'fast'): string[] {
  const cells: string[] = [];
  forEachPrediction(cluster, { profile, engine }, (s, d, t, v) =>
    cells.push(`${s}>${d} ${t.protocol}/${t.port} ${v}`),
  );
  return cells;
}

/** Each pod followed by `copies` replicas: other names, and addresses that are the same or new. */
function withReplicas(cluster: Cluster, copies: readonly number[], sameIP: readonly boolean[]): Cluster {
  const pods: Pod[] = cluster.pods.flatMap((pod, i) => [
    pod,
    ...Array.from({ length: copies[i] ?? 0 }, (_, k) => ({
      ...pod,
      name: `${pod.name}-r${k}`,
      ips: sameIP[i] || pod.ips.length === 0 ? pod.ips : [`10.0.${9 + k}.${i + 1}`],
    })),
  ]);
  return { ...cluster, pods };
}

const replicated = clusterArb.chain((cluster) =>
  fc
    .tuple(
      fc.array(fc.integer({ min: 0, max: 2 }), {
        minLength: cluster.pods.length,
        maxLength: cluster.pods.length,
      }),
      fc.array(fc.boolean(), { minLength: cluster.pods.length, maxLength: cluster.pods.length }),
    )
    .map(([copies, sameIP]) => withReplicas(cluster, copies, sameIP)),
);

describe('compileClasses', () => {
  test('class verdicts expanded equal the per-pod table (random clusters with replicas, random profiles)', {
    timeout: 180_000,
  }, () => {
    fc.assert(
      fc.property(replicated, profileArb, (cluster, profile) => {
        expect(table(cluster, profile, 'classes')).toEqual(table(cluster, profile, 'fast'));
      }),
      { seed: 20261203, numRuns: 300 },
    );
  });

  test('class verdicts expanded equal the per-pod table (generated scenarios)', { timeout: 180_000 }, () => {
    assertProperty(
      fc.property(scenarioArb({ size: 'small', maxSteps: 0 }), (scenario) => {
        const { cluster, realized } = withSyntheticAddresses(scenario.cluster, scenario.netConf);
        const concrete = realizeCluster(cluster, realized);
        expect(table(concrete, DEFAULT_PROFILE, 'classes')).toEqual(table(concrete, DEFAULT_PROFILE, 'fast'));
      }),
      { seed: 20261204, numRuns: 300 },
    );
  });

  const pod = (name: string, labels: Record<string, string>, ip: string, port = 80): Pod => ({
    namespace: 'shop',
    name,
    labels,
    hostNetwork: false,
    containers: [{ name: 'c', ports: [{ containerPort: port, protocol: 'TCP' }] }],
    ips: [ip],
    ready: true,
  });
  const shop = (pods: Pod[], cidr = '10.0.0.0/30'): Cluster => ({
    nodes: [],
    services: [],
    namespaces: [{ name: 'shop', labels: { [NAMESPACE_NAME_LABEL]: 'shop' } }],
    pods,
    policies: [
      {
        namespace: 'shop',
        name: 'api',
        podSelector: { matchLabels: { app: 'api' } },
        policyTypes: ['Ingress'],
        ingress: [{ peers: [{ podSelector: { matchLabels: { app: 'web' } } }, { ipBlock: { cidr } }] }],
      },
    ],
  });

  test('a label no podSelector names does not split a class; a named one does', () => {
    const engine = compileClasses(
      shop([
        pod('web-1', { app: 'web', hash: 'a1' }, '10.0.1.1'),
        pod('web-2', { app: 'web', hash: 'b2' }, '10.0.1.2'),
        pod('api-1', { app: 'api', hash: 'c3' }, '10.0.1.3'),
      ]),
    );
    expect(engine.classes.map((c) => [c.name, c.members])).toEqual([
      ['ns=shop app=web', [0, 1]],
      ['ns=shop app=api', [2]],
    ]);
  });

  test('being inside an ipBlock splits a class; names then show what differs, or a number', () => {
    const named = {
      ...pod('web-4', { app: 'web' }, '10.0.1.4'),
      containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' as const }] }],
    };
    const engine = compileClasses(
      shop([
        pod('web-1', { app: 'web' }, '10.0.0.1'),
        pod('web-2', { app: 'web' }, '10.0.1.2'),
        pod('web-3', { app: 'web' }, '10.0.1.3', 8080),
        named,
      ]),
    );
    expect(engine.classes.map((c) => [c.name, c.members])).toEqual([
      ['ns=shop app=web ports=TCP/80 ipBlocks=10.0.0.0/30', [0]],
      // web-2 and web-4 differ only in a port's name: nothing shown tells them apart.
      ['ns=shop app=web ports=TCP/80 ipBlocks=none #1', [1]],
      ['ns=shop app=web ports=TCP/8080 ipBlocks=none', [2]],
      ['ns=shop app=web ports=TCP/80 ipBlocks=none #2', [3]],
    ]);
  });

  test('two pods of one class: between them the policy decides, to itself the loopback profile', () => {
    const engine = compileClasses(
      shop([pod('api-1', { app: 'api' }, '10.0.1.1'), pod('api-2', { app: 'api' }, '10.0.1.2')]),
    );
    expect(engine.classes).toHaveLength(1);
    // api is isolated for ingress and admits only app=web and 10.0.0.0/30: another api pod is denied.
    expect(engine.classVerdict(0, 0, false, 80, 0)).toBe('deny');
    expect(engine.classVerdict(0, 0, true, 80, 0)).toBe(DEFAULT_PROFILE.loopback);
  });
});
