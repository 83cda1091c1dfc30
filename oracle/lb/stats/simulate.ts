import { binomialCdf, binomialUpperLimit, logBinomialPmf } from './binomial.ts';
import type { Prng } from './prng.ts';

/** One draw from a categorical distribution given its cumulative shares: the first i with u < cumulative[i]. */
export function drawCategory(prng: Prng, cumulative: readonly number[]): number {
  const u = prng.nextFloat();
  // Binary search: the same index a linear scan finds, in O(log N) (N may be 1000).
  let lo = 0;
  let hi = cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (u < (cumulative[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

export function cumulativeShares(shares: readonly number[]): number[] {
  let s = 0;
  return shares.map((p) => (s += p));
}

/** Multinomial counts of `samples` draws from `shares`, one categorical draw per sample. */
export function drawCounts(prng: Prng, shares: readonly number[], samples: number): number[] {
  const cumulative = cumulativeShares(shares);
  const counts = new Array<number>(shares.length).fill(0);
  for (let i = 0; i < samples; i++) {
    const c = drawCategory(prng, cumulative);
    counts[c] = (counts[c] as number) + 1;
  }
  return counts;
}

/**
 * Multinomial counts of `samples` draws from `shares` as a chain of binomials, count i ~
 * Binomial(K - earlier counts, p_i / (1 - earlier shares)), each drawn by inversion outward from its
 * mode: O(N · spread) per vector instead of O(K).
 */
export function drawMultinomial(prng: Prng, shares: readonly number[], samples: number): number[] {
  const counts = new Array<number>(shares.length).fill(0);
  let left = samples;
  let shareLeft = 1;
  for (let i = 0; i < shares.length - 1 && left > 0; i++) {
    const p = shareLeft > 0 ? Math.min(1, (shares[i] as number) / shareLeft) : 0;
    const c = drawBinomial(prng, left, p);
    counts[i] = c;
    left -= c;
    shareLeft -= shares[i] as number;
  }
  counts[shares.length - 1] = left;
  return counts;
}

/** One Binomial(n, p) draw by inversion, starting at the mode and walking toward u. */
function drawBinomial(prng: Prng, n: number, p: number): number {
  if (n === 0 || p <= 0) return 0;
  if (p >= 1) return n;
  const u = prng.nextFloat();
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const odds = p / (1 - p);
  let pmf = Math.exp(logBinomialPmf(mode, n, p));
  let cdf = binomialCdf(mode, n, p);
  if (u < cdf) {
    // Walk down while u stays below P(X <= x - 1).
    let x = mode;
    while (x > 0 && u < cdf - pmf) {
      cdf -= pmf;
      pmf *= x / (n - x + 1) / odds;
      x--;
    }
    return x;
  }
  let x = mode;
  while (x < n && u >= cdf) {
    pmf *= ((n - x) / (x + 1)) * odds;
    x++;
    cdf += pmf;
    if (pmf === 0) break;
  }
  return x;
}

export interface RejectionRate {
  readonly runs: number;
  readonly rejections: number;
  readonly rate: number;
}

/** How often `decide` rejects over `runs` simulated runs (each gets the shared seeded generator). */
export function simulateRejectionRate(
  runs: number,
  decide: (prng: Prng) => boolean,
  prng: Prng,
): RejectionRate {
  let rejections = 0;
  for (let r = 0; r < runs; r++) if (decide(prng)) rejections++;
  return { runs, rejections, rate: rejections / runs };
}

export interface FalseAlarmCheck extends RejectionRate {
  readonly statedAlpha: number;
  /** The most alarms a test with true rate <= statedAlpha shows, except with probability `toleranceLevel`. */
  readonly tolerance: number;
  readonly toleranceLevel: number;
  readonly withinAlpha: boolean;
}

/**
 * Compares a simulated false-alarm count with the stated α: the count of a correct test is at most
 * Binomial(runs, α), so more than its upper (1 - toleranceLevel) quantile disproves "rate <= α".
 */
export function checkFalseAlarms(
  rate: RejectionRate,
  statedAlpha: number,
  toleranceLevel: number,
): FalseAlarmCheck {
  const tolerance = binomialUpperLimit(rate.runs, statedAlpha, toleranceLevel);
  return { ...rate, statedAlpha, tolerance, toleranceLevel, withinAlpha: rate.rejections <= tolerance };
}
