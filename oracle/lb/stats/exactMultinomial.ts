import { logFactorial } from './lgamma.ts';
import { compositionCountUpTo, partitionCountUpTo } from './vectorCount.ts';

/**
 * A statistic that adds one term per category, Σ_i term(i, O_i) (Pearson's X², the G statistic). Adding
 * the terms while walking count vectors costs O(1) per vector instead of O(N).
 */
export interface AdditiveStatistic {
  /** Names the statistic and everything its terms depend on besides K and N (part of cache keys). */
  readonly key: string;
  /** The term of category `category` holding `count` observations. */
  readonly term: (category: number, count: number) => number;
}

export interface NullDistribution {
  /** Distinct statistic values, ascending. */
  readonly values: Float64Array;
  /** tail[i] = P(statistic >= values[i]) under Multinomial(K, uniform). */
  readonly tail: Float64Array;
}

const CACHE_SIZE = 16;
const cache = new Map<string, NullDistribution>();

/** Ties in floating point: a vector whose statistic equals the observed one counts as "as extreme". */
export function tieFloor(observed: number): number {
  return observed - 1e-9 * Math.max(1, Math.abs(observed));
}

/**
 * Exact upper-tail probability P(stat >= observed) under Multinomial(K, shares), or undefined when more
 * than `limit` count vectors would be needed (`nullDistribution`).
 */
export function exactMultinomialTail(
  samples: number,
  shares: readonly number[],
  statistic: AdditiveStatistic,
  observed: number,
  limit: number,
): number | undefined {
  const dist = nullDistribution(samples, shares, statistic, limit);
  return dist === undefined ? undefined : tailAt(dist, observed);
}

/**
 * The exact null distribution of `statistic` under Multinomial(K, shares), by enumerating count vectors:
 * partitions of K into at most N parts when the shares are uniform (the statistic is symmetric), every
 * composition otherwise. Built once per (statistic, K, N) and cached; undefined when more than `limit`
 * vectors would be needed (counted exactly, `vectorCount.ts`).
 */
export function nullDistribution(
  samples: number,
  shares: readonly number[],
  statistic: AdditiveStatistic,
  limit: number,
): NullDistribution | undefined {
  const n = shares.length;
  const uniform = isUniform(shares);
  // Counted before the cache is read, so that the limit decides the same way whatever ran before.
  const count = uniform ? partitionCountUpTo(samples, n, limit) : compositionCountUpTo(samples, n, limit);
  if (count > limit) return undefined;
  const key = `${statistic.key}|${samples}|${n}`;
  const hit = cache.get(key);
  if (hit) return hit;
  const stats = new Float64Array(count);
  const probs = new Float64Array(count);
  let found = 0;
  const record = (stat: number, logP: number) => {
    stats[found] = stat;
    probs[found] = Math.exp(logP);
    found++;
  };
  if (uniform) walkPartitions(samples, n, statistic, record);
  else walkCompositions(samples, shares, statistic, record);
  if (found !== count) throw new Error(`enumeration visited ${found} vectors, expected ${count}`);
  const dist = tailsOf(stats, probs);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value as string);
  cache.set(key, dist);
  return dist;
}

/**
 * Distinct statistic values in ascending order with P(statistic >= value): a native numeric sort of the
 * values, then each vector's probability added to its value's slot found by binary search (no sort with
 * a comparator, which costs several times more at 1e5 vectors).
 */
function tailsOf(stats: Float64Array, probs: Float64Array): NullDistribution {
  const sorted = Float64Array.from(stats).sort();
  let distinct = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (i === 0 || (sorted[i] as number) !== (sorted[distinct - 1] as number))
      sorted[distinct++] = sorted[i] as number;
  }
  const values = sorted.slice(0, distinct);
  const mass = new Float64Array(distinct);
  for (let i = 0; i < stats.length; i++) {
    const x = stats[i] as number;
    let lo = 0;
    let hi = distinct - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((values[mid] as number) < x) lo = mid + 1;
      else hi = mid;
    }
    mass[lo] = (mass[lo] as number) + (probs[i] as number);
  }
  const tail = new Float64Array(distinct);
  let acc = 0;
  for (let j = distinct - 1; j >= 0; j--) {
    acc += mass[j] as number;
    tail[j] = Math.min(1, acc);
  }
  return { values, tail };
}

