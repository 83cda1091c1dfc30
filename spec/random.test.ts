import { describe, expect, test } from 'vitest';
import { mulberry32, seededSample } from './random.ts';

describe('seeded randomness', () => {
  test('the same seed gives the same stream; another seed another one', () => {
    const a = mulberry32(7);
    const b = mulberry32(7);
    const c = mulberry32(8);
    const xs = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(xs);
    expect([c(), c(), c()]).not.toEqual(xs);
    for (const x of xs) expect(x >= 0 && x < 1).toBe(true);
  });

  test('a sample has k distinct items in input order, and depends on the seed only', () => {
    const items = Array.from({ length: 50 }, (_, i) => i);
    const s = seededSample(items, 10, 3);
    expect(s).toHaveLength(10);
    expect(new Set(s).size).toBe(10);
    expect([...s].sort((x, y) => x - y)).toEqual(s);
    expect(seededSample(items, 10, 3)).toEqual(s);
    expect(seededSample(items, 10, 4)).not.toEqual(s);
    expect(seededSample(items, 99, 1)).toEqual(items);
  });
});
