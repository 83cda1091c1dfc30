import { describe, expect, test } from 'vitest';
import { binomialCdf, binomialUpperLimit, binomialUpperTail } from './binomial.ts';

describe('binomial tails', () => {
  test('small cases by hand: Binomial(10, 1/2)', () => {
    expect(binomialCdf(1, 10, 0.5)).toBeCloseTo(11 / 1024, 14);
    expect(binomialUpperTail(9, 10, 0.5)).toBeCloseTo(11 / 1024, 14);
    expect(binomialCdf(10, 10, 0.5)).toBe(1);
    expect(binomialUpperTail(0, 10, 0.5)).toBe(1);
  });

  test('cdf and upper tail are complements', () => {
    for (const x of [0, 3, 10, 25]) {
      expect(binomialCdf(x, 200, 0.07) + binomialUpperTail(x + 1, 200, 0.07)).toBeCloseTo(1, 12);
    }
  });

  test('upper limit: the largest count a rate-p process exceeds with probability <= level', () => {
    const c = binomialUpperLimit(10_000, 1e-3, 1e-3);
    expect(binomialUpperTail(c + 1, 10_000, 1e-3)).toBeLessThanOrEqual(1e-3);
    expect(binomialUpperTail(c, 10_000, 1e-3)).toBeGreaterThan(1e-3);
    expect(binomialUpperLimit(10_000, 0, 1e-3)).toBe(0);
  });
});
