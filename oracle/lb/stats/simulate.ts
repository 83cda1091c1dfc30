import { binomialUpperLimit } from './binomial.ts';
import type { Prng } from './prng.ts';

/** One draw from a categorical distribution given its cumulative shares. */
export function drawCategory(prng: Prng, cumulative: readonly number[]): number {
  const u = prng.nextFloat();
  for (let i = 0; i < cumulative.length - 1; i++) if (u < (cumulative[i] as number)) return i;
  return cumulative.length - 1;
}

export function cumulativeShares(shares: readonly number[]): number[] {
  let s = 0;
  return shares.map((p) => (s += p));
}

/** Multinomial counts of `samples` draws from `shares`. */
export function drawCounts(prng: Prng, shares: readonly number[], samples: number): number[] {
  const cumulative = cumulativeShares(shares);
  const counts = new Array<number>(shares.length).fill(0);
  for (let i = 0; i < samples; i++) {
    const c = drawCategory(prng, cumulative);
    counts[c] = (counts[c] as number) + 1;
  }
  return counts;
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
