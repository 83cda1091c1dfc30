import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { reference } from './reference.test-helpers.ts';
import { roundRobinSamplesNeeded, roundRobinSequenceTest } from './roundRobinSequence.ts';

const E = ['a', 'b', 'c'];

describe('round-robin sequence test (docs/research/lb.md §7.5, ipvs rr: ip_vs_rr.c)', () => {
  test('an exact cycle passes in any order and phase', () => {
    for (const seq of ['abcabcabc', 'cabcabcab', 'bacbacbacb', 'acbacbacba']) {
      const r = roundRobinSequenceTest([...seq], E, 0);
      expect(r.reject).toBe(false);
      expect(r.statistic).toBe(0);
    }
  });

  test('lb-skew under rr (one endpoint weighted twice) breaks the cycle', () => {
    expect(roundRobinSequenceTest([...'aabcaabcaabc'], E, 0).reject).toBe(true);
    expect(roundRobinSequenceTest([...'abacabacabac'], E, 0).reject).toBe(true);
  });

  test('a skip (another client moved the pointer) is one violation, tolerated when allowed', () => {
    const r = roundRobinSequenceTest([...'abcacabcabc'], E, 0);
    expect(r.statistic).toBe(1);
    expect(r.reject).toBe(true);
    expect(roundRobinSequenceTest([...'abcacabcabc'], E, 1).reject).toBe(false);
  });

  test('a backend outside the eligible set, or a failed connection, is a violation', () => {
    expect(roundRobinSequenceTest([...'abcabxabc'], E, 0).reject).toBe(true);
    expect(roundRobinSequenceTest([...'ab'], E, 0).reject).toBe(false);
  });

  test('property: any order, phase and length of an exact cycle passes; one wrong backend after the first window fails', () => {
    fc.assert(
      fc.property(
        fc
          .integer({ min: 2, max: 6 })
          .chain((n) =>
            fc.tuple(
              fc.shuffledSubarray(['a', 'b', 'c', 'd', 'e', 'f'].slice(0, n), { minLength: n, maxLength: n }),
              fc.nat(n - 1),
              fc.integer({ min: n + 1, max: 40 }),
              fc.nat(),
            ),
          ),
        ([order, phase, k, where]) => {
          const n = order.length;
          const seq = Array.from({ length: k }, (_, i) => order[(i + phase) % n] as string);
          expect(roundRobinSequenceTest(seq, order, 0).reject).toBe(false);
          const i = n + (where % (k - n));
          const wrong = order.find((x) => x !== seq[i]) as string;
          const broken = seq.map((x, j) => (j === i ? wrong : x));
          expect(roundRobinSequenceTest(broken, order, 0).reject).toBe(true);
        },
      ),
      { numRuns: 300, seed: 5 },
    );
  });

  test('stated error rates: no false alarm under the model; a random balancer passes with N!/N^K', () => {
    const r = roundRobinSequenceTest([...'abcabcab'], E, 0);
    expect(r.errorRate.falseAlarm).toBe(0);
    expect(r.errorRate.miss).toBeCloseTo(6 / 3 ** 8, 15);
  });

  test('samples needed reproduce the docs/research/lb.md §7.5 table: K >= log(N!/α) / log N', () => {
    const table: Record<number, number[]> = {
      2: [11, 21, 31],
      3: [8, 15, 21],
      5: [8, 12, 16],
      10: [10, 13, 16],
    };
    for (const [n, row] of Object.entries(table)) {
      [1e-3, 1e-6, 1e-9].forEach((alpha, i) => {
        expect(roundRobinSamplesNeeded(Number(n), alpha)).toBe(row[i]);
      });
    }
  });

  test('issue 15 item 4: the stated miss rate is exact for v > 0 (N = 5, K = 7, v = 2: 0.21504, not 0.0384)', () => {
    const names = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const { endpoints, samples, maxViolations, pass } of reference.roundRobin) {
      const E = names.slice(0, endpoints);
      const r = roundRobinSequenceTest(
        E.slice(0, 1).concat(new Array(samples - 1).fill(E[0])),
        E,
        maxViolations,
      );
      expect(r.errorRate.miss as number, `N=${endpoints} K=${samples} v=${maxViolations}`).toBeCloseTo(
        pass,
        14,
      );
    }
  });

  test('the miss rate equals the share of all N^K sequences the test lets through (enumeration in TypeScript)', () => {
    const names = ['a', 'b', 'c', 'd'];
    for (const [n, k, v] of [
      [2, 6, 1],
      [3, 7, 2],
      [4, 6, 1],
      [3, 4, 0],
      [4, 3, 1],
    ] as const) {
      const E = names.slice(0, n);
      let passed = 0;
      const seq = new Array<string>(k);
      for (let code = 0; code < n ** k; code++) {
        for (let i = 0, x = code; i < k; i++, x = Math.floor(x / n)) seq[i] = E[x % n] as string;
        if (!roundRobinSequenceTest(seq, E, v).reject) passed++;
      }
      expect(roundRobinSequenceTest(seq, E, v).errorRate.miss as number).toBeCloseTo(passed / n ** k, 14);
    }
  });

  test('samples needed with tolerated violations: the smallest K whose exact miss rate is <= α', () => {
    for (const v of [1, 2, 3]) {
      const k = roundRobinSamplesNeeded(3, 1e-3, v);
      const seqOf = (len: number) => Array.from({ length: len }, (_, i) => 'abc'[i % 3] as string);
      expect(
        roundRobinSequenceTest(seqOf(k), ['a', 'b', 'c'], v).errorRate.miss as number,
      ).toBeLessThanOrEqual(1e-3);
      expect(
        roundRobinSequenceTest(seqOf(k - 1), ['a', 'b', 'c'], v).errorRate.miss as number,
      ).toBeGreaterThan(1e-3);
    }
  });
});
