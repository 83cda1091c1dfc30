import { gammaP, gammaQ } from './incompleteGamma.ts';

function checkDf(df: number): void {
  if (!(df > 0)) throw new RangeError(`chi-square needs df > 0, got ${df}`);
}

/** P(χ²_df <= x), R's `pchisq(x, df)`. */
export function chiSquareCdf(x: number, df: number): number {
  checkDf(df);
  return x <= 0 ? 0 : gammaP(df / 2, x / 2);
}

/** P(χ²_df > x), R's `pchisq(x, df, lower.tail = FALSE)`: the p-value of a chi-square statistic. */
export function chiSquareSurvival(x: number, df: number): number {
  checkDf(df);
  return x <= 0 ? 1 : gammaQ(df / 2, x / 2);
}

/** The critical value c with P(χ²_df > c) = alpha, R's `qchisq(1 - alpha, df)`. */
export function chiSquareUpperQuantile(alpha: number, df: number): number {
  checkDf(df);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
  let lo = 0;
  let hi = Math.max(1, df);
  while (chiSquareSurvival(hi, df) > alpha) hi *= 2;
  // Bisection: the survival function is monotone, so 200 halvings reach double precision.
  for (let i = 0; i < 200 && hi - lo > 1e-13 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (chiSquareSurvival(mid, df) > alpha) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
