// A failing property is reported with seed, path and the shrunk scenario as YAML, and the generators
// shrink a counterexample to something a person can read.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { selectorMatches } from '../oracle/policy/selectorMatches.ts';
import { loadManifestsFromText } from '../spec/manifests/load.ts';
import type { Scenario } from '../spec/scenario.ts';
import { assertProperty, PropertyFailure, reportFailure } from './reportFailure.ts';
import { scenarioArb } from './scenario.ts';

/** Deliberately wrong: a policy that selects some pod isolates it. */
function noPodIsEverIsolated(s: Scenario): boolean {
  return !s.cluster.policies.some((policy) =>
    s.cluster.pods.some(
      (pod) => pod.namespace === policy.namespace && selectorMatches(policy.podSelector, pod.labels),
    ),
  );
}

describe('failure reports', () => {
  test('"no pod is ever isolated" fails, shrinks to one policy and at most 2 pods, and the report holds seed, path and YAML', () => {
    const seed = 1234;
    const details = fc.check(fc.property(scenarioArb({ size: 'large' }), noPodIsEverIsolated), {
      numRuns: 1000,
      seed,
    });
    expect(details.failed).toBe(true);
    const report = reportFailure(details, 'no pod is ever isolated');
    expect(report).toBeDefined();
    const shrunk = report!.scenario!;
    expect(shrunk.cluster.policies).toHaveLength(1);
    expect(shrunk.cluster.pods.length).toBeLessThanOrEqual(2);
    expect(shrunk.steps).toHaveLength(0);
    expect(report!.seed).toBe(seed);
    expect(report!.message).toContain(`seed: ${seed}`);
    expect(report!.message).toContain(`path: "${details.counterexamplePath}"`);
    expect(details.counterexamplePath).toMatch(/^\d+(:\d+)*$/);
    expect(report!.message).toContain('kind: NetworkPolicy');
    // The YAML in the report is a valid, loadable reproduction of the counterexample.
    const loaded = loadManifestsFromText(report!.yaml!, 'report.yaml').cluster;
    expect(loaded.policies).toHaveLength(1);
    expect(loaded.pods).toHaveLength(shrunk.cluster.pods.length);
    // Replaying seed and path reproduces the same counterexample without searching again.
    const replay = fc.check(fc.property(scenarioArb({ size: 'large' }), noPodIsEverIsolated), {
      seed,
      path: details.counterexamplePath!,
      endOnFailure: true,
    });
    expect(replay.counterexample).toEqual(details.counterexample);
  });

  test('assertProperty throws a PropertyFailure carrying the report; a passing property does not throw', () => {
    const property = fc.property(scenarioArb({ size: 'small' }), noPodIsEverIsolated);
    expect(() => assertProperty(property, { numRuns: 200, seed: 9 })).toThrow(PropertyFailure);
    try {
      assertProperty(property, { numRuns: 200, seed: 9 }, 'wrong law');
    } catch (error) {
      expect(error).toBeInstanceOf(PropertyFailure);
      expect((error as PropertyFailure).message).toMatch(/^wrong law after \d+ run\(s\) and \d+ shrink\(s\)/);
      expect((error as PropertyFailure).report.yaml).toContain('kind: Namespace');
    }
    expect(() =>
      assertProperty(
        fc.property(scenarioArb({ size: 'small' }), (s) => s.cluster.pods.length > 0),
        { numRuns: 200, seed: 9 },
      ),
    ).not.toThrow();
  });

  test('a counterexample without a scenario is still reported with seed and path', () => {
    const details = fc.check(
      fc.property(fc.integer(), (n) => n < 10),
      { numRuns: 100, seed: 5 },
    );
    const report = reportFailure(details)!;
    expect(report.counterexample).toEqual([10]);
    expect(report.yaml).toBeUndefined();
    expect(report.message).toContain('seed: 5');
  });
});
