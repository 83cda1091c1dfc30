// LB-ELIGIBLE: NetworkPolicy applies after DNAT (networking/v1 NetworkPolicy; docs/design.md "Semantic profile"; docs/research/lb.md §5.2).
import { describe, expect, test } from 'vitest';
import {
  binomialSuccessTest,
  cycleSuccessTest,
  servedOutsideAllowed,
  stickySuccessTest,
} from './successChecks.ts';

const allowed = new Set(['lb/a']);

describe('LB-ELIGIBLE success tests', () => {
  test('binomial: 5 of 10 at rate 1/2 is typical; the two-sided exact p-value is 1', () => {
    const outcomes = [...Array(5).fill('lb/a'), ...Array(5).fill(null)];
    expect(binomialSuccessTest(outcomes, allowed, 0.5, 1e-3).pValue).toBeCloseTo(1, 12);
  });

  test('binomial: 0 of 10 at rate 1/2 has p = 2 * 0.5^10 (published exact binomial tail)', () => {
    const r = binomialSuccessTest(Array(10).fill(null), allowed, 0.5, 1e-3);
    expect(r.pValue).toBeCloseTo(2 / 1024, 12);
    expect(r.falseAlarm).toBe(1e-3);
  });

  test('binomial: an answer from a backend the policy refuses is impossible (p = 0)', () => {
    expect(binomialSuccessTest(['lb/a', 'lb/b', null], allowed, 0.5, 1e-3).pValue).toBe(0);
    expect(servedOutsideAllowed(['lb/a', 'lb/b', null, 'lb/b'], allowed)).toEqual(['lb/b']);
  });

  test('binomial at rate 0 is exact: any success rejects', () => {
    expect(binomialSuccessTest([null, null], new Set(), 0, 1e-3).pValue).toBe(1);
    expect(binomialSuccessTest([null, 'lb/a'], allowed, 0, 1e-3).pValue).toBe(0);
  });

  test('round-robin: one admitted of three repeats every third connection; a shifted pattern is a violation', () => {
    const good = ['lb/a', null, null, 'lb/a', null, null, 'lb/a'];
    expect(cycleSuccessTest(good, allowed, 3, 1).pValue).toBe(1);
    const bad = ['lb/a', null, 'lb/a', null, null, 'lb/a', null];
    const r = cycleSuccessTest(bad, allowed, 3, 1);
    expect(r.pValue).toBe(0);
    expect(r.statistic).toBeGreaterThan(0);
  });

  test('affinity: a window is all one admitted backend or all failures (recent --set happens in nat, before filter)', () => {
    expect(
      stickySuccessTest(
        [
          [null, null, null],
          ['lb/a', 'lb/a'],
        ],
        allowed,
      ).pValue,
    ).toBe(1);
    expect(stickySuccessTest([[null, 'lb/a']], allowed).pValue).toBe(0);
    expect(stickySuccessTest([['lb/b', 'lb/b']], allowed).pValue).toBe(0);
  });
});
