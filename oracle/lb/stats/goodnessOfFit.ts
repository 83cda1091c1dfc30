import { chiSquareUpperQuantile } from './chiSquare.ts';
import { endpointAcceptanceRange, endpointBinomialPValue } from './endpointBinomial.ts';
import type { AdditiveStatistic, NullDistribution } from './exactMultinomial.ts';
import { isUniform, nullDistribution, tailAt, tieFloor } from './exactMultinomial.ts';
import type { LatticeNull, LatticeStatistic } from './latticeNull.ts';
import { latticeIndex, latticeNull, latticeStep } from './latticeNull.ts';
import type { LbTestResult } from './testResult.ts';

export interface GoodnessOfFitOptions {
  /** The level: reject when p <= alpha; in (0, 1]. */
  readonly alpha: number;
  readonly statistic: 'pearson' | 'g';
  /** Most count vectors the exact p-value may enumerate (partitions when uniform, else compositions). */
  readonly exactEnumerationLimit: number;
  /** Most inner-loop steps the lattice computation of the uniform null may take (`latticeNull.ts`). */
  readonly exactLatticeWorkLimit: number;
}

/** How the p-value was obtained, from the most exact to the fallback. */
export type GoodnessOfFitMethod = 'enumeration' | 'lattice' | 'endpoint-binomial';

/** Pearson's X² = Σ (O - E)² / E (docs/research/lb.md §7.2). */
export function pearsonStatistic(counts: readonly number[], shares: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  let x2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = total * (shares[i] as number);
    const d = (counts[i] as number) - e;
    x2 += (d * d) / e;
  }
  return x2;
}

/** Williams' q = 1 + (k² - 1) / (6 K (k - 1)) = 1 + (k + 1) / (6 K). */
function williams(k: number, total: number): number {
  return 1 + (k * k - 1) / (6 * total * (k - 1));
}

/**
 * G = 2 Σ O ln(O / E), divided by Williams' q = 1 + (k² - 1) / (6 K (k - 1)) = 1 + (k + 1) / (6 K)
 * (Williams 1976; Sokal & Rohlf, Biometry: q = 1 + (a² - 1) / (6 n ν) with ν = a - 1 degrees of freedom).
 */
export function gStatistic(counts: readonly number[], shares: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  let g = 0;
  for (let i = 0; i < counts.length; i++) {
    const o = counts[i] as number;
    if (o > 0) g += o * Math.log(o / (total * (shares[i] as number)));
  }
  const k = counts.length;
  if (k < 2 || total === 0) return 2 * g;
  return (2 * g) / williams(k, total);
}

/**
 * The statistic as a sum of one term per category, for K samples and the given shares. Pearson:
 * (O - E)² / E. G: 2 [O ln(O / E) - O + E] / q, which sums to G because Σ (O - E) = 0, and whose terms
 * are >= 0 and convex (the lattice needs both).
 */
export function additiveStatistic(
  kind: 'pearson' | 'g',
  samples: number,
  shares: readonly number[],
): AdditiveStatistic & { readonly lattice?: LatticeStatistic } {
  const n = shares.length;
  const expected = shares.map((p) => samples * p);
  if (kind === 'pearson') {
    const term = (i: number, c: number) => {
      const e = expected[i] as number;
      return ((c - e) * (c - e)) / e;
    };
    const e = samples / n;
    const real = (x: number) => ((x - e) * (x - e)) / e;
    return {
      key: `pearson|${shares.join(',')}`,
      term,
      ...(isUniform(shares) ? { lattice: { key: 'pearson', term: real, convexTerm: real } } : {}),
    };
  }
  const q = williams(n, samples);
  const deviance = (x: number, e: number) => (2 * ((x > 0 ? x * Math.log(x / e) : 0) - x + e)) / q;
  const e = samples / n;
  return {
    key: `g|${shares.join(',')}`,
    term: (i: number, c: number) => deviance(c, expected[i] as number),
    ...(isUniform(shares)
      ? {
          lattice: {
            key: 'g',
            term: (c: number) => deviance(c, e),
            convexTerm: (x: number) => deviance(x, e),
          },
        }
      : {}),
  };
}

