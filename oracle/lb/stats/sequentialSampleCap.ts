import { createPrng } from './prng.ts';
import { SequentialUniformityTest } from './sequentialUniformity.ts';
import { cumulativeShares, drawCategory } from './simulate.ts';

export interface SequentialCap {
  /** Connections after which the sequential test has rejected with probability >= power. */
  readonly cap: number;
  /** Median connections to rejection under the alternative. */
  readonly medianStop: number;
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
  const stops: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t = new SequentialUniformityTest(uniform, alpha, hardCap);
    while (!t.add(drawCategory(prng, cumulative))) {
      // follow the path until it rejects or reaches the hard cap
    }
    const result = t.result();
    stops.push(result.reject ? result.samples : Number.POSITIVE_INFINITY);
  }
  stops.sort((a, b) => a - b);
  const at = (q: number) => stops[Math.min(runs - 1, Math.ceil(q * runs) - 1)] as number;
  const cap = at(Math.min(1, power + 2 * Math.sqrt((power * (1 - power)) / runs)));
  return { cap: Number.isFinite(cap) ? cap : hardCap, medianStop: at(0.5), runs };
}
