import { describe, expect, test } from 'vitest';
import { SequentialUniformityTest } from './sequentialUniformity.ts';

const third = [1 / 3, 1 / 3, 1 / 3];

describe('anytime-valid sequential Bayes-factor test (docs/research/lb.md §7.8)', () => {
  test('the running log BF equals the closed form n log N + log Γ(N) + Σ log Γ(O_i+1) - log Γ(n+N)', () => {
    const t = new SequentialUniformityTest(third, 1e-3, 1000);
    const seq = [0, 1, 0, 2, 0, 0, 1, 0, 0, 2, 0];
    const counts = [0, 0, 0];
    for (const s of seq) {
      t.add(s);
      counts[s] = (counts[s] as number) + 1;
      expect(t.result().statistic).toBeCloseTo(SequentialUniformityTest.logBayesFactor(counts, third), 12);
    }
  });

  test('stops as soon as BF >= 1/α: all traffic on one of 3 endpoints stops at n = 11', () => {
    // BF_n = 2·3^n / ((n+1)(n+2)): 1/α = 1000 is first reached at n = 11.
    const t = new SequentialUniformityTest(third, 1e-3, 1000);
    while (!t.add(0)) {
      // the same endpoint every time
    }
    const r = t.result();
    expect(r.samples).toBe(11);
    expect(r.reject).toBe(true);
    expect(r.pValue).toBeCloseTo((12 * 13) / (2 * 3 ** 11), 12);
    expect(r.test).toBe('sequential-bayes-factor');
  });

  test('stops at the cap without rejecting on an even cycle', () => {
    const t = new SequentialUniformityTest(third, 1e-3, 90);
    let i = 0;
    while (!t.add(i++ % 3)) {
      // feed an even cycle
    }
    const r = t.result();
    expect(r.samples).toBe(90);
    expect(r.reject).toBe(false);
    expect(r.errorRate.falseAlarm).toBe(1e-3);
  });

  test('rejects bad input', () => {
    expect(() => new SequentialUniformityTest([0.5, 0.5, 0], 1e-3, 10)).toThrow(RangeError);
    expect(() => new SequentialUniformityTest(third, 0, 10)).toThrow(RangeError);
    expect(() => new SequentialUniformityTest(third, 1e-3, 10).add(3)).toThrow(RangeError);
  });

  test('issue 15 item 7: shares that do not sum to 1, or no sample budget, are errors', () => {
    // Ville's bound needs BF to be a martingale under the prediction, which (0.5, 0.5, 0.5) is not.
    expect(() => new SequentialUniformityTest([0.5, 0.5, 0.5], 1e-3, 10)).toThrow(/sum to 1/);
    expect(() => new SequentialUniformityTest([0.2, 0.2], 1e-3, 10)).toThrow(/sum to 1/);
    expect(() => new SequentialUniformityTest(third, 1e-3, 0)).toThrow(/maxSamples/);
    expect(() => new SequentialUniformityTest(third, 1e-3, 2.5)).toThrow(/maxSamples/);
    const t = new SequentialUniformityTest(third, 1e-3, 1);
    expect(t.add(0)).toBe(true);
    expect(() => t.add(1)).toThrow(/already used/);
  });
});