/**
 * Calls `visit(stat, log P)` once per partition of K into at most N parts, P being the probability of the
 * partition in any order under Multinomial(K, 1/N): one arrangement times N!/Π(run lengths)!.
 */
function walkPartitions(
  samples: number,
  n: number,
  statistic: AdditiveStatistic,
  visit: (stat: number, logP: number) => void,
): void {
  const term = new Float64Array(samples + 1);
  const logFact = new Float64Array(Math.max(samples, n) + 1);
  for (let c = 0; c < logFact.length; c++) logFact[c] = logFactorial(c);
  for (let c = 0; c <= samples; c++) term[c] = statistic.term(0, c);
  const zeroTerm = term[0] as number;
  const logRun = Float64Array.from({ length: n + 1 }, (_, r) => (r > 0 ? Math.log(r) : 0));
  // Parts in non-increasing order; `run` counts the parts equal to the last one placed.
  const walk = (i: number, left: number, max: number, stat: number, logP: number, run: number) => {
    if (left === 0) {
      const zeros = n - i;
      visit(stat + zeros * zeroTerm, logP - (logFact[zeros] as number));
      return;
    }
    if (i === n) return;
    for (let c = Math.min(left, max); c * (n - i) >= left; c--) {
      const nextRun = c === max && i > 0 ? run + 1 : 1;
      walk(
        i + 1,
        left - c,
        c,
        stat + (term[c] as number),
        logP - (logFact[c] as number) - (logRun[nextRun] as number),
        nextRun,
      );
    }
  };
  walk(
    0,
    samples,
    samples,
    0,
    (logFact[samples] as number) - samples * Math.log(n) + (logFact[n] as number),
    0,
  );
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

/**
 * Calls `visit(stat, log P(counts))` for every composition of K into N parts under Multinomial(K, shares),
 * with the additive statistic summed along the way; trailing zeros are added in one step.
 */
export function walkCompositions(
  samples: number,
  shares: readonly number[],
  statistic: AdditiveStatistic,
  visit: (stat: number, logP: number) => void,
): void {
  const n = shares.length;
  const logShares = shares.map((p) => Math.log(p));
  const logFact = Array.from({ length: samples + 1 }, (_, c) => logFactorial(c));
  // zeroSuffix[i] = Σ_{j >= i} term(j, 0).
  const zeroSuffix = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) zeroSuffix[i] = (zeroSuffix[i + 1] as number) + statistic.term(i, 0);
  const walk = (i: number, left: number, stat: number, logP: number) => {
    if (left === 0) {
      visit(stat + (zeroSuffix[i] as number), logP);
      return;
    }
    if (i === n - 1) {
      visit(
        stat + statistic.term(i, left),
        logP - (logFact[left] as number) + left * (logShares[i] as number),
      );
      return;
    }
    for (let c = 0; c <= left; c++) {
      const t = c === 0 ? 0 : -(logFact[c] as number) + c * (logShares[i] as number);
      walk(i + 1, left - c, stat + statistic.term(i, c), logP + t);
    }
  };
  walk(0, samples, 0, logFactorial(samples));
}

/** Calls `visit(counts, log P(counts))` for every composition of K into N parts under Multinomial(K, shares). */
export function forEachComposition(
  samples: number,
  shares: readonly number[],
  visit: (counts: readonly number[], logP: number) => void,
): void {
  const n = shares.length;
  const logFact = Array.from({ length: samples + 1 }, (_, c) => logFactorial(c));
  const logShares = shares.map((p) => Math.log(p));
  const counts = new Array<number>(n).fill(0);
  const term = (i: number, c: number) =>
    -(logFact[c] as number) + (c === 0 ? 0 : c * (logShares[i] as number));
  const walk = (i: number, left: number, logP: number) => {
    if (i === n - 1) {
      counts[i] = left;
      visit(counts, (logFact[samples] as number) + logP + term(i, left));
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