function checkInputs(counts: readonly number[], shares: readonly number[], alpha: number): void {
  if (counts.length !== shares.length) throw new RangeError('counts and shares differ in length');
  counts.forEach((c, i) => {
    if (!Number.isInteger(c) || c < 0) {
      throw new RangeError(`count ${i} must be a non-negative integer, got ${c}`);
    }
  });
  if (shares.some((p) => !(p >= 0 && p <= 1))) {
    throw new RangeError(`shares must be numbers in [0, 1], got ${shares.join(', ')}`);
  }
  const shareSum = shares.reduce((s, p) => s + p, 0);
  if (Math.abs(shareSum - 1) > 1e-9) throw new RangeError(`shares must sum to 1, got ${shareSum}`);
  if (!(alpha > 0 && alpha <= 1)) throw new RangeError(`alpha must lie in (0, 1], got ${alpha}`);
}

const LATTICE_CACHE_SIZE = 16;
const latticeCache = new Map<string, LatticeNull>();

/**
 * The lattice null for K over N with `limit` at least `needed`, cached per (statistic, K, N) and rebuilt
 * larger when a caller needs more; undefined when over the work limit.
 */
function latticeAtLeast(
  statistic: LatticeStatistic,
  samples: number,
  n: number,
  needed: number,
  workLimit: number,
): LatticeNull | undefined {
  const key = `${statistic.key}|${samples}|${n}`;
  // A cached lattice built past this caller's work limit is not used: the route must not depend on history.
  const cached = latticeCache.get(key);
  const hit = cached && cached.work <= workLimit ? cached : undefined;
  if (hit && hit.limit >= needed) return hit;
  const built = latticeNull(samples, n, statistic, Math.max(needed, hit?.limit ?? 0), workLimit);
  if (built === undefined) return undefined;
  if (!cached && latticeCache.size >= LATTICE_CACHE_SIZE) {
    latticeCache.delete(latticeCache.keys().next().value as string);
  }
  latticeCache.set(key, built);
  return built;
}

/** The lattice value the computation starts from: the chi-square point at α/4 (exact tails are heavier). */
function latticeGuess(n: number, alpha: number): number {
  return latticeIndex(chiSquareUpperQuantile(Math.min(alpha / 4, 0.25), n - 1), latticeStep(n)) + 1;
}

/**
 * The lattice null computed far enough to decide at alpha: its tail at the limit is <= alpha, so every
 * observed value past the limit rejects. Undefined when that takes more than the work limit.
 */
function decisiveLattice(
  statistic: LatticeStatistic,
  samples: number,
  n: number,
  alpha: number,
  workLimit: number,
): LatticeNull | undefined {
  let dist = latticeAtLeast(statistic, samples, n, latticeGuess(n, alpha), workLimit);
  while (dist && dist.tailFrom(dist.limit) > alpha) {
    dist = latticeAtLeast(statistic, samples, n, Math.ceil(dist.limit * 1.5) + 1, workLimit);
  }
  return dist;
}

type Prepared =
  | { readonly method: 'enumeration'; readonly dist: NullDistribution }
  | { readonly method: 'lattice'; readonly dist: LatticeNull }
  | { readonly method: 'endpoint-binomial' };

/**
 * Which computation gives the p-value for K samples over these shares (none zero) within the options'
 * budgets. It depends on (K, shares, statistic, α, budgets) only, never on the counts, so
 * `goodnessOfFit` and `goodnessOfFitRule` always take the same route.
 */
