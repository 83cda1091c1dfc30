import { describe, expect, test } from 'vitest';
import { chiSquareSurvival, chiSquareUpperQuantile } from './chiSquare.ts';
import { gammaQ } from './incompleteGamma.ts';
import { noncentralChiSquareSurvival, requiredNoncentrality } from './noncentralChiSquare.ts';

/** Φ(z) through erfc, which the incomplete-gamma tests pin to published values. */
const phi = (z: number) => (z >= 0 ? 1 - 0.5 * gammaQ(0.5, (z * z) / 2) : 0.5 * gammaQ(0.5, (z * z) / 2));

describe('noncentral chi-square', () => {
  test('λ = 0 is the central distribution', () => {
    expect(noncentralChiSquareSurvival(7.81, 3, 0)).toBe(chiSquareSurvival(7.81, 3));
  });

  test('df = 1: P(χ²_1(λ) > c) = Φ(√λ - √c) + Φ(-√λ - √c)', () => {
    for (const [c, lambda] of [
      [3.84, 5],
      [10.83, 20.9],
      [1, 0.3],
    ] as const) {
      const expected = phi(Math.sqrt(lambda) - Math.sqrt(c)) + phi(-Math.sqrt(lambda) - Math.sqrt(c));
      expect(noncentralChiSquareSurvival(c, 1, lambda)).toBeCloseTo(expected, 12);
    }
  });

  test('λ* reproduces the docs/research/lb.md §7.3 table (computed there with scipy.stats.ncx2)', () => {
    const table: [number, number, number, number][] = [
      // alpha, df, power, λ*
      [0.05, 1, 0.8, 7.85],
      [0.05, 2, 0.8, 9.63],
      [0.05, 4, 0.8, 11.94],
      [0.05, 9, 0.8, 15.65],
      [0.05, 1, 0.9, 10.51],
      [0.05, 2, 0.9, 12.65],
      [0.05, 4, 0.9, 15.41],
      [0.05, 9, 0.9, 19.83],
      [1e-3, 1, 0.9, 20.9],
      [1e-3, 2, 0.9, 23.82],
      [1e-3, 4, 0.9, 27.68],
      [1e-3, 9, 0.9, 34.08],
      [1e-3, 2, 0.99, 35.25],
      [1e-4, 4, 0.8, 29.11],
      [1e-6, 9, 0.99, 72.07],
    ];
    for (const [alpha, df, power, lambda] of table) {
      expect(Math.abs(requiredNoncentrality(alpha, df, power) - lambda)).toBeLessThan(0.0051);
    }
  });

  test('the power at λ* is the requested power', () => {
    const lambda = requiredNoncentrality(1e-3, 2, 0.9);
    expect(noncentralChiSquareSurvival(chiSquareUpperQuantile(1e-3, 2), 2, lambda)).toBeCloseTo(0.9, 8);
  });
});
