import { chiSquareUpperQuantile } from './chiSquare.ts';
import { gammaQ } from './incompleteGamma.ts';
import { lgamma } from './lgamma.ts';

/**
 * P(χ²_df(λ) > x) for the noncentral chi-square: a Poisson(λ/2) mixture of central chi-squares with
 * df + 2j degrees of freedom (Johnson, Kotz & Balakrishnan, ch. 29). Summed outward from the Poisson mode.
 */
export function noncentralChiSquareSurvival(x: number, df: number, lambda: number): number {
  if (!(df > 0)) throw new RangeError(`df must be > 0, got ${df}`);
  if (!(lambda >= 0)) throw new RangeError(`lambda must be >= 0, got ${lambda}`);
  if (x <= 0) return 1;
  const mu = lambda / 2;
  if (mu === 0) return gammaQ(df / 2, x / 2);
  const weight = (j: number) => Math.exp(-mu + j * Math.log(mu) - lgamma(j + 1));
  const mode = Math.floor(mu);
  let total = 0;
  for (let j = mode; ; j++) {
    const w = weight(j);
    total += w * gammaQ(df / 2 + j, x / 2);
    if (w < 1e-17 && j > mode) break;
  }
  for (let j = mode - 1; j >= 0; j--) {
    const w = weight(j);
    total += w * gammaQ(df / 2 + j, x / 2);
    if (w < 1e-17) break;
  }
  return Math.min(1, total);
}

/**
 * The noncentrality λ* at which a level-alpha chi-square test with `df` degrees of freedom has the given
 * power: P(χ²_df(λ*) > χ²_{1-alpha,df}) = power (docs/research/lb.md §7.3 table).
 */
export function requiredNoncentrality(alpha: number, df: number, power: number): number {
  if (!(power > alpha && power < 1)) throw new RangeError(`power must lie in (alpha, 1), got ${power}`);
  const critical = chiSquareUpperQuantile(alpha, df);
  let lo = 0;
  let hi = 1;
  while (noncentralChiSquareSurvival(critical, df, hi) < power) hi *= 2;
  for (let i = 0; i < 100 && hi - lo > 1e-10 * hi; i++) {
    const mid = (lo + hi) / 2;
    if (noncentralChiSquareSurvival(critical, df, mid) < power) lo = mid;
    else hi = mid;
  }
  return (lo + hi) / 2;
}