function prepare(
  samples: number,
  shares: readonly number[],
  statistic: ReturnType<typeof additiveStatistic>,
  options: GoodnessOfFitOptions,
): Prepared {
  const enumerated = nullDistribution(samples, shares, statistic, options.exactEnumerationLimit);
  if (enumerated) return { method: 'enumeration', dist: enumerated };
  const lattice = statistic.lattice;
  const dist =
    lattice && decisiveLattice(lattice, samples, shares.length, options.alpha, options.exactLatticeWorkLimit);
  return dist ? { method: 'lattice', dist } : { method: 'endpoint-binomial' };
}

/**
 * Goodness of fit of endpoint counts to the predicted shares (uniform in random mode). Categories with a
 * predicted share of 0 (errors, unexpected backends) reject outright when observed: p = 0.
 * The p-value keeps the stated α at every size (issue 15, item 5), from the most exact to the cheapest:
 * 1. enumeration: the exact multinomial tail of X² or G, when at most `exactEnumerationLimit` count
 *    vectors (counted exactly) need visiting;
 * 2. lattice (uniform shares): the tail of the statistic rounded up to a lattice, an upper bound within
 *    a few percent of the exact tail (`latticeNull.ts`), when within `exactLatticeWorkLimit`;
 * 3. endpoint-binomial: exact per-endpoint binomial tests with Bonferroni (`endpointBinomial.ts`).
 * The chi-square tail is not used for decisions: at small α it understates the exact tail (1.14× at
 * N = 10, K = 540, α = 1e-5; 1.8× at K = 100).
 */
export function goodnessOfFit(
  counts: readonly number[],
  shares: readonly number[],
  options: GoodnessOfFitOptions,
): LbTestResult {
  checkInputs(counts, shares, options.alpha);
  const test = options.statistic === 'pearson' ? 'chi-square' : 'g-test';
  const total = counts.reduce((s, c) => s + c, 0);
  const base = {
    alpha: options.alpha,
    samples: total,
    errorRate: { falseAlarm: options.alpha },
  } as const;
  const impossible = counts.reduce((s, c, i) => ((shares[i] as number) === 0 ? s + c : s), 0);
  if (impossible > 0) {
    return {
      ...base,
      test,
      statistic: Number.POSITIVE_INFINITY,
      pValue: 0,
      reject: true,
      method: `${impossible} observations where the prediction allows none`,
    };
  }
  const kept = shares.map((p, i) => [counts[i] as number, p] as const).filter(([, p]) => p > 0);
  const o = kept.map(([c]) => c);
  const p = kept.map(([, s]) => s);
  if (kept.length < 2 || total === 0) {
    return {
      ...base,
      test,
      statistic: 0,
      pValue: 1,
      reject: false,
      method: 'nothing to test (fewer than 2 categories or no samples)',
    };
  }
  const statistic = additiveStatistic(options.statistic, total, p);
  const observed = o.reduce((s, c, i) => s + statistic.term(i, c), 0);
  const minExpected = Math.min(...p.map((s) => s * total));
  const prepared = prepare(total, p, statistic, options);
  if (prepared.method === 'enumeration') {
    const pValue = tailAt(prepared.dist, observed);
    return {
      ...base,
      test,
      statistic: observed,
      pValue,
      reject: pValue <= options.alpha,
      method: `exact multinomial tail (min expected ${minExpected.toFixed(1)})`,
    };
  }
  if (prepared.method === 'lattice') {
    const dist = prepared.dist;
    const at = latticeIndex(tieFloor(observed), dist.step);
    const pValue = dist.tailFrom(at);
    return {
      ...base,
      test,
      statistic: observed,
      pValue,
      reject: pValue <= options.alpha,
      method: `exact multinomial tail on a lattice, an upper bound (step ${dist.step.toPrecision(3)}, min expected ${minExpected.toFixed(1)})${at > dist.limit ? '; computed only as far as alpha needs' : ''}`,
    };
  }
  const pValue = endpointBinomialPValue(o, p);
  return {
    ...base,
    test: 'endpoint-binomial',
    statistic: observed,
    pValue,
    reject: pValue <= options.alpha,
    method: `exact ${test === 'chi-square' ? 'X²' : 'G'} tail out of budget (N=${p.length}, K=${total}): each endpoint's count against Binomial(K, share), two-sided, Bonferroni over ${p.length}`,
  };
}

