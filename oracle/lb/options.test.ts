import { describe, expect, test } from 'vitest';
import { DEFAULT_LB_OPTIONS, lbOptions } from './options.ts';

describe('LB options', () => {
  test('defaults: family α 1e-3 (issue 8), power 0.9, one endpoint at 2x share', () => {
    expect(lbOptions()).toEqual(DEFAULT_LB_OPTIONS);
    expect(DEFAULT_LB_OPTIONS.familyAlpha).toBe(1e-3);
    expect(DEFAULT_LB_OPTIONS.power).toBe(0.9);
    expect(DEFAULT_LB_OPTIONS.effectRatio).toBe(2);
  });

  test('overrides apply and nonsense is refused', () => {
    expect(lbOptions({ familyAlpha: 0.01 }).familyAlpha).toBe(0.01);
    expect(() => lbOptions({ familyAlpha: 0 })).toThrow(RangeError);
    expect(() => lbOptions({ power: 1 })).toThrow(RangeError);
    expect(() => lbOptions({ effectRatio: 1 })).toThrow(RangeError);
    expect(() => lbOptions({ maxSamples: 2.5 })).toThrow(RangeError);
  });
});
