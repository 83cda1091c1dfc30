import { lgamma } from './lgamma.ts';

/**
 * The null distribution of an additive statistic Σ f(O_i) under Multinomial(K, uniform over N), computed
 * without enumerating vectors (issue 15, item 5: the chi-square tail was used where enumeration is too
 * big, and at small α it exceeds α: 1.14× at N = 10, 54 expected per endpoint, α = 1e-5).
 *
 * Method (the conditional-Poisson representation; Baglivo, Olivier & Pagano 1992, JASA 87: 464):
 * Multinomial(K, 1/N) is N independent Poisson(K/N) counts conditioned on their sum being K. Each
 * term f(c) is rounded UP to a lattice of step δ, v(c) = ⌈f(c)/δ⌉, and a dynamic programme over the
 * categories carries (partial sum t, partial lattice statistic u) with its Poisson probability. Because
 * every term is >= 0, u only grows, so states with u at or past the highest value of interest can be
 * dropped exactly; by Jensen (f convex), j categories summing to t have Σ f >= j f(t/j), which bounds
 * the t that can still finish below that value. At t = K the states give P(U = u | T = K) for every u
 * below it.
 *
 * Rounding up makes U·δ >= the statistic, so P(statistic >= x) <= P(U >= ⌈x/δ⌉): the p-value is an upper
 * bound (valid), and exceeds the exact one by at most the tail mass between x - Nδ and x. δ is chosen so
 * that Nδ is 2% of the null standard deviation √(2(N-1)).
 */

/** The statistic as the lattice needs it: a term per count and its convex extension to real counts. */
export interface LatticeStatistic {
  readonly key: string;
  /** f(c) for an integer count c >= 0; >= 0, and f(E) = 0 at the expected count E = K/N. */
  readonly term: (count: number) => number;
  /** The same function for real x >= 0, convex (used for the Jensen bound). */
  readonly convexTerm: (x: number) => number;
}

/** Share of the null standard deviation that the total rounding may add to the statistic. */
const ROUNDING_SHARE = 0.05;
/** Absolute error allowed for the summed probabilities; added to every p-value, so it stays an upper bound. */
export const LATTICE_ABSOLUTE_ERROR = 1e-12;

export interface LatticeNull {
  readonly step: number;
  /** Tails are exact (on the lattice) for lattice values up to `limit`. */
  readonly limit: number;
  /** Inner-loop steps the programme took. */
  readonly work: number;
  /**
   * P(U >= u | T = K) for u <= limit, plus LATTICE_ABSOLUTE_ERROR; for u > limit the value at `limit`,
   * an upper bound. Costs one pass over the first half's states.
   */
  tailFrom(u: number): number;
}

/** The lattice step for N categories. */
export function latticeStep(n: number): number {
  return (ROUNDING_SHARE * Math.sqrt(2 * (n - 1))) / n;
}

/** The smallest lattice value u with u·δ >= x (rounded down a hair, so that it never overshoots). */
export function latticeIndex(x: number, step: number): number {
  return Math.max(0, Math.ceil((x / step) * (1 - 1e-12)));
}

interface Layer {
  readonly tMin: number;
  readonly uLo: Int32Array;
  readonly width: Int32Array;
  readonly start: Int32Array;
  readonly size: number;
}

/** Viable rows of layer j: t with minFirst(j, t) + minRest(N - j, K - t) below the limit. */
function layerShape(
  j: number,
  n: number,
  samples: number,
  limit: number,
  cMax: number,
  minSum: (m: number, total: number) => number,
): Layer | undefined {
  const tFrom = Math.max(0, samples - (n - j) * cMax);
  const tTo = Math.min(samples, j * cMax);
  const rows: [number, number, number][] = [];
  for (let t = tFrom; t <= tTo; t++) {
    const lo = Math.max(0, Math.ceil(minSum(j, t) - 1e-9));
    const hi = Math.ceil(limit - minSum(n - j, samples - t) + 1e-9); // u < hi
    if (hi > lo) rows.push([t, lo, hi - lo]);
  }
  if (rows.length === 0) return undefined;
  const first = rows[0] as [number, number, number];
  const last = rows[rows.length - 1] as [number, number, number];
  const span = last[0] - first[0] + 1;
  const uLo = new Int32Array(span);
  const width = new Int32Array(span);
  const start = new Int32Array(span);
  let size = 0;
  for (const [t, lo, w] of rows) {
    uLo[t - first[0]] = lo;
    width[t - first[0]] = w;
    start[t - first[0]] = size;
    size += w;
  }
  return { tMin: first[0], uLo, width, start, size };
}

/**
 * The lattice null of `statistic` for K draws over N endpoints, exact for lattice values up to `limit`,
 * or undefined when the programme would take more than `workLimit` inner-loop steps (counted before any
 * probability is computed). Only the layers up to ⌈N/2⌉ are built: categories are exchangeable, so the
 * first ⌊N/2⌋ and the remaining ⌈N/2⌉ combine per query, P(U < s, T = K) = Σ_t Σ_u A_t(u) B_{K-t}(< s - u).
 */
