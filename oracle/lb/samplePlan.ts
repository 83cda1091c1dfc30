import type { LbOptions } from './options.ts';
import { affinitySamplesNeeded } from './stats/affinityConstancy.ts';
import type { CalibratedSampleSize } from './stats/calibratedSampleSize.ts';
import { calibratedSampleSize } from './stats/calibratedSampleSize.ts';
import { coverageSamplesNeeded } from './stats/coverage.ts';
import type { GoodnessOfFitMethod } from './stats/goodnessOfFit.ts';
import { oneEndpointSkew } from './stats/power.ts';
import { roundRobinSamplesNeeded } from './stats/roundRobinSequence.ts';
import type { SequentialCap } from './stats/sequentialSampleCap.ts';
import { sequentialSampleCap } from './stats/sequentialSampleCap.ts';

export interface SamplePlan {
  readonly endpoints: number;
  /**
   * The level each test is sized for: familyAlpha / testsInRun, Holm's strictest step (docs/research/lb.md
   * §7.7).
   */
  readonly alphaPerTest: number;
  /** Random mode: new connections per (node, client) for the fixed-sample test; 0 with < 2 endpoints. */
  readonly goodnessOfFit: CalibratedSampleSize;
  /**
   * Random mode: the cap on the sequential test (power reached by then, at most `maxSamples`); it stops
   * earlier, at `medianStop` typically, once the evidence suffices.
   */
  readonly sequential: SequentialCap;
  /** Connections after which an unseen endpoint is a finding at alphaPerTest (uniform draws). */
  readonly coverage: number;
  /** Round-robin: sequential connections from one client through one node (random passes with <= alphaPerTest). */
  readonly roundRobin: number;
  /** Affinity: connections per window (a non-sticky balancer passes with <= alphaPerTest); Infinity = untestable. */
  readonly affinityPerWindow: number;
}

/**
 * How many new connections each LB test needs for `endpoints` eligible endpoints, when the run holds
 * `testsInRun` tests that share the family α (docs/research/lb.md §7.3–7.6). The effect to detect is
 * `effectRatio`; the goodness-of-fit K starts from the noncentral chi-square and is calibrated on the test
 * podnet runs (exact power where enumerable, else seeded simulation), which takes up to a few seconds: cache
 * per N.
 */
export function planSamples(endpoints: number, testsInRun: number, options: LbOptions): SamplePlan {
  if (!Number.isInteger(testsInRun) || testsInRun < 1)
    throw new RangeError('testsInRun must be a positive integer');
  const alphaPerTest = options.familyAlpha / testsInRun;
  const alternative = oneEndpointSkew(Math.max(endpoints, 1), options.effectRatio);
  return {
    endpoints,
    alphaPerTest,
    goodnessOfFit: calibratedSampleSize(alternative, alphaPerTest, options.power, {
      statistic: options.goodnessOfFit,
      exactEnumerationLimit: options.exactEnumerationLimit,
      exactLatticeWorkLimit: options.exactLatticeWorkLimit,
      simulationRuns: options.powerSimulationRuns,
      seed: options.powerSimulationSeed,
    }),
    sequential:
      endpoints >= 2
        ? sequentialSampleCap(
            alternative,
            alphaPerTest,
            options.power,
            options.maxSamples,
            options.powerSimulationRuns,
            options.powerSimulationSeed,
          )
        : { cap: 0, medianStop: 0, runs: 0 },
    coverage: coverageSamplesNeeded(endpoints, alphaPerTest),
    roundRobin: roundRobinSamplesNeeded(endpoints, alphaPerTest, options.roundRobinMaxViolations),
    affinityPerWindow: affinitySamplesNeeded(endpoints, alphaPerTest),
  };
}

/** The plan as lines for a terminal or a report. */
export function formatSamplePlan(plan: SamplePlan, options: LbOptions): string[] {
  const g = plan.goodnessOfFit;
  if (plan.endpoints < 2) {
    return [
      `LB sample plan for ${plan.endpoints} endpoint(s): nothing to test statistically; every connection must ${plan.endpoints === 0 ? 'be refused' : 'reach the one endpoint'} (exact)`,
    ];
  }
  return [
    `LB sample plan for ${plan.endpoints} endpoint(s): alpha per test ${fmt(plan.alphaPerTest)} (family ${fmt(options.familyAlpha)} by Holm)`,
    `  goodness of fit: ${g.samples} new connections detect one endpoint at ${options.effectRatio}x share with power ${g.achievedPower.toFixed(3)} >= ${options.power} (${g.powerMethod} power of the ${TEST_METHOD[g.testMethod]}, at least the target through K=${g.checkedThrough}; noncentral chi-square alone: w=${g.effectW.toFixed(3)}, lambda*=${g.noncentrality.toFixed(2)}, K=${g.approximateSamples})`,
    `  sequential test: stops at Bayes factor >= ${fmt(1 / plan.alphaPerTest)}, ${Number.isFinite(plan.sequential.medianStop) ? `typically after ${plan.sequential.medianStop} connections under that effect` : `mostly not within ${options.maxSamples} connections under that effect`}, and ${plan.sequential.cap < options.maxSamples ? `reaches power ${options.power} by ${plan.sequential.cap} (its cap; simulated)` : `does not reach power ${options.power} within its cap of ${plan.sequential.cap}`}`,
    `  coverage: ${plan.coverage} connections reach every endpoint except with probability ${fmt(plan.alphaPerTest)}`,
    `  round-robin sequence: ${plan.roundRobin} consecutive connections from one client through one node`,
    `  affinity: ${Number.isFinite(plan.affinityPerWindow) ? plan.affinityPerWindow : 'untestable (one endpoint)'} connections per client window`,
  ];
}

const TEST_METHOD: Record<GoodnessOfFitMethod, string> = {
  enumeration: 'exact multinomial test',
  lattice: 'exact multinomial test on a lattice',
  'endpoint-binomial': 'per-endpoint binomial test (exact X² out of budget)',
};

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
