import { describe, expect, test } from 'vitest';
import { chiSquareCdf, chiSquareSurvival, chiSquareUpperQuantile } from './chiSquare.ts';
import { reference } from './reference.test-helpers.ts';

describe('chi-square distribution', () => {
  test("R's pchisq: the 68.27% rule and the 5% point of df=1", () => {
    // pchisq(1, 1) = erf(1/√2) = 0.6826894921370859; qchisq(0.95, 1) = 3.841458820694124.
    expect(chiSquareCdf(1, 1)).toBeCloseTo(0.6826894921370859, 14);
    expect(chiSquareCdf(3.841458820694124, 1)).toBeCloseTo(0.95, 13);
  });

  test('df = 2 is exponential: P(χ²_2 > x) = e^{-x/2}, also far in the tail', () => {
    for (const x of [0.5, 5.991464547107979, 13.815510557964274, 200]) {
      expect(chiSquareSurvival(x, 2) / Math.exp(-x / 2)).toBeCloseTo(1, 12);
    }
  });

  test("critical values match R's qchisq", () => {
    const cases: [number, number, number][] = [
      [0.05, 1, 3.841458820694124],
      [0.001, 1, 10.827566170662733],
      [0.05, 2, 5.991464547107979],
      [0.001, 2, 13.815510557964274],
      [0.001, 3, 16.26623619623813],
      [0.05, 4, 9.487729036781154],
      [0.05, 9, 16.918977604620448],
    ];
    for (const [alpha, df, expected] of cases) {
      expect(chiSquareUpperQuantile(alpha, df) / expected).toBeCloseTo(1, 11);
    }
  });

  test('every cell of the docs/research/lb.md §7.2 critical-value table (2 decimals)', () => {
    const alphas = [0.05, 0.01, 1e-3, 1e-4, 1e-6];
    const table: Record<number, number[]> = {
      1: [3.84, 6.63, 10.83, 15.14, 23.93],
      2: [5.99, 9.21, 13.82, 18.42, 27.63],
      3: [7.81, 11.34, 16.27, 21.11, 30.66],
      4: [9.49, 13.28, 18.47, 23.51, 33.38],
      9: [16.92, 21.67, 27.88, 33.72, 44.81],
    };
    for (const [df, row] of Object.entries(table)) {
      row.forEach((v, i) => {
        expect(Math.abs(chiSquareUpperQuantile(alphas[i] as number, Number(df)) - v)).toBeLessThan(0.0051);
      });
    }
  });

  test('rejects nonsense', () => {
    expect(() => chiSquareSurvival(1, 0)).toThrow(RangeError);
    expect(() => chiSquareUpperQuantile(1, 2)).toThrow(RangeError);
    expect(chiSquareSurvival(-1, 3)).toBe(1);
  });

  test('survival agrees with mpmath up to df = 2e7 (issue 15, item 6: the tail at huge df)', () => {
    for (const { df, x, sf } of reference.chiSquare.survival) {
      const tolerance = df > 1e6 ? 1e-11 : 1e-13;
      expect(Math.abs(chiSquareSurvival(x, df) - sf) / sf, `df=${df} x=${x}`).toBeLessThan(tolerance);
    }
  });

  test("upper quantiles agree with SciPy's chi2.isf", () => {
    for (const { df, alpha, x } of reference.chiSquare.upperQuantile) {
      expect(Math.abs(chiSquareUpperQuantile(alpha, df) - x) / x, `df=${df} α=${alpha}`).toBeLessThan(1e-11);
    }
  });
});