/** The decision `goodnessOfFit` takes at one level for one K, prepared once (`goodnessOfFitRule`). */
export interface GoodnessOfFitRule {
  readonly method: GoodnessOfFitMethod;
  /** The statistic (X² or G as additive terms against the null shares), summed over categories. */
  readonly statistic: AdditiveStatistic;
  /** Whether the test rejects these counts. */
  readonly reject: (counts: readonly number[]) => boolean;
  /** For enumeration and lattice: whether the test rejects a vector with this statistic value. */
  readonly rejectsStatistic?: (stat: number) => boolean;
  /** For enumeration and lattice: a statistic value from which on the test rejects (none below the last accepted). */
  readonly criticalStatistic?: number;
}

/**
 * The decision `goodnessOfFit` takes at level alpha for K samples over `shares` (none zero), as a function
 * of the counts, prepared once so that power can be computed over many count vectors. Agrees with
 * `goodnessOfFit(counts, shares, options).reject` vector by vector (the tests check it).
 */
export function goodnessOfFitRule(
  samples: number,
  shares: readonly number[],
  options: GoodnessOfFitOptions,
): GoodnessOfFitRule {
  const alpha = options.alpha;
  const statistic = additiveStatistic(options.statistic, samples, shares);
  const stat = (counts: readonly number[]) => counts.reduce((s, c, i) => s + statistic.term(i, c), 0);
  const prepared = prepare(samples, shares, statistic, options);
  if (prepared.method === 'enumeration') {
    const dist = prepared.dist;
    // tailAt is monotone in the statistic: reject exactly above the largest value whose tail exceeds α.
    let first = 0;
    while (first < dist.tail.length && (dist.tail[first] as number) > alpha) first++;
    const below = first > 0 ? (dist.values[first - 1] as number) : Number.NEGATIVE_INFINITY;
    const rejectsStatistic = (x: number) => tieFloor(x) > below;
    const criticalStatistic =
      first < dist.values.length ? (dist.values[first] as number) : Number.POSITIVE_INFINITY;
    return {
      method: 'enumeration',
      statistic,
      rejectsStatistic,
      criticalStatistic,
      reject: (c) => rejectsStatistic(stat(c)),
    };
  }
  if (prepared.method === 'lattice') {
    const critical = latticeCritical(prepared.dist, alpha);
    const step = prepared.dist.step;
    const rejectsStatistic = (x: number) => latticeIndex(tieFloor(x), step) >= critical;
    return {
      method: 'lattice',
      statistic,
      rejectsStatistic,
      criticalStatistic: critical * step,
      reject: (c) => rejectsStatistic(stat(c)),
    };
  }
  const rangeOf = new Map<number, { low: number; high: number }>();
  for (const p of shares) {
    if (!rangeOf.has(p)) rangeOf.set(p, endpointAcceptanceRange(samples, p, shares.length, alpha));
  }
  const ranges = shares.map((p) => rangeOf.get(p) as { low: number; high: number });
  return {
    method: 'endpoint-binomial',
    statistic,
    reject: (counts) =>
      counts.some((c, i) => {
        const r = ranges[i] as { low: number; high: number };
        return c < r.low || c > r.high;
      }),
  };
}

/** The smallest lattice value whose tail is <= alpha, for a decisive lattice (tail at its limit <= alpha). */
function latticeCritical(dist: LatticeNull, alpha: number): number {
  if (dist.tailFrom(0) <= alpha) return 0;
  let lo = 0; // tail > alpha
  let hi = dist.limit; // tail <= alpha
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (dist.tailFrom(mid) <= alpha) hi = mid;
    else lo = mid;
  }
  return hi;
}
