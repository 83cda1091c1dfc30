import { describe, expect, test } from 'vitest';
import { binomialCdf, binomialUpperLimit, binomialUpperTail } from './binomial.ts';
import { reference } from './reference.test-helpers.ts';

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

  test('tails agree with mpmath sums, from n = 10 to n = 1e6 and out to 8 standard deviations', () => {
    for (const { n, p, x, cdf, upper } of reference.binomialTails) {
      expect(Math.abs(binomialCdf(x, n, p) - cdf) / cdf, `cdf n=${n} p=${p} x=${x}`).toBeLessThan(1e-11);
      expect(Math.abs(binomialUpperTail(x, n, p) - upper) / upper, `upper n=${n} p=${p} x=${x}`).toBeLessThan(
        1e-11,
      );
    }
  });

  test('issue 15 item 3: upper limits of reference.json, including level >= 0.5 and exact ties', () => {
    // (100, 0.5, 0.9) is 44: P(X >= 44) = 0.903 > 0.9 >= P(X >= 45) = 0.864 (the old search began at 50).
    // (1, 1e-3, 1e-3) is 0 and (2, 1e-3, 1e-6) is 1: P(X >= c) = level exactly is not "> level".
    for (const { n, p, level, limit } of reference.binomialUpperLimit) {
      expect(binomialUpperLimit(n, p, level), `n=${n} p=${p} level=${level}`).toBe(limit);
    }
  });

  test('upper limit refuses levels outside (0, 1) and probabilities outside [0, 1]', () => {
    expect(() => binomialUpperLimit(10, 0.5, 0)).toThrow(RangeError);
    expect(() => binomialUpperLimit(10, 0.5, 1)).toThrow(RangeError);
    expect(() => binomialUpperLimit(10, Number.NaN, 0.1)).toThrow(RangeError);
  });
});
