import { lgamma } from './lgamma.ts';

const EPS = 1e-16;
const TINY = 1e-300;
const MAX_ITERATIONS = 10_000;

/** e^{-x} x^a / Γ(a), the common prefactor, in log space so large a and x do not overflow. */
function logPrefactor(a: number, x: number): number {
  return -x + a * Math.log(x) - lgamma(a);
}

/** P(a, x) by its power series; converges fast for x < a + 1 (Numerical Recipes 6.2.5). */
function seriesP(a: number, x: number): number {
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; n < MAX_ITERATIONS; n++) {
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Q(a, x) by its continued fraction, modified Lentz; converges fast for x >= a + 1 (NR 6.2.7). */
function continuedFractionQ(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_ITERATIONS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(logPrefactor(a, x)) * h;
}

function check(a: number, x: number): void {
  if (!(a > 0)) throw new RangeError(`incomplete gamma needs a > 0, got ${a}`);
  if (!(x >= 0)) throw new RangeError(`incomplete gamma needs x >= 0, got ${x}`);
}

/** Regularized lower incomplete gamma P(a, x) = γ(a, x) / Γ(a). */
export function gammaP(a: number, x: number): number {
  check(a, x);
  if (x === 0) return 0;
  if (x === Number.POSITIVE_INFINITY) return 1;
  return x < a + 1 ? seriesP(a, x) : 1 - continuedFractionQ(a, x);
}

/** Regularized upper incomplete gamma Q(a, x) = 1 - P(a, x), accurate deep in the tail (small p-values). */
export function gammaQ(a: number, x: number): number {
  check(a, x);
  if (x === 0) return 1;
  if (x === Number.POSITIVE_INFINITY) return 0;
  return x < a + 1 ? 1 - seriesP(a, x) : continuedFractionQ(a, x);
}
