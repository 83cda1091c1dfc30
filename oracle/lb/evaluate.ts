import type { TimedSample } from './affinityWindows.ts';
import { affinityWindows } from './affinityWindows.ts';
import type { LbOptions } from './options.ts';
import type { ServicePortPrediction } from './predict.ts';
import { affinityConstancyTest } from './stats/affinityConstancy.ts';
import { coverageTest } from './stats/coverage.ts';
import { goodnessOfFit } from './stats/goodnessOfFit.ts';
import { roundRobinSequenceTest } from './stats/roundRobinSequence.ts';
import { SequentialUniformityTest } from './stats/sequentialUniformity.ts';
import type { LbTestResult } from './stats/testResult.ts';

/** What the runner saw for one prediction (one Service port, one client, one deciding node). */
export interface LbObservation {
  /** `servedBy` of consecutive new connections, in the order they were opened; `null` when one failed. */
  readonly backends: readonly (string | null)[];
  /** The same connections with open times and the prediction's affinity key, for affinity windows. */
  readonly timed?: readonly TimedSample[];
}

/**
 * Token for a failed connection: a category the prediction gives probability 0 (docs/research/lb.md §7.1).
 */
export const FAILED_CONNECTION = '(failed)';

/**
 * Runs the tests that fit the prediction (docs/research/lb.md §5.2 "test the type first, then the
 * parameters"):
 * - reject: no connection may reach a backend (coverage over an empty set);
 * - ClientIP affinity: each window constant (`affinityConstancyTest`);
 * - round-robin: the exact cycle (`roundRobinSequenceTest`) and coverage;
 * - uniform: goodness of fit (fixed or sequential, `options.distributionTest`) and coverage.
 * `alpha` is this prediction's share of the family α; Holm across the run comes after (`holm`).
 */
export function evaluateServicePort(
  prediction: ServicePortPrediction,
  observation: LbObservation,
  alpha: number,
  options: LbOptions,
): LbTestResult[] {
  const members = prediction.eligible.endpoints.map((e) => e.pod);
  const backends = observation.backends.map((b) => b ?? FAILED_CONNECTION);
  const nc = prediction.newConnections;
  if (nc.kind === 'reject') {
    return [
      coverageTest(
        observation.backends.filter((b): b is string => b !== null),
        [],
        'uniform',
        alpha,
      ),
    ];
  }
  if (prediction.affinity) {
    const windows = observation.timed
      ? affinityWindows(observation.timed, prediction.affinity.timeoutSeconds, options.affinitySlackSeconds)
      : [backends];
    return [affinityConstancyTest(windows, members)];
  }
  if (nc.kind === 'cycle') {
    return [
      roundRobinSequenceTest(backends, members, options.roundRobinMaxViolations),
      coverageTest(backends, members, 'cycle', alpha),
    ];
  }
  return [
    distributionTest(backends, members, alpha, options),
    coverageTest(backends, members, 'uniform', alpha),
  ];
}

function distributionTest(
  backends: readonly string[],
  members: readonly string[],
  alpha: number,
  options: LbOptions,
): LbTestResult {
  const index = new Map(members.map((m, i) => [m, i]));
  const counts = new Array<number>(members.length + 1).fill(0);
  for (const b of backends) {
    const i = index.get(b) ?? members.length;
    counts[i] = (counts[i] as number) + 1;
  }
  const shares = [...members.map(() => 1 / members.length), 0];
  const fixed = () =>
    goodnessOfFit(counts, shares, {
      alpha,
      statistic: options.goodnessOfFit,
      exactEnumerationLimit: options.exactEnumerationLimit,
      exactLatticeWorkLimit: options.exactLatticeWorkLimit,
    });
  // Anything outside the eligible set is impossible under the prediction: the fixed test reports p = 0.
  if (options.distributionTest === 'fixed' || (counts[members.length] as number) > 0 || members.length < 2) {
    return fixed();
  }
  const seq = new SequentialUniformityTest(shares.slice(0, -1), alpha, options.maxSamples);
  for (const b of backends) if (seq.add(index.get(b) as number)) break;
  return seq.result();
}
