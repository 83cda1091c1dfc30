import { describe, expect, test } from 'vitest';
import { holm } from './holm.ts';
import { reference } from './reference.test-helpers.ts';

describe('Holm step-down (Holm 1979; docs/research/lb.md §7.7)', () => {
  test('thresholds of the docs/research/lb.md example: m = 20, α = 1e-3 gives 5.0e-5, 5.26e-5, 5.56e-5, …', () => {
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
    // Adjusted p-values: running max of (m - rank + 1) p, rounded up (3 · 0.01 is a hair above 0.03).
    const adjusted = d.map((x) => x.adjustedPValue);
    [0.03, 0.06, 0.06, 0.02].forEach((v, i) => {
      expect(adjusted[i]).toBeGreaterThanOrEqual(v);
      expect(adjusted[i]).toBeCloseTo(v, 15);
    });
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

  test('issue 15 item 7: a NaN or out-of-range p-value is an error, not a rejection that depends on order', () => {
    const nan = { id: 'nan', pValue: Number.NaN };
    const small = { id: 'small', pValue: 1e-4 };
    expect(() => holm([nan, small], 0.05)).toThrow(/"nan".*\[0, 1\]/);
    expect(() => holm([small, nan], 0.05)).toThrow(RangeError);
    expect(() => holm([{ id: 'big', pValue: 1.5 }], 0.05)).toThrow(RangeError);
  });

  test('issue 15 item 7: on the threshold, reject, adjustedPValue <= α and pValue <= threshold agree (exact k·p <= α)', () => {
    for (const { familyAlpha, m, p, reject } of reference.holmTies) {
      const tests = [
        { id: 'tie', pValue: p },
        ...Array.from({ length: m - 1 }, (_, i) => ({ id: `one${i}`, pValue: 1 })),
      ];
      const d = holm(tests, familyAlpha)[0];
      expect(d?.reject, `α=${familyAlpha} m=${m}`).toBe(reject);
      expect((d?.adjustedPValue as number) <= familyAlpha).toBe(reject);
      expect(p <= (d?.threshold as number)).toBe(reject);
    }
  });

  test('the outcome does not depend on input order (ties on p broken by position)', () => {
    const tests = [0.01, 0.02, 0.01, 0.04, 0.03].map((pValue, i) => ({ id: `t${i}`, pValue }));
    const forward = holm(tests, 0.05);
    const backward = holm([...tests].reverse(), 0.05).reverse();
    expect(backward.map((x) => [x.id, x.reject, x.adjustedPValue])).toEqual(
      forward.map((x) => [x.id, x.reject, x.adjustedPValue]),
    );
  });
});
