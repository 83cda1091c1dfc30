import { DEFAULT_LB_OPTIONS } from '../options.ts';
import { affinityConstancyTest } from './affinityConstancy.ts';
import { coverageTest } from './coverage.ts';
import { goodnessOfFit, goodnessOfFitRule } from './goodnessOfFit.ts';
import { holm } from './holm.ts';
import type { Prng } from './prng.ts';
import { createPrng } from './prng.ts';
import { roundRobinSequenceTest } from './roundRobinSequence.ts';
import { SequentialUniformityTest } from './sequentialUniformity.ts';
import type { FalseAlarmCheck } from './simulate.ts';
import { checkFalseAlarms, drawCounts, simulateRejectionRate } from './simulate.ts';

/** One simulated false-alarm experiment: a test run again and again on data its prediction fits. */
export interface FalseAlarmScenario {
  readonly name: string;
  readonly alpha: number;
  /** One run: draw data that satisfies the prediction, return whether the test rejected. */
  readonly run: (prng: Prng) => boolean;
}

/** The enumeration and lattice budgets of `DEFAULT_LB_OPTIONS`. */
const DEFAULT_LIMITS = {
  exactEnumerationLimit: DEFAULT_LB_OPTIONS.exactEnumerationLimit,
  exactLatticeWorkLimit: DEFAULT_LB_OPTIONS.exactLatticeWorkLimit,
};

const labels = (n: number) => Array.from({ length: n }, (_, i) => `e${i}`);

function shuffle<T>(prng: Prng, items: readonly T[]): T[] {
  const a = [...items];
  for (let i = a.length - 1; i > 0; i--) {
    const j = prng.nextInt(i + 1);
    [a[i], a[j]] = [a[j] as T, a[i] as T];
  }
  return a;
}

/** Uniform data through a fixed-sample goodness-of-fit test. */
export function goodnessOfFitScenario(
  endpoints: number,
  samples: number,
  alpha: number,
  statistic: 'pearson' | 'g',
  limits: { exactEnumerationLimit: number; exactLatticeWorkLimit: number } = DEFAULT_LIMITS,
): FalseAlarmScenario {
  const shares = new Array<number>(endpoints).fill(1 / endpoints);
  const opts = { alpha, statistic, ...limits };
  const method = goodnessOfFitRule(samples, shares, opts).method;
  return {
    name: `${statistic === 'pearson' ? 'chi-square' : 'g-test'} N=${endpoints} K=${samples} ${method}`,
    alpha,
    run: (prng) => goodnessOfFit(drawCounts(prng, shares, samples), shares, opts).reject,
  };
}

/** Uniform data through the sequential Bayes-factor test until it stops. */
export function sequentialScenario(endpoints: number, maxSamples: number, alpha: number): FalseAlarmScenario {
  const shares = new Array<number>(endpoints).fill(1 / endpoints);
  return {
    name: `sequential N=${endpoints} max=${maxSamples}`,
    alpha,
    run: (prng) => {
      const t = new SequentialUniformityTest(shares, alpha, maxSamples);
      while (!t.add(prng.nextInt(endpoints))) {
        // keep sampling until the test decides or the budget is spent
      }
      return t.result().reject;
    },
  };
}

/** Uniform data through the coverage test. */
export function coverageScenario(endpoints: number, samples: number, alpha: number): FalseAlarmScenario {
  const names = labels(endpoints);
  return {
    name: `coverage N=${endpoints} K=${samples}`,
    alpha,
    run: (prng) => {
      const seen = Array.from({ length: samples }, () => names[prng.nextInt(endpoints)] as string);
      return coverageTest(seen, names, 'uniform', alpha).reject;
    },
  };
}

/** An exact cycle in a random order and phase through the round-robin test (stated false-alarm rate 0). */
export function roundRobinScenario(endpoints: number, samples: number): FalseAlarmScenario {
  const names = labels(endpoints);
  return {
    name: `round-robin N=${endpoints} K=${samples}`,
    alpha: 0,
    run: (prng) => {
      const order = shuffle(prng, names);
      const phase = prng.nextInt(endpoints);
      const seq = Array.from({ length: samples }, (_, i) => order[(i + phase) % endpoints] as string);
      return roundRobinSequenceTest(seq, names, 0).reject;
    },
  };
}

/** Sticky windows (one random endpoint per client) through the affinity test (stated false-alarm rate 0). */
export function affinityScenario(endpoints: number, windows: number, perWindow: number): FalseAlarmScenario {
  const names = labels(endpoints);
  return {
    name: `affinity N=${endpoints} ${windows}x${perWindow}`,
    alpha: 0,
    run: (prng) => {
      const ws = Array.from({ length: windows }, () =>
        new Array<string>(perWindow).fill(names[prng.nextInt(endpoints)] as string),
      );
      return affinityConstancyTest(ws, names).reject;
    },
  };
}

/** m uniform Services, each a chi-square test, combined by Holm at familyAlpha: any rejection is a family false alarm. */
export function holmScenario(
  services: number,
  endpoints: number,
  samples: number,
  familyAlpha: number,
): FalseAlarmScenario {
  const gof = goodnessOfFitScenario(endpoints, samples, 1, 'pearson');
  const shares = new Array<number>(endpoints).fill(1 / endpoints);
  const opts = { alpha: familyAlpha / services, statistic: 'pearson' as const, ...DEFAULT_LIMITS };
  return {
    name: `holm m=${services} N=${endpoints} K=${samples}`,
    alpha: familyAlpha,
    run: (prng) => {
      const ps = Array.from({ length: services }, (_, i) => ({
        id: `${gof.name}#${i}`,
        pValue: goodnessOfFit(drawCounts(prng, shares, samples), shares, opts).pValue,
      }));
      return holm(ps, familyAlpha).some((d) => d.reject);
    },
  };
}

/** Runs a scenario `runs` times from `seed` and compares the alarm count with Binomial(runs, α). */
export function measureFalseAlarms(
  scenario: FalseAlarmScenario,
  runs: number,
  seed: number,
  toleranceLevel: number,
): FalseAlarmCheck {
  const rate = simulateRejectionRate(runs, scenario.run, createPrng(seed));
  return checkFalseAlarms(rate, scenario.alpha, toleranceLevel);
}
