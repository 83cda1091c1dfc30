import { logFactorial } from './lgamma.ts';

/** A statistic of a count vector that does not depend on the order of the counts when p is uniform. */
export type CountStatistic = (counts: readonly number[]) => number;

interface NullDistribution {
  /** Distinct statistic values, ascending. */
  readonly values: Float64Array;
  /** tail[i] = P(statistic >= values[i]) under Multinomial(K, uniform). */
  readonly tail: Float64Array;
}

const CACHE_SIZE = 16;
const cache = new Map<string, NullDistribution>();

/** Ties in floating point: a vector whose statistic equals the observed one counts as "as extreme". */
function tieFloor(observed: number): number {
  return observed - 1e-9 * Math.max(1, Math.abs(observed));
}

/**
 * Exact upper-tail probability P(stat >= observed) under Multinomial(K, shares), by enumerating count
 * vectors: partitions when the shares are uniform (the statistic is symmetric; the null distribution is
 * built once per (statistic, K, N) and cached), every composition otherwise. Returns undefined when more
 * than `limit` vectors would be needed.
 */
export function exactMultinomialTail(
  samples: number,
  shares: readonly number[],
  statistic: CountStatistic,
  statisticName: string,
  observed: number,
  limit: number,
): number | undefined {
  const n = shares.length;
  if (isUniform(shares)) {
    const dist = uniformNullDistribution(samples, n, statistic, statisticName, limit);
    return dist === undefined ? undefined : tailAt(dist, observed);
  }
  if (compositionCount(samples, n) > limit) return undefined;
  const threshold = tieFloor(observed);
  let tail = 0;
  forEachComposition(samples, shares, (counts, logP) => {
    if (statistic(counts) >= threshold) tail += Math.exp(logP);
  });
  return Math.min(1, tail);
}

/** The cached null distribution of `statistic` for K draws over N equally likely endpoints. */
export function uniformNullDistribution(
  samples: number,
  n: number,
  statistic: CountStatistic,
  statisticName: string,
  limit: number,
): NullDistribution | undefined {
  const key = `${statisticName}|${samples}|${n}`;
  const hit = cache.get(key);
  if (hit) return hit;
  if (partitionCountBound(samples, n) > limit) return undefined;
  const stats: number[] = [];
  const probs: number[] = [];
  const logK = logFactorial(samples);
  const logN = Math.log(n);
  const counts = new Array<number>(n).fill(0);
  // Non-increasing parts: counts[0] >= counts[1] >= ... >= counts[n-1].
  const walk = (i: number, left: number, max: number) => {
    if (i === n - 1) {
      if (left > max) return;
      counts[i] = left;
      stats.push(statistic(counts));
      probs.push(Math.exp(logProbabilityOfPartition(counts, logK, logN, samples, n)));
      return;
    }
    for (let c = Math.min(left, max); c * (n - i) >= left; c--) {
      counts[i] = c;
      walk(i + 1, left - c, c);
    }
  };
  walk(0, samples, samples);
  const order = stats.map((_, i) => i).sort((a, b) => (stats[a] as number) - (stats[b] as number));
  const values = new Float64Array(order.length);
  const tail = new Float64Array(order.length);
  let acc = 0;
  for (let j = order.length - 1; j >= 0; j--) {
    const i = order[j] as number;
    acc += probs[i] as number;
    values[j] = stats[i] as number;
    tail[j] = Math.min(1, acc);
  }
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  const dist = { values, tail };
  cache.set(key, dist);
  return dist;
}

/** P(stat >= observed) from a null distribution, by binary search for the first value >= observed. */
export function tailAt(dist: NullDistribution, observed: number): number {
  const threshold = tieFloor(observed);
  let lo = 0;
  let hi = dist.values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((dist.values[mid] as number) >= threshold) hi = mid;
    else lo = mid + 1;
  }
  return lo < dist.tail.length ? (dist.tail[lo] as number) : 0;
}

/** Calls `visit(counts, log P(counts))` for every composition of K into N parts under Multinomial(K, shares). */
export function forEachComposition(
  samples: number,
  shares: readonly number[],
  visit: (counts: readonly number[], logP: number) => void,
): void {
  const n = shares.length;
  const logK = logFactorial(samples);
  const logShares = shares.map((p) => Math.log(p));
  const counts = new Array<number>(n).fill(0);
  const term = (i: number, c: number) => -logFactorial(c) + (c === 0 ? 0 : c * (logShares[i] as number));
  const walk = (i: number, left: number, logP: number) => {
    if (i === n - 1) {
      counts[i] = left;
      visit(counts, logK + logP + term(i, left));
      return;
    }
    for (let c = 0; c <= left; c++) {
      counts[i] = c;
      walk(i + 1, left - c, logP + term(i, c));
    }
  };
  walk(0, samples, 0);
}

export function isUniform(shares: readonly number[]): boolean {
  return shares.every((p) => Math.abs(p - 1 / shares.length) < 1e-12);
}

/** log P(counts in any order) under Multinomial(K, 1/n): one arrangement times the distinct permutations. */
function logProbabilityOfPartition(
  counts: readonly number[],
  logK: number,
  logN: number,
  samples: number,
  n: number,
): number {
  let logP = logK - samples * logN;
  for (const c of counts) logP -= logFactorial(c);
  let arrangements = logFactorial(n);
  let run = 1;
  for (let i = 1; i <= n; i++) {
    if (i < n && counts[i] === counts[i - 1]) run++;
    else {
      arrangements -= logFactorial(run);
      run = 1;
    }
  }
  return logP + arrangements;
}

/** C(K + n - 1, n - 1): the number of count vectors. */
export function compositionCount(samples: number, n: number): number {
  let c = 1;
  for (let i = 1; i < n; i++) c = (c * (samples + i)) / i;
  return c;
}

/** Compositions divided by n!, plus slack: about the number of partitions into at most n parts. */
function partitionCountBound(samples: number, n: number): number {
  let f = 1;
  for (let i = 2; i <= n; i++) f *= i;
  return compositionCount(samples, n) / f + samples + 1;
}
