import { describe, expect, test } from 'vitest';
import { logBinomialPmf } from './binomial.ts';
import { endpointAcceptanceRange, endpointBinomialPValue, twoSidedBinomial } from './endpointBinomial.ts';
import { goodnessOfFit } from './goodnessOfFit.ts';

/** P(every count lies in [low, high]) under Multinomial(K, 1/N), by splitting one category off at a time. */
function allInside(k: number, n: number, low: number, high: number): number {
  // inside[m][r]: P(m categories holding r draws all lie inside | they share r draws uniformly)
  let inside = new Float64Array(k + 1);
  for (let r = low; r <= Math.min(high, k); r++) inside[r] = 1;
  for (let m = 2; m <= n; m++) {
    const next = new Float64Array(k + 1);
    for (let r = 0; r <= k; r++) {
      let s = 0;
      for (let c = low; c <= Math.min(high, r); c++)
        s += Math.exp(logBinomialPmf(c, r, 1 / m)) * (inside[r - c] as number);
      next[r] = s;
    }
    inside = next;
  }
  return inside[k] as number;
}

describe('per-endpoint exact binomial tests with Bonferroni (docs/research/lb.md §7.2), the fallback past the exact budgets', () => {
  test('two-sided p-value by hand: Binomial(10, 1/2) at 1 is 2 · 11/1024', () => {
    expect(twoSidedBinomial(1, 10, 0.5)).toBeCloseTo(22 / 1024, 14);
    // Both endpoints have p = 22/1024; Bonferroni over 2 doubles the smaller.
    expect(endpointBinomialPValue([1, 9], [0.5, 0.5])).toBeCloseTo(44 / 1024, 14);
  });

  test('acceptance ranges agree with the p-value: a count rejects exactly outside its range', () => {
    for (const [k, n, alpha] of [
      [540, 10, 1e-5],
      [200, 4, 1e-3],
      [60, 3, 0.05],
    ] as const) {
      const { low, high } = endpointAcceptanceRange(k, 1 / n, n, alpha);
      for (let c = 0; c <= k; c++) {
        const rejects = n * twoSidedBinomial(c, k, 1 / n) <= alpha;
        expect(rejects, `K=${k} c=${c}`).toBe(c < low || c > high);
      }
    }
  });

  test('its false-alarm rate is at most α, computed exactly (N = 10, K = 540, α = 1e-5; N = 20, K = 400, α = 1e-3)', () => {
    for (const [k, n, alpha] of [
      [540, 10, 1e-5],
      [400, 20, 1e-3],
      [100, 5, 0.05],
    ] as const) {
      const { low, high } = endpointAcceptanceRange(k, 1 / n, n, alpha);
      const falseAlarm = 1 - allInside(k, n, low, high);
      expect(falseAlarm, `N=${n} K=${k}`).toBeLessThanOrEqual(alpha);
      expect(falseAlarm).toBeGreaterThan(alpha / 10); // not vacuous
    }
  });

  test('goodnessOfFit falls back to it past the budgets and says so', () => {
    const counts = [...new Array(19).fill(20), 60];
    const r = goodnessOfFit(counts, new Array(20).fill(1 / 20), {
      alpha: 1e-3,
      statistic: 'pearson',
      exactEnumerationLimit: 1000,
      exactLatticeWorkLimit: 1000,
    });
    expect(r.test).toBe('endpoint-binomial');
    expect(r.method).toMatch(/Bonferroni over 20/);
    expect(r.pValue).toBeCloseTo(endpointBinomialPValue(counts, new Array(20).fill(1 / 20)), 15);
    expect(r.reject).toBe(true);
  });
});
