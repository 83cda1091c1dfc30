import { describe, expect, test } from 'vitest';
import { lgamma, logFactorial } from './lgamma.ts';

const sumLogs = (n: number) => {
  let s = 0;
  for (let i = 2; i <= n; i++) s += Math.log(i);
  return s;
};

describe('lgamma (Lanczos)', () => {
  // Abramowitz & Stegun 6.1.8: Γ(1/2) = √π; 6.1.15: Γ(3/2) = √π/2.
  test('half-integer values from A&S 6.1.8', () => {
    expect(lgamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 13);
    expect(lgamma(1.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI) / 2), 13);
    expect(lgamma(10.5)).toBeCloseTo(Math.log(1133278.388948786), 12); // Γ(10.5) = 19!!/2^10 √π
  });

  test('integers: ln Γ(n) = ln (n-1)! (A&S 6.1.6)', () => {
    for (const n of [1, 2, 3, 10, 20, 50, 100, 171]) {
      expect(Math.abs(lgamma(n) - sumLogs(n - 1))).toBeLessThan(1e-12 * Math.max(1, sumLogs(n - 1)));
    }
    expect(lgamma(100)).toBeCloseTo(359.1342053695754, 10);
  });

  test('small arguments go through the reflection formula', () => {
    // Γ(0.1) = 9.513507698668732 (A&S Table 6.1 gives Γ(1.1) = 0.9513507699, Γ(x+1) = xΓ(x)).
    expect(lgamma(0.1)).toBeCloseTo(Math.log(9.513507698668732), 12);
  });

  test('rejects non-positive arguments', () => {
    expect(() => lgamma(0)).toThrow(RangeError);
    expect(() => lgamma(-1)).toThrow(RangeError);
  });

  test('logFactorial agrees with summed logs and with lgamma past the exact range', () => {
    expect(logFactorial(0)).toBe(0);
    expect(logFactorial(5)).toBeCloseTo(Math.log(120), 14);
    expect(logFactorial(200)).toBeCloseTo(sumLogs(200), 9);
    expect(() => logFactorial(2.5)).toThrow(RangeError);
  });
});
