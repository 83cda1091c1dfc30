import { logFactorial } from './lgamma.ts';

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** ln n! - ln(√(2πn) (n/e)^n), the remainder of Stirling's formula (series past 15, direct below). */
function stirlingRemainder(n: number): number {
  if (n <= 15) return logFactorial(n) - (n + 0.5) * Math.log(n) + n - HALF_LOG_2PI;
  const nn = n * n;
  return (1 / 12 - (1 / 360 - (1 / 1260 - (1 / 1680 - 1 / (1188 * nn)) / nn) / nn) / nn) / n;
}

/** x ln(x/m) + m - x without cancellation when x ≈ m (the series in v = (x - m)/(x + m)). */
function deviance(x: number, m: number): number {
  if (Math.abs(x - m) < 0.1 * (x + m)) {
    const v = (x - m) / (x + m);
    let sum = (x - m) * v;
    let term = 2 * x * v;
    for (let j = 1; j < 1000; j++) {
      term *= v * v;
      const next = sum + term / (2 * j + 1);
      if (next === sum) break;
      sum = next;
    }
    return sum;
  }
  return x * Math.log(x / m) + m - x;
}

/**
 * ln P(X = x) for X ~ Binomial(n, p), to full relative precision at any n (Loader 2000, "Fast and
 * accurate computation of binomial probabilities"): Stirling remainders and deviance terms instead of
 * differences of ln Γ values near n ln n, which lose about n ln n · 1e-16 (1e-10 at n = 1e5).
 */
export function logBinomialPmf(x: number, n: number, p: number): number {
  if (p === 0) return x === 0 ? 0 : Number.NEGATIVE_INFINITY;
  if (p === 1) return x === n ? 0 : Number.NEGATIVE_INFINITY;
  if (x < 0 || x > n) return Number.NEGATIVE_INFINITY;
  const q = 1 - p;
  if (x === 0) return n * Math.log1p(-p);
  if (x === n) return n * Math.log(p);
  const lc =
    stirlingRemainder(n) -
    stirlingRemainder(x) -
    stirlingRemainder(n - x) -
    deviance(x, n * p) -
    deviance(n - x, n * q);
  return lc - 0.5 * (Math.log(2 * Math.PI) + Math.log(x) + Math.log1p(-x / n));
}

/**
 * Σ pmf(i) for i from `from` stepping by `direction` (±1) until the terms stop mattering, with the term
 * ratio pmf(i+1)/pmf(i) = (n - i)/(i + 1) · p/(1 - p). Meant for the side away from the mean, where the
 * terms fall geometrically; cost about the spread of X, not n.
 */
function sumAway(from: number, direction: 1 | -1, n: number, p: number): number {
  let term = Math.exp(logBinomialPmf(from, n, p));
  if (term === 0) return 0;
  const odds = p / (1 - p);
  let sum = term;
  for (let i = from; direction === 1 ? i < n : i > 0; i += direction) {
    term *= direction === 1 ? ((n - i) / (i + 1)) * odds : i / (n - i + 1) / odds;
    sum += term;
    if (term <= sum * 1e-17) break;
  }
  return sum;
}

function checkBinomial(n: number, p: number): void {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must lie in [0, 1], got ${p}`);
}

/** P(X <= x) for X ~ Binomial(n, p); the smaller tail is summed directly, so small tails keep their digits. */
export function binomialCdf(x: number, n: number, p: number): number {
  checkBinomial(n, p);
  if (x < 0) return 0;
  if (x >= n) return 1;
  const k = Math.floor(x);
  if (p === 0) return 1;
  if (p === 1) return 0;
  if (k < n * p) return Math.min(1, sumAway(k, -1, n, p));
  return Math.max(0, 1 - sumAway(k + 1, 1, n, p));
}

/** P(X >= x) for X ~ Binomial(n, p). */
export function binomialUpperTail(x: number, n: number, p: number): number {
  checkBinomial(n, p);
  if (x <= 0) return 1;
  if (x > n) return 0;
  const k = Math.ceil(x);
  if (p === 0) return 0;
  if (p === 1) return 1;
  if (k > n * p) return Math.min(1, sumAway(k, 1, n, p));
  return Math.max(0, 1 - sumAway(k - 1, -1, n, p));
}

/** Relative difference under which a computed tail and the level count as equal (exact ties, rounding). */
const TIE = 1e-9;

/**
 * The largest count c with P(X >= c) > `level` for X ~ Binomial(n, p): the tolerance for a simulated
 * false-alarm count. Seeing more than c alarms in n runs means the true rate exceeds p, at level `level`.
 * An exact tie P(X >= c) = level does not count as "> level" (tails within 1e-9 of the level are ties).
 * Sums the pmf outward from the mode with its term ratio, so the cost is about the spread, not n.
 */
export function binomialUpperLimit(n: number, p: number, level: number): number {
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`n must be a non-negative integer, got ${n}`);
  if (!(p >= 0 && p <= 1)) throw new RangeError(`p must lie in [0, 1], got ${p}`);
  if (!(level > 0 && level < 1)) throw new RangeError(`level must lie in (0, 1), got ${level}`);
  if (p === 0 || n === 0) return 0;
  if (p === 1) return n;
  const above = (tail: number) => tail > level * (1 + TIE);
  const odds = p / (1 - p);
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const atMode = Math.exp(logBinomialPmf(mode, n, p));
  // pmf(mode + 1), pmf(mode + 2), … while they still matter next to the level.
  const upper: number[] = [];
  let term = atMode;
  for (let i = mode; i < n; i++) {
    term *= ((n - i) / (i + 1)) * odds;
    if (term < level * 1e-17 || term === 0) break;
    upper.push(term);
  }
  // tail(c) for c > mode, summed from the small end.
  let tail = 0;
  const tails = new Array<number>(upper.length);
  for (let j = upper.length - 1; j >= 0; j--) {
    tail += upper[j] as number;
    tails[j] = tail;
  }
  if (tails.length > 0 && above(tails[0] as number)) {
    let j = 0;
    while (j + 1 < tails.length && above(tails[j + 1] as number)) j++;
    return mode + 1 + j;
  }
  // tail(mode + 1) <= level: step down from the mode until the tail exceeds the level.
  let c = mode;
  term = atMode;
  tail = (tails[0] ?? 0) + atMode;
  while (c > 0 && !above(tail)) {
    term *= c / (n - c + 1) / odds;
    c--;
    tail += term;
  }
  return c;
}
