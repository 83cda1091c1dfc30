import { createPrng } from './prng.ts';
import { SequentialUniformityTest } from './sequentialUniformity.ts';
import { cumulativeShares, drawCategory } from './simulate.ts';

export interface SequentialCap {
  /** Connections after which the sequential test has rejected with probability >= power. */
  readonly cap: number;
  /** Median connections to rejection under the alternative (Infinity: most paths never reject by the hard cap). */
  readonly medianStop: number;
  /** Paths simulated: fewer than asked once the hard cap is known to fall short of the power. */
  readonly runs: number;
}

/**
 * The sample cap at which the sequential Bayes-factor test reaches `power` against `alternative`.
 * Capping only truncates the Bayes-factor path, so the power at cap c is P(stop <= c): simulate
 * `runs` paths from `seed` (up to `hardCap` connections each) and take the stops' quantile at `power`
 * plus two standard errors, so that the cap still reaches the power on fresh randomness.
 * Returns `hardCap` when even that does not reach the power.
 */
export function sequentialSampleCap(
  alternative: readonly number[],
  alpha: number,
  power: number,
  hardCap: number,
  runs: number,
  seed: number,
): SequentialCap {
  const n = alternative.length;
  const uniform = new Array<number>(n).fill(1 / n);
  const cumulative = cumulativeShares(alternative);
  const prng = createPrng(seed);
  const target = Math.min(1, power + 2 * Math.sqrt((power * (1 - power)) / runs));
  const rank = Math.min(runs, Math.ceil(target * runs)); // the cap is the rank-th smallest stop
  const stops: number[] = [];
  let neverStopped = 0;
  for (let r = 0; r < runs; r++) {
    const t = new SequentialUniformityTest(uniform, alpha, hardCap);
    while (!t.add(drawCategory(prng, cumulative))) {
      // follow the path until it rejects or reaches the hard cap
    }
    const result = t.result();
    if (!result.reject) {
      neverStopped++;
      // More paths than runs - rank never reject: the quantile is past the hard cap whatever follows.
      if (neverStopped > runs - rank) {
        return { cap: hardCap, medianStop: medianOrInfinity(stops, neverStopped, runs), runs: r + 1 };
      }
    }
    stops.push(result.reject ? result.samples : Number.POSITIVE_INFINITY);
  }
  stops.sort((a, b) => a - b);
  const at = (q: number) => stops[Math.min(runs - 1, Math.ceil(q * runs) - 1)] as number;
  const cap = stops[rank - 1] as number;
  return { cap: Number.isFinite(cap) ? cap : hardCap, medianStop: at(0.5), runs };
}

/**
 * The median stop when the simulation ended early: known to be infinite (no rejection by the hard cap)
 * once more than half of all runs never stopped; otherwise the median of the runs so far.
 */
function medianOrInfinity(stops: readonly number[], neverStopped: number, runs: number): number {
  if (neverStopped > runs / 2) return Number.POSITIVE_INFINITY;
  const sorted = [...stops].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.POSITIVE_INFINITY;
}
