import { describe, expect, test } from 'vitest';
import { DEFAULT_LB_OPTIONS } from './options.ts';
import { formatSamplePlan, planSamples } from './samplePlan.ts';

describe('sample plan', () => {
  test('3 endpoints, one test in the run: the issue 8 figures (K = 198 since issue 15 item 8)', () => {
    const plan = planSamples(3, 1, DEFAULT_LB_OPTIONS);
    expect(plan.alphaPerTest).toBe(1e-3);
    expect(plan.goodnessOfFit.samples).toBe(198);
    expect(plan.coverage).toBe(20); // docs/research/lb.md §7.4
    expect(plan.roundRobin).toBe(8); // docs/research/lb.md §7.5
    expect(plan.affinityPerWindow).toBe(8); // docs/research/lb.md §7.6
    expect(plan.sequential.cap).toBeGreaterThan(plan.sequential.medianStop);
    const text = formatSamplePlan(plan, DEFAULT_LB_OPTIONS).join('\n');
    expect(text).toMatch(/198 new connections/);
    expect(text).toMatch(/exact power of the exact multinomial test, at least the target through K=2\d\d/);
    expect(text).toMatch(/K=191/);
  });

  test('more tests in the run shrink α per test (Holm worst case) and grow K', () => {
    const one = planSamples(2, 1, DEFAULT_LB_OPTIONS);
    const ten = planSamples(2, 10, DEFAULT_LB_OPTIONS);
    expect(ten.alphaPerTest).toBeCloseTo(1e-4, 15);
    expect(ten.goodnessOfFit.samples).toBeGreaterThan(one.goodnessOfFit.samples);
  });

  test('round-robin with tolerated violations needs more connections (exact miss rate, issue 15 item 4)', () => {
    const strict = planSamples(3, 1, DEFAULT_LB_OPTIONS).roundRobin;
    const tolerant = planSamples(3, 1, { ...DEFAULT_LB_OPTIONS, roundRobinMaxViolations: 2 }).roundRobin;
    expect(strict).toBe(8);
    expect(tolerant).toBe(13);
  });

  test('one endpoint: nothing to test statistically', () => {
    const plan = planSamples(1, 1, DEFAULT_LB_OPTIONS);
    expect(plan.goodnessOfFit.samples).toBe(0);
    expect(plan.affinityPerWindow).toBe(Number.POSITIVE_INFINITY);
    expect(formatSamplePlan(plan, DEFAULT_LB_OPTIONS)).toEqual([
      'LB sample plan for 1 endpoint(s): nothing to test statistically; every connection must reach the one endpoint (exact)',
    ]);
  });
});
