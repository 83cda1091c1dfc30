import { requiredNoncentrality } from './noncentralChiSquare.ts';

/**
 * The alternative "one endpoint gets `ratio` times the share of each other one" over N endpoints:
 * (ratio, 1, …, 1) / (ratio + N - 1). ratio 2 with N = 3 gives (0.5, 0.25, 0.25); ratio 0 starves one.
 */
export function oneEndpointSkew(endpoints: number, ratio: number): number[] {
  if (!Number.isInteger(endpoints) || endpoints < 1)
    throw new RangeError(`endpoints must be >= 1, got ${endpoints}`);
  const total = ratio + endpoints - 1;
  return Array.from({ length: endpoints }, (_, i) => (i === 0 ? ratio : 1) / total);
}

/** Cohen's w = sqrt(Σ (p1 - p0)² / p0) (docs/research/lb.md §7.3). */
export function cohenW(alternative: readonly number[], shares: readonly number[]): number {
  let w2 = 0;
  for (let i = 0; i < shares.length; i++) {
    const p0 = shares[i] as number;
    const d = (alternative[i] as number) - p0;
    w2 += (d * d) / p0;
  }
  return Math.sqrt(w2);
}

export interface SampleSize {
  readonly endpoints: number;
  readonly alpha: number;
  readonly power: number;
  readonly effectW: number;
  /** λ* with P(χ²_{N-1}(λ*) > χ²_{1-α,N-1}) = power. */
  readonly noncentrality: number;
  /** K = ceil(λ* / w²); 0 when there is nothing to test (one endpoint). An alternative equal to the null throws. */
  readonly samples: number;
}

/**
 * New connections a fixed-sample chi-square test needs to detect `alternative` against uniform at level
 * alpha with the given power, by the noncentral chi-square approximation (docs/research/lb.md §7.3: K = λ*
 * over w²). Check it by simulation (`simulateRejectionRate`): the approximation is close but not exact at
 * small K.
 */
export function chiSquareSampleSize(
  alternative: readonly number[],
  alpha: number,
  power: number,
): SampleSize {
  const n = alternative.length;
  const uniform = new Array<number>(n).fill(1 / n);
  const w = n < 2 ? 0 : cohenW(alternative, uniform);
  if (n < 2) return { endpoints: n, alpha, power, effectW: w, noncentrality: 0, samples: 0 };
  if (!(w > 0)) {
    throw new RangeError(
      `the alternative ${alternative.join(', ')} equals the uniform null: no sample size detects it`,
    );
  }
  const lambda = requiredNoncentrality(alpha, n - 1, power);
  return {
    endpoints: n,
    alpha,
    power,
    effectW: w,
    noncentrality: lambda,
    samples: Math.ceil(lambda / (w * w)),
  };
}
