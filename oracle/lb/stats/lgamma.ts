/** Lanczos approximation (g = 7, 9 terms; the coefficients Numerical Recipes and Boost publish). */
const LANCZOS_G = 7;
const LANCZOS = [
  0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
  12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
] as const;
const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln Γ(x) for x > 0, relative error about 1e-15. */
export function lgamma(x: number): number {
  if (!(x > 0)) throw new RangeError(`lgamma needs x > 0, got ${x}`);
  // Reflection keeps the series in its accurate range: Γ(x)Γ(1-x) = π / sin(πx).
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - lgamma(1 - x);
  const z = x - 1;
  let sum = LANCZOS[0];
  for (let i = 1; i < LANCZOS.length; i++) sum += (LANCZOS[i] as number) / (z + i);
  const t = z + LANCZOS_G + 0.5;
  return HALF_LOG_2PI + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}

/** ln(n!) for a non-negative integer, exact summation below 64 (where rounding of Lanczos would show). */
export function logFactorial(n: number): number {
  if (!Number.isInteger(n) || n < 0)
    throw new RangeError(`logFactorial needs a non-negative integer, got ${n}`);
  if (n < 64) {
    let s = 0;
    for (let i = 2; i <= n; i++) s += Math.log(i);
    return s;
  }
  return lgamma(n + 1);
}
