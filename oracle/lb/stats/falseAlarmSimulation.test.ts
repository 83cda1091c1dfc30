// Issue 8 acceptance "False alarms": 10,000 simulated runs of data each prediction fits; the alarm count
// must stay within Binomial(10,000, α)'s upper 1e-3 quantile (the stated tolerance). Fixed seeds.
import { describe, expect, test } from 'vitest';
import { affinityConstancyTest } from './affinityConstancy.ts';
import { binomialUpperLimit } from './binomial.ts';
import {
  affinityScenario,
  coverageScenario,
  goodnessOfFitScenario,
  holmScenario,
  measureFalseAlarms,
  roundRobinScenario,
  sequentialScenario,
} from './falseAlarmSimulation.ts';
import { goodnessOfFit } from './goodnessOfFit.ts';
import { createPrng } from './prng.ts';
import { roundRobinSequenceTest } from './roundRobinSequence.ts';
import { drawCounts, simulateRejectionRate } from './simulate.ts';

const RUNS = 10_000;
const LEVEL = 1e-3;

describe('false-alarm rate within the stated α over 10,000 uniform runs', () => {
  const cases = [
    goodnessOfFitScenario(3, 199, 1e-3, 'pearson'),
    goodnessOfFitScenario(3, 199, 0.05, 'pearson'),
    goodnessOfFitScenario(2, 100, 0.05, 'pearson'),
    goodnessOfFitScenario(5, 300, 0.05, 'pearson'),
    goodnessOfFitScenario(3, 199, 0.05, 'g'),
    goodnessOfFitScenario(4, 40, 0.01, 'pearson'),
    sequentialScenario(3, 300, 0.05),
    coverageScenario(3, 20, 1e-3),
    holmScenario(5, 3, 199, 0.05),
    roundRobinScenario(3, 13),
    affinityScenario(3, 4, 8),
  ];
  cases.forEach((scenario, i) => {
    test(`${scenario.name} at α = ${scenario.alpha}`, () => {
      const r = measureFalseAlarms(scenario, RUNS, 1000 + i, LEVEL);
      expect(r.rejections, `${r.rejections} alarms, tolerance ${r.tolerance}`).toBeLessThanOrEqual(
        r.tolerance,
      );
    });
  });

  test('the tolerance itself: Binomial(10,000, 0.05) exceeds 569 with probability < 1e-3', () => {
    expect(binomialUpperLimit(RUNS, 0.05, LEVEL)).toBe(569);
    expect(binomialUpperLimit(RUNS, 1e-3, LEVEL)).toBe(21);
  });
});

describe('power and stated miss rates, simulated', () => {
  test('issue 8 acceptance: K = 199 reaches power 0.9 against (0.5, 0.25, 0.25) at α = 1e-3', () => {
    const uniform = [1 / 3, 1 / 3, 1 / 3];
    const opts = {
      alpha: 1e-3,
      statistic: 'pearson' as const,
      exactEnumerationLimit: 200_000,
      exactLatticeWorkLimit: 20_000_000,
    };
    const r = simulateRejectionRate(
      RUNS,
      (prng) => goodnessOfFit(drawCounts(prng, [0.5, 0.25, 0.25], 199), uniform, opts).reject,
      createPrng(77),
    );
    // Consistent with power >= 0.9: no fewer than the lower 1e-3 quantile of Binomial(10,000, 0.9).
    expect(r.rejections).toBeGreaterThanOrEqual(RUNS - binomialUpperLimit(RUNS, 0.1, LEVEL));
  });

  test('a random balancer passes the round-robin test (N = 3, K = 8) about N!/N^K = 9.1e-4 of the time', () => {
    const E = ['a', 'b', 'c'];
    const stated = roundRobinSequenceTest([...'abcabcab'], E, 0).errorRate.miss as number;
    const r = simulateRejectionRate(
      RUNS,
      (prng) =>
        !roundRobinSequenceTest(
          Array.from({ length: 8 }, () => E[prng.nextInt(3)] as string),
          E,
          0,
        ).reject,
      createPrng(78),
    );
    expect(r.rejections).toBeLessThanOrEqual(binomialUpperLimit(RUNS, stated, LEVEL));
  });

  test('a balancer ignoring affinity passes one window of 8 about 3^-7 of the time', () => {
    const E = ['a', 'b', 'c'];
    const r = simulateRejectionRate(
      RUNS,
      (prng) =>
        !affinityConstancyTest([Array.from({ length: 8 }, () => E[prng.nextInt(3)] as string)], E).reject,
      createPrng(79),
    );
    expect(r.rejections).toBeLessThanOrEqual(binomialUpperLimit(RUNS, 3 ** -7, LEVEL));
  });
});
