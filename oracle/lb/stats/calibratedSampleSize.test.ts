import { describe, expect, test } from 'vitest';
import { binomialUpperLimit } from './binomial.ts';
import { calibratedSampleSize, goodnessOfFitPower } from './calibratedSampleSize.ts';
import { goodnessOfFit, goodnessOfFitRule } from './goodnessOfFit.ts';
import { oneEndpointSkew } from './power.ts';
import { createPrng } from './prng.ts';
import { reference } from './reference.test-helpers.ts';
import { drawMultinomial } from './simulate.ts';

const options = {
  statistic: 'pearson' as const,
  exactEnumerationLimit: 200_000,
  exactLatticeWorkLimit: 20_000_000,
  simulationRuns: 4000,
  seed: 8,
};
const limits = { exactEnumerationLimit: 200_000, exactLatticeWorkLimit: 20_000_000 };
const uniform = (n: number) => new Array<number>(n).fill(1 / n);

describe('sample size calibrated on the test podnet runs', () => {
  test.each([
    [3, 40, 1e-2, 'enumeration'],
    [5, 280, 1e-3, 'lattice'],
    [20, 400, 1e-3, 'endpoint-binomial'],
  ] as const)(
    'the rule behind the power agrees with goodnessOfFit vector by vector (N=%i, K=%i, %s)',
    (n, k, alpha, method) => {
      const rule = goodnessOfFitRule(k, uniform(n), { alpha, statistic: 'pearson', ...limits });
      expect(rule.method).toBe(method);
      const prng = createPrng(11);
      let rejected = 0;
      for (let i = 0; i < 400; i++) {
        // Draws from a mix of uniform and skewed shares, so that both decisions occur.
        const counts = drawMultinomial(prng, i % 2 ? uniform(n) : oneEndpointSkew(n, 2.5), k);
        const byTest = goodnessOfFit(counts, uniform(n), { alpha, statistic: 'pearson', ...limits }).reject;
        expect(rule.reject(counts), `${counts}`).toBe(byTest);
        if (byTest) rejected++;
      }
      expect(rejected).toBeGreaterThan(10);
      expect(rejected).toBeLessThan(380);
    },
  );

  test('exact power against (0.5, 0.25, 0.25) at α = 1e-3 equals the enumeration of reference.json, K = 180 … 230', () => {
    for (const [k, power] of reference.planner.power) {
      const r = goodnessOfFitPower(reference.planner.alternative, k, reference.planner.alpha, options);
      expect(r.method).toBe('exact');
      expect(Math.abs(r.power - power), `K=${k}`).toBeLessThan(1e-10);
    }
  });

  test('issue 15 item 8: K = 198, the smallest K from which the power stays >= 0.9 (the 1% steps returned 199)', () => {
    const r = calibratedSampleSize(oneEndpointSkew(3, 2), 1e-3, 0.9, options);
    expect(r.approximateSamples).toBe(191); // the noncentral chi-square alone (docs/research/lb.md §7.3)
    expect(r.samples).toBe(reference.planner.smallestStaying);
    expect(r.samples).toBe(198);
    expect(r.powerMethod).toBe('exact');
    expect(r.testMethod).toBe('enumeration');
    expect(r.achievedPower).toBeGreaterThanOrEqual(0.9);
    expect(r.checkedThrough).toBeGreaterThanOrEqual(218);
    const table = new Map(reference.planner.power);
    expect(table.get(197) as number).toBeLessThan(0.9);
    for (let k = 198; k <= Math.min(r.checkedThrough, reference.planner.through); k++) {
      expect(table.get(k) as number, `K=${k}`).toBeGreaterThanOrEqual(0.9);
    }
  });

  test('N = 2: the exact binomial power; K - 1 falls short and the next K all reach the target', () => {
    const r = calibratedSampleSize(oneEndpointSkew(2, 2), 1e-3, 0.9, options);
    expect(r.achievedPower).toBeGreaterThanOrEqual(0.9);
    expect(goodnessOfFitPower(oneEndpointSkew(2, 2), r.samples - 1, 1e-3, options).power).toBeLessThan(0.9);
    for (let k = r.samples; k <= r.checkedThrough; k++) {
      expect(goodnessOfFitPower(oneEndpointSkew(2, 2), k, 1e-3, options).power).toBeGreaterThanOrEqual(0.9);
    }
  });

  test('issue 15 item 1: 20 endpoints at α = 1e-3 finishes (it never did); its stated power is a lower bound', () => {
    const alt = oneEndpointSkew(20, 2);
    const r = calibratedSampleSize(alt, 1e-3, 0.9, options);
    expect(r.testMethod).toBe('endpoint-binomial');
    expect(r.powerMethod).toBe('lower-bound');
    expect(r.achievedPower).toBeGreaterThanOrEqual(0.9);
    // The test as run rejects at least that often: 2000 simulated runs, no fewer than the binomial bound allows.
    const prng = createPrng(21);
    let rejections = 0;
    for (let i = 0; i < 2000; i++) {
      const counts = drawMultinomial(prng, alt, r.samples);
      if (goodnessOfFit(counts, uniform(20), { alpha: 1e-3, statistic: 'pearson', ...limits }).reject)
        rejections++;
    }
    expect(rejections).toBeGreaterThanOrEqual(2000 - binomialUpperLimit(2000, 1 - r.achievedPower, 1e-3));
  });

  test('issue 15 item 7: an alternative equal to the null is an error, not K = 0', () => {
    expect(() => calibratedSampleSize(uniform(3), 1e-3, 0.9, options)).toThrow(/equals the uniform null/);
    expect(calibratedSampleSize([1], 1e-3, 0.9, options).samples).toBe(0); // one endpoint: nothing to test
  });
});
