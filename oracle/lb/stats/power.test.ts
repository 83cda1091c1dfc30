import { describe, expect, test } from 'vitest';
import { chiSquareSampleSize, cohenW, oneEndpointSkew } from './power.ts';

describe('power and sample size (docs/research/lb.md §7.3, noncentral chi-square)', () => {
  test('one endpoint at 2x share over 3 is (0.5, 0.25, 0.25); ratio 0 starves it', () => {
    expect(oneEndpointSkew(3, 2)).toEqual([0.5, 0.25, 0.25]);
    expect(oneEndpointSkew(3, 0)).toEqual([0, 0.5, 0.5]);
  });

  test('Cohen w: the closed form r / sqrt(N - 1) for a relative excess r', () => {
    expect(cohenW([0.4, 0.3, 0.3], [1 / 3, 1 / 3, 1 / 3])).toBeCloseTo(0.2 / Math.sqrt(2), 12);
  });

  test('worked K of the docs/research/lb.md §7.3 table at power 0.9 (±1 for rounding of λ*)', () => {
    const rows: [number[], number[]][] = [
      [
        [0.6, 0.4],
        [263, 523, 669],
      ],
      [
        [0.4, 0.3, 0.3],
        [633, 1191, 1496],
      ],
      [
        [0.5, 0.25, 0.25],
        [102, 191, 240],
      ],
      [
        [0.5, 0.5, 0],
        [26, 48, 60],
      ],
      [
        [0.31, 0.23, 0.23, 0.23],
        [739, 1351, 1680],
      ],
      [oneEndpointSkew(5, 0.5), [312, 561, 693]],
      [oneEndpointSkew(10, 2), [267, 459, 557]],
    ];
    for (const [alt, ks] of rows) {
      [0.05, 1e-3, 1e-4].forEach((alpha, i) => {
        expect(
          Math.abs(chiSquareSampleSize(alt, alpha, 0.9).samples - (ks[i] as number)),
        ).toBeLessThanOrEqual(1);
      });
    }
  });

  test('nothing to size for one endpoint; an alternative equal to the null is an error (issue 15 item 7)', () => {
    expect(chiSquareSampleSize([1], 1e-3, 0.9).samples).toBe(0);
    expect(() => chiSquareSampleSize([0.5, 0.5], 1e-3, 0.9)).toThrow(/equals the uniform null/);
  });
});