export function latticeNull(
  samples: number,
  n: number,
  statistic: LatticeStatistic,
  limit: number,
  workLimit: number,
): LatticeNull | undefined {
  if (!(samples >= 1 && n >= 2)) throw new RangeError('the lattice needs K >= 1 and N >= 2');
  const step = latticeStep(n);
  const mean = samples / n;
  // Lower bound on the lattice total of m categories summing to `total` (Jensen; rounding only adds).
  const minSum = (m: number, total: number) => {
    if (m === 0) return total === 0 ? 0 : Number.POSITIVE_INFINITY;
    return ((m * statistic.convexTerm(total / m)) / step) * (1 - 1e-9);
  };
  // Counts one category may hold and still leave the total below the limit (terms fall, then rise).
  const counts: number[] = [];
  const values: number[] = [];
  for (let c = Math.floor(mean); c >= 0; c--) {
    const v = latticeIndex(statistic.term(c), step);
    if (v >= limit) break;
    counts.push(c);
    values.push(v);
  }
  for (let c = Math.floor(mean) + 1; c <= samples; c++) {
    const v = latticeIndex(statistic.term(c), step);
    if (v >= limit) break;
    counts.push(c);
    values.push(v);
  }
  if (counts.length === 0) return undefined;
  const logMean = Math.log(mean);
  const weights = counts.map((c) => Math.exp(-mean + c * logMean - lgamma(c + 1)));
  const cMax = Math.max(...counts);
  const half = Math.floor(n / 2);
  const upper = n - half;
  const layers: Layer[] = [
    { tMin: 0, uLo: Int32Array.of(0), width: Int32Array.of(1), start: Int32Array.of(0), size: 1 },
  ];
  let work = 0;
  for (let j = 1; j <= upper; j++) {
    const next = layerShape(j, n, samples, limit, cMax, minSum);
    if (next === undefined) return undefined;
    work += transition(
      layers[j - 1] as Layer,
      next,
      counts,
      values,
      weights,
      undefined,
      undefined,
      workLimit - work,
    );
    if (work > workLimit) return undefined;
    layers.push(next);
  }
  let mass = Float64Array.of(1);
  const masses: Float64Array[] = [mass];
  for (let j = 1; j <= upper; j++) {
    const next = new Float64Array((layers[j] as Layer).size);
    transition(
      layers[j - 1] as Layer,
      layers[j] as Layer,
      counts,
      values,
      weights,
      mass,
      next,
      Number.POSITIVE_INFINITY,
    );
    mass = next;
    masses.push(mass);
  }
  const first = layers[half] as Layer;
  const firstMass = masses[half] as Float64Array;
  const second = layers[upper] as Layer;
  // Prefix sums of the second half, row by row: below[start + w] = Σ of the row's first w entries.
  const secondMass = masses[upper] as Float64Array;
  const below = new Float64Array(second.size + second.uLo.length);
  for (let r = 0; r < second.uLo.length; r++) {
    const from = (second.start[r] as number) + r;
    let acc = 0;
    below[from] = 0;
    for (let w = 0; w < (second.width[r] as number); w++) {
      acc += secondMass[(second.start[r] as number) + w] as number;
      below[from + w + 1] = acc;
    }
  }
  const logPT = -samples + samples * Math.log(samples) - lgamma(samples + 1);
  const norm = Math.exp(-logPT);
  const cacheOfTails = new Map<number, number>();
  const tailFrom = (u: number): number => {
    const s = Math.min(Math.max(u, 0), limit);
    const known = cacheOfTails.get(s);
    if (known !== undefined) return known;
    let inside = 0;
    for (let r = 0; r < first.uLo.length; r++) {
      const w = first.width[r] as number;
      if (w === 0) continue;
      const r2 = samples - (first.tMin + r) - second.tMin;
      if (r2 < 0 || r2 >= second.uLo.length) continue;
      const w2 = second.width[r2] as number;
      if (w2 === 0) continue;
      const lo = first.uLo[r] as number;
      const lo2 = second.uLo[r2] as number;
      const base = first.start[r] as number;
      const prefix = (second.start[r2] as number) + r2;
      for (let k = 0; k < w; k++) {
        const room = s - (lo + k) - lo2; // entries of the second row below s - u
        if (room <= 0) break;
        inside += (firstMass[base + k] as number) * (below[prefix + Math.min(room, w2)] as number);
      }
    }
    const tail = Math.min(1, Math.max(0, 1 - inside * norm) + LATTICE_ABSOLUTE_ERROR);
    cacheOfTails.set(s, tail);
    return tail;
  };
  return { step, limit, work, tailFrom };
}

/**
 * One category added: mass of (t, u) moves to (t + c, u + v(c)) with weight P(c). Returns the work: one
 * step per (row, count) pair looked at plus the inner-loop steps. Without arrays it only counts, and
 * stops as soon as the count passes `budget`.
 */
function transition(
  old: Layer,
  next: Layer,
  counts: readonly number[],
  values: readonly number[],
  weights: readonly number[],
  mass: Float64Array | undefined,
  nextMass: Float64Array | undefined,
  budget: number,
): number {
  let work = 0;
  for (let r = 0; r < old.uLo.length; r++) {
    if (work > budget) return work;
    const w = old.width[r] as number;
    if (w === 0) continue;
    const t = old.tMin + r;
    const lo = old.uLo[r] as number;
    const base = old.start[r] as number;
    work += counts.length;
    for (let k = 0; k < counts.length; k++) {
      const r2 = t + (counts[k] as number) - next.tMin;
      if (r2 < 0 || r2 >= next.uLo.length) continue;
      const v = values[k] as number;
      const lo2 = next.uLo[r2] as number;
      const from = Math.max(lo, lo2 - v);
      const to = Math.min(lo + w, lo2 + (next.width[r2] as number) - v);
      if (to <= from) continue;
      work += to - from;
      if (mass === undefined || nextMass === undefined) continue;
      const p = weights[k] as number;
      const shift = (next.start[r2] as number) + v - lo2 - (base - lo);
      for (let i = base + from - lo; i < base + to - lo; i++) {
        nextMass[i + shift] = (nextMass[i + shift] as number) + (mass[i] as number) * p;
      }
    }
  }
  return work;
}
