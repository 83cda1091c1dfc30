// Every generated object is valid: the manifests podnet writes for a generated scenario pass podnet's
// own validator (spec/manifests, which follows the API server's validation) 100% of the time, read back
// to the same cluster, and the flannel net-conf parses under flannel's own rules (oracle/flannel).
import { isDeepStrictEqual } from 'node:util';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseNetConf } from '../oracle/flannel/index.ts';
import { loadManifestsFromText } from '../spec/manifests/load.ts';
import { keyOf } from '../spec/model.ts';
import { realizeCluster } from '../spec/resolve.ts';
import type { Scenario, ScenarioCluster, ScenarioPolicy } from '../spec/scenario.ts';
import { applyStep } from '../spec/steps.ts';
import { assertProperty } from './reportFailure.ts';
import { scenarioArb } from './scenario.ts';
import { realizedClusterYaml } from './scenarioManifests.ts';
import { withSyntheticAddresses } from './syntheticAddresses.ts';

const NUM_RUNS = 1000;
/** Generous: on a shared 2-core machine a 1,000-run property can wait long for a core (not an assertion on time). */
const PROPERTY_TIMEOUT_MS = 180_000;

/** Deep equality, cheap when it holds (vitest's toEqual is slow over 1,000 runs); toEqual's diff when it does not. */
function expectSame<T>(actual: T, expected: T): void {
  if (!isDeepStrictEqual(actual, expected)) expect(actual).toEqual(expected);
}

/**
 * One cluster holding every object a scenario ever creates, so one YAML round trip checks them all:
 * the state after the last step, plus pods deleted on the way and every policy version (renamed
 * `<name>-v<k>` so versions do not collide).
 */
function everyObjectOf(scenario: Scenario): ScenarioCluster {
  let cluster = scenario.cluster;
  const versions = new Map<string, number>();
  const policies: ScenarioPolicy[] = [...cluster.policies];
  for (const step of scenario.steps) {
    cluster = applyStep(cluster, step);
    if (step.kind === 'createPolicy' || step.kind === 'updatePolicy') {
      const key = keyOf(step.policy);
      const k = (versions.get(key) ?? 0) + 1;
      versions.set(key, k);
      policies.push({ ...step.policy, name: `${step.policy.name}-v${k}` });
    }
  }
  const alive = new Set(cluster.pods.map(keyOf));
  const deleted = scenario.cluster.pods.filter((p) => !alive.has(keyOf(p)));
  return { ...cluster, pods: [...cluster.pods, ...deleted], policies };
}

describe('generated scenarios are valid Kubernetes objects', { timeout: PROPERTY_TIMEOUT_MS }, () => {
  test('the validator accepts 100% of generated manifests (initial cluster and every step) and reads them back unchanged', () => {
    assertProperty(
      // Medium clusters: the large preset's YAML round trip would take most of the suite's time budget.
      fc.property(scenarioArb({ size: 'medium' }), (scenario) => {
        const everything = everyObjectOf(scenario);
        const { cluster: addressed, realized } = withSyntheticAddresses(everything, scenario.netConf);
        const yaml = realizedClusterYaml(addressed, realized);
        const loaded = loadManifestsFromText(yaml, 'generated.yaml').cluster; // throws on any invalid object
        const expected = realizeCluster(addressed, realized);
        expectSame(loaded.policies, expected.policies);
        expectSame(
          loaded.pods,
          expected.pods.map((p) => ({ ...p, ips: [], ready: true })),
        );
        expectSame(loaded.namespaces, expected.namespaces);
        expectSame(
          loaded.services,
          expected.services.map(({ clusterIP: _, ...s }) => s),
        );
      }),
      { numRuns: NUM_RUNS, seed: 20261126 },
      'generated manifests are valid',
    );
  });

  test('omitted policyTypes are written omitted and defaulted back by the reader (types.go SetDefaults_NetworkPolicy)', () => {
    assertProperty(
      fc.property(scenarioArb({ size: 'medium' }), (scenario) => {
        const { cluster, realized } = withSyntheticAddresses(scenario.cluster, scenario.netConf);
        const yaml = realizedClusterYaml(cluster, realized);
        const policyDocs = yaml.split(/^---$/m).filter((d) => d.includes('kind: NetworkPolicy'));
        const omitted = policyDocs.filter((d) => !d.includes('policyTypes:')).length;
        expect(omitted).toBe(cluster.policies.filter((p) => p.policyTypesDefaulted).length);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  test('every generated flannel net-conf parses under flannel rules (pkg/subnet/config.go)', () => {
    assertProperty(
      fc.property(scenarioArb({ size: 'small' }), (scenario) => {
        const parsed = parseNetConf(JSON.stringify(scenario.netConf), { subnetManager: 'etcd' });
        expect(parsed).toMatchObject({ ok: true });
      }),
      { numRuns: NUM_RUNS, seed: 11 },
    );
  });
});
