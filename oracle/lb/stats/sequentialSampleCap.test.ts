import { describe, expect, test } from 'vitest';
import { oneEndpointSkew } from './power.ts';
import { sequentialSampleCap } from './sequentialSampleCap.ts';

describe('sequential test cap for a target power', () => {
  test('a starved endpoint over 3 is found within a few dozen connections (docs/research/lb.md §7.8: median 27)', () => {
    const r = sequentialSampleCap(oneEndpointSkew(3, 0), 1e-3, 0.9, 3000, 2000, 1);
    expect(r.medianStop).toBeGreaterThan(15);
    expect(r.medianStop).toBeLessThan(40);
    expect(r.cap).toBeGreaterThanOrEqual(r.medianStop);
  });

  test('(0.5, 0.25, 0.25): median stop near the 168 that docs/research/lb.md §7.8 simulated', () => {
    const r = sequentialSampleCap(oneEndpointSkew(3, 2), 1e-3, 0.9, 3000, 2000, 2);
    expect(r.medianStop).toBeGreaterThan(140);
    expect(r.medianStop).toBeLessThan(195);
  });

  test('an alternative it cannot reach by the hard cap returns the hard cap', () => {
    expect(sequentialSampleCap([0.34, 0.33, 0.33], 1e-3, 0.9, 200, 200, 3).cap).toBe(200);
  });
});
