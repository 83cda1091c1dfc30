import { logFactorial } from './lgamma.ts';

function logPmf(x: number, n: number, p: number): number {
  if (p === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p === 1) return x === n ? 0 : Number.NEGATIVE_INFINITY;
  return logFactorial(n) - logFactorial(x) - logFactorial(n - x) + x * Math.log(p) + (n - x) * Math.log1p(-p);
}

/** P(X <= x) for X ~ Binomial(n, p), by direct summation in log space. */
export function binomialCdf(x: number, n: number, p: number): number {
  if (x < 0) return 0;
  if (x >= n) return 1;
  let s = 0;
  for (let i = 0; i <= x; i++) s += Math.exp(logPmf(i, n, p));
  return Math.min(1, s);
}

/** P(X >= x) for X ~ Binomial(n, p). */
export function binomialUpperTail(x: number, n: number, p: number): number {
  if (x <= 0) return 1;
  if (x > n) return 0;
  let s = 0;
  for (let i = x; i <= n; i++) {
    const t = Math.exp(logPmf(i, n, p));
    s += t;
    if (i > n * p && t < s * 1e-17) break;
  }
  return Math.min(1, s);
}

/**
 * The largest count c with P(X >= c) > `level` for X ~ Binomial(n, p): the tolerance for a simulated
 * false-alarm count. Seeing more than c alarms in n runs means the true rate exceeds p, at level `level`.
 */
export function binomialUpperLimit(n: number, p: number, level: number): number {
  let c = Math.floor(n * p);
  while (c < n && binomialUpperTail(c + 1, n, p) > level) c++;
  return c;
}
