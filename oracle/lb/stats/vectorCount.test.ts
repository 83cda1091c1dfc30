import { describe, expect, test } from 'vitest';
import { reference } from './reference.test-helpers.ts';
import { compositionCountUpTo, partitionCountUpTo } from './vectorCount.ts';

describe('count vectors an enumeration would visit (issue 15, item 1)', () => {
  test('partitions of K into at most N parts equal the exact counts of reference.json, or say "more"', () => {
    for (const { samples, endpoints, partitions } of reference.partitionCounts) {
      const limit = 200_000;
      const counted = partitionCountUpTo(samples, endpoints, limit);
      if (partitions <= limit) expect(counted).toBe(partitions);
      else expect(counted).toBe(limit + 1);
      // With a limit above the count, the count itself.
      if (partitions < 1e15) expect(partitionCountUpTo(samples, endpoints, partitions)).toBe(partitions);
    }
  });

  test('compositions C(K + N - 1, N - 1), exactly, capped at limit + 1', () => {
    expect(compositionCountUpTo(10, 2, 1e6)).toBe(11);
    expect(compositionCountUpTo(40, 3, 1e6)).toBe(861);
    expect(compositionCountUpTo(20, 6, 1e9)).toBe(53130); // C(25, 5)
    expect(compositionCountUpTo(20, 6, 53130)).toBe(53130);
    expect(compositionCountUpTo(20, 6, 53129)).toBe(53130);
    expect(compositionCountUpTo(100, 20, 200_000)).toBe(200_001);
    expect(compositionCountUpTo(5, 1000, 200_000)).toBe(200_001); // C(1004, 999) ≈ 8.5e12
    expect(compositionCountUpTo(0, 7, 10)).toBe(1);
  });

  test('refuses nonsense', () => {
    expect(() => partitionCountUpTo(-1, 3, 10)).toThrow(RangeError);
    expect(() => partitionCountUpTo(3, 0, 10)).toThrow(RangeError);
    expect(() => compositionCountUpTo(2.5, 3, 10)).toThrow(RangeError);
  });
});
