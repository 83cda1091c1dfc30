import { describe, expect, test } from 'vitest';
import { coverageSamplesNeeded, coverageTest } from './coverage.ts';

const E = ['a', 'b', 'c'];

describe('coverage (docs/research/lb.md §7.4; upstream e2e verifyServeHostnameServiceUp is a set-coverage check)', () => {
  test('every endpoint seen passes with p = 1', () => {
    const r = coverageTest([...'abcab'], E, 'uniform', 1e-3);
    expect(r.reject).toBe(false);
    expect(r.pValue).toBe(1);
  });

  test('an endpoint unseen after K uniform draws: p = C(N,u)(1-u/N)^K', () => {
    const seen = new Array(20).fill('a').map((x, i) => (i % 2 ? x : 'b'));
    const r = coverageTest(seen, E, 'uniform', 1e-3);
    expect(r.statistic).toBe(1);
    expect(r.pValue).toBeCloseTo(3 * (2 / 3) ** 20, 14);
    expect(r.reject).toBe(true);
  });

  test('too few draws: an unseen endpoint is no evidence', () => {
    expect(coverageTest([...'ab'], E, 'uniform', 1e-3).reject).toBe(false);
  });

  test('round-robin: after N sequential connections an unseen endpoint is impossible', () => {
    expect(coverageTest([...'abab'], E, 'cycle', 1e-3).pValue).toBe(0);
    expect(coverageTest([...'ab'], E, 'cycle', 1e-3).pValue).toBe(1);
  });

  test('issue 15 item 7: no observations is no evidence (p = 1), not NaN', () => {
    const r = coverageTest([], E, 'uniform', 1e-3);
    expect(r.pValue).toBe(1);
    expect(r.reject).toBe(false);
    expect(coverageTest([], E, 'cycle', 1e-3).pValue).toBe(1);
  });

  test('a backend outside the eligible set rejects (support)', () => {
    expect(coverageTest([...'abcx'], E, 'uniform', 1e-3).pValue).toBe(0);
  });

  test('samples needed reproduce the docs/research/lb.md §7.4 table', () => {
    const table: Record<number, number[]> = {
      2: [11, 21, 31],
      3: [20, 37, 54],
      5: [39, 70, 101],
      10: [88, 153, 219],
      20: [194, 328, 463],
      50: [536, 878, 1220],
    };
    for (const [n, row] of Object.entries(table)) {
      [1e-3, 1e-6, 1e-9].forEach((beta, i) => {
        expect(coverageSamplesNeeded(Number(n), beta)).toBe(row[i]);
      });
    }
  });
});
