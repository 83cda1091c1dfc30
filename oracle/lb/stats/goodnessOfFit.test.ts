import { describe, expect, test } from 'vitest';
import { goodnessOfFit, gStatistic, pearsonStatistic } from './goodnessOfFit.ts';

const third = [1 / 3, 1 / 3, 1 / 3];
const opts = {
  alpha: 1e-3,
  statistic: 'pearson' as const,
  minExpectedForAsymptotic: 20,
  exactEnumerationLimit: 200_000,
};

describe('goodness of fit (lb.md §7.2)', () => {
  test('Pearson X² and G with Williams correction, computed by hand for (10, 20, 30)', () => {
    expect(pearsonStatistic([10, 20, 30], third)).toBeCloseTo(10, 12);
    // G = 2(10 ln 0.5 + 30 ln 1.5) = 10.46496…, q = 1 + 8/1080.
    expect(gStatistic([10, 20, 30], third)).toBeCloseTo(10.388014618854994, 12);
  });

  test('asymptotic p-value is the chi-square tail: e^{-5} for X² = 10 with df = 2', () => {
    const r = goodnessOfFit([10, 20, 30], third, { ...opts, exactEnumerationLimit: 1 });
    expect(r.pValue).toBeCloseTo(Math.exp(-5), 14);
    expect(r.method).toMatch(/asymptotic/);
    expect(r.reject).toBe(false);
  });

  test('exact p-value when enumerable; close to the asymptotic one at moderate K', () => {
    const r = goodnessOfFit([10, 20, 30], third, opts);
    expect(r.method).toMatch(/exact/);
    expect(r.pValue / Math.exp(-5)).toBeGreaterThan(0.7);
    expect(r.pValue / Math.exp(-5)).toBeLessThan(1.4);
  });

  test('a starved endpoint is rejected; an even split is not', () => {
    expect(goodnessOfFit([100, 100, 0], third, opts).reject).toBe(true);
    expect(goodnessOfFit([67, 66, 66], third, opts).reject).toBe(false);
  });

  test('lb.md §7.1: a category the prediction gives probability 0 (errors, strangers) rejects with p = 0', () => {
    const r = goodnessOfFit([50, 50, 1], [0.5, 0.5, 0], opts);
    expect(r.pValue).toBe(0);
    expect(r.reject).toBe(true);
    expect(goodnessOfFit([50, 50, 0], [0.5, 0.5, 0], opts).reject).toBe(false);
  });

  test('reports its α and stated false-alarm rate; G-test names itself', () => {
    const r = goodnessOfFit([40, 60], [0.5, 0.5], { ...opts, statistic: 'g' });
    expect(r.test).toBe('g-test');
    expect(r.alpha).toBe(1e-3);
    expect(r.errorRate.falseAlarm).toBe(1e-3);
    expect(r.samples).toBe(100);
  });

  test('nothing to test with one endpoint; bad shares throw', () => {
    expect(goodnessOfFit([10], [1], opts).pValue).toBe(1);
    expect(() => goodnessOfFit([1, 2], [0.5, 0.6], opts)).toThrow(RangeError);
  });
});
