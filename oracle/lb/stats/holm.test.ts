import { describe, expect, test } from 'vitest';
import { holm } from './holm.ts';

describe('Holm step-down (Holm 1979; lb.md §7.7)', () => {
  test('thresholds of the lb.md example: m = 20, α = 1e-3 gives 5.0e-5, 5.26e-5, 5.56e-5, …', () => {
    const tests = Array.from({ length: 20 }, (_, i) => ({ id: `s${i}`, pValue: (i + 1) * 1e-7 }));
    const d = holm(tests, 1e-3);
    expect(d[0]?.threshold).toBeCloseTo(5e-5, 15);
    expect(d[1]?.threshold).toBeCloseTo(1e-3 / 19, 15);
    expect(d[2]?.threshold).toBeCloseTo(1e-3 / 18, 15);
    expect(d.every((x) => x.reject)).toBe(true);
  });

  test('stops at the first p-value above its threshold; results in input order', () => {
    const d = holm(
      [
        { id: 'a', pValue: 0.01 },
        { id: 'b', pValue: 0.04 },
        { id: 'c', pValue: 0.03 },
        { id: 'd', pValue: 0.005 },
      ],
      0.05,
    );
    expect(d.map((x) => x.id)).toEqual(['a', 'b', 'c', 'd']);
    expect(d.map((x) => x.reject)).toEqual([true, false, false, true]);
    // Adjusted p-values: running max of (m - rank + 1) p.
    expect(d.map((x) => x.adjustedPValue)).toEqual([0.03, 0.06, 0.06, 0.02]);
  });

  test('exact-test results (p in {0, 1}) pass through: 0 always rejects, 1 never', () => {
    const d = holm(
      [
        { id: 'rr', pValue: 0 },
        { id: 'gof', pValue: 1 },
      ],
      1e-3,
    );
    expect(d.map((x) => x.reject)).toEqual([true, false]);
  });
});
