/**
 * How many count vectors an exact enumeration would visit, counted exactly (not estimated) and only as
 * far as needed: each function returns the count when it is at most `limit`, else `limit + 1`. Issue 15
 * item 1: the old estimate compositions/N! undercounted partitions unless K ≫ N and overflowed for N >= 171,
 * so enumeration started on spaces of 1e8 vectors and more.
 */

function checkArguments(samples: number, n: number, limit: number): void {
  if (!Number.isInteger(samples) || samples < 0)
    throw new RangeError(`samples must be a non-negative integer, got ${samples}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`n must be a positive integer, got ${n}`);
  if (!Number.isInteger(limit) || limit < 0)
    throw new RangeError(`limit must be a non-negative integer, got ${limit}`);
}

/** C(K + n - 1, n - 1), the number of compositions of K into n ordered parts, capped at limit + 1. */
export function compositionCountUpTo(samples: number, n: number, limit: number): number {
  checkArguments(samples, n, limit);
  const cap = BigInt(limit) + 1n;
  // C(K + i, i) for i = 1 … n - 1, each exact (the running product is divisible by i); it only grows.
  let c = 1n;
  for (let i = 1; i < n; i++) {
    c = (c * BigInt(samples + i)) / BigInt(i);
    if (c >= cap) return limit + 1;
  }
  return Number(c);
}

/**
 * The number of partitions of K into at most n parts (count vectors up to order), capped at limit + 1.
 * Counts p(k, m) = p(k, m - 1) + p(k - m, m) row by row over m (parts of size at most m, the conjugate
 * view) and stops at the first row whose p(K, m) passes the limit: p(K, m) only grows with m.
 */
export function partitionCountUpTo(samples: number, n: number, limit: number): number {
  checkArguments(samples, n, limit);
  const cap = limit + 1;
  const rows = Math.min(n, samples);
  if (rows === 0) return 1;
  // p(k, 1) = 1 for every k.
  const p = new Float64Array(samples + 1).fill(1);
  for (let m = 2; m <= rows; m++) {
    for (let k = m; k <= samples; k++) {
      const v = (p[k] as number) + (p[k - m] as number);
      p[k] = Math.min(v, cap);
    }
    if ((p[samples] as number) >= cap) return cap;
  }
  return Math.min(cap, p[samples] as number);
}
