import { describe, expect, test } from 'vitest';
import { affinityConstancyTest, affinitySamplesNeeded } from './affinityConstancy.ts';

const E = ['a', 'b', 'c'];

describe('affinity test (docs/research/lb.md §7.6; upstream e2e checkAffinity needs 15 identical in a row)', () => {
  test('constant windows pass, even on different endpoints', () => {
    const r = affinityConstancyTest([[...'aaaaaaaa'], [...'cccccccc']], E);
    expect(r.reject).toBe(false);
    expect(r.statistic).toBe(0);
    expect(r.samples).toBe(16);
  });

  test('one switch inside a window rejects (affinity-ignored)', () => {
    const r = affinityConstancyTest([[...'aaaaaaaa'], [...'cccbcccc']], E);
    expect(r.reject).toBe(true);
    expect(r.statistic).toBe(1);
  });

  test('a sticky backend outside the eligible set rejects', () => {
    expect(affinityConstancyTest([[...'xxxx']], E).reject).toBe(true);
  });

  test('stated miss rate Π N^(1-K_w): the e2e 15-in-a-row over 3 endpoints is 3^-14', () => {
    const r = affinityConstancyTest([new Array(15).fill('a')], E);
    expect(r.errorRate.miss).toBeCloseTo(3 ** -14, 18);
    expect(r.errorRate.falseAlarm).toBe(0);
  });

  test('samples needed reproduce docs/research/lb.md §7.6: 1 + ceil(log(1/α)/log N)', () => {
    const table: Record<number, number[]> = { 2: [11, 21, 31], 3: [8, 14, 20], 5: [6, 10, 14] };
    for (const [n, row] of Object.entries(table)) {
      [1e-3, 1e-6, 1e-9].forEach((alpha, i) => {
        expect(affinitySamplesNeeded(Number(n), alpha)).toBe(row[i]);
      });
    }
    expect(affinitySamplesNeeded(1, 1e-3)).toBe(Number.POSITIVE_INFINITY);
  });
});
