// The SciPy/mpmath reference values (reference/compute.py → reference/reference.json), typed for tests.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Reference {
  readonly versions: Readonly<Record<string, string>>;
  readonly incompleteGamma: readonly { a: number; x: number; P: number; Q: number }[];
  readonly chiSquare: {
    readonly survival: readonly { df: number; x: number; sf: number }[];
    readonly upperQuantile: readonly { df: number; alpha: number; x: number }[];
  };
  readonly binomialTails: readonly { n: number; p: number; x: number; cdf: number; upper: number }[];
  readonly binomialUpperLimit: readonly { n: number; p: number; level: number; limit: number }[];
  readonly williamsG: { counts: number[]; gWilliams: number };
  readonly exactTails: readonly {
    counts: number[];
    shares: number[];
    statistic: 'pearson' | 'g';
    observed: number;
    pValue: number;
    chiSquareTail: number;
  }[];
  readonly partitionCounts: readonly { samples: number; endpoints: number; partitions: number }[];
  readonly pearsonNull: readonly {
    endpoints: number;
    samples: number;
    critical: readonly { alpha: number; x: number; exactTail: number; ratio: number }[];
    /** [x, P(X² >= x)] at every distinct value of X² in a window around the critical points. */
    tail: readonly [number, number][];
  }[];
  readonly roundRobin: readonly { endpoints: number; samples: number; maxViolations: number; pass: number }[];
  readonly planner: {
    alternative: number[];
    alpha: number;
    power: readonly [number, number][];
    smallestStaying: number;
    through: number;
  };
  readonly holmTies: readonly { familyAlpha: number; m: number; p: number; reject: boolean }[];
}

export const reference: Reference = JSON.parse(
  readFileSync(join(import.meta.dirname, 'reference', 'reference.json'), 'utf8'),
);

/** The exact tail P(X² >= x) from a `pearsonNull` grid: the entry at the smallest grid value >= x. */
export function exactPearsonTail(grid: readonly [number, number][], x: number): number {
  const threshold = x - 1e-9 * Math.max(1, Math.abs(x));
  const first = grid[0] as [number, number];
  const last = grid[grid.length - 1] as [number, number];
  if (x < first[0] * (1 - 1e-9) || threshold > last[0]) {
    throw new RangeError(`x = ${x} lies outside the reference grid [${first[0]}, ${last[0]}]`);
  }
  for (const [value, tail] of grid) if (value >= threshold) return tail;
  throw new RangeError('unreachable');
}
