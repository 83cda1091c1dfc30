import { lgamma } from './lgamma.ts';

const EPS = 1e-16;
const TINY = 1e-300;
/** Past this a, O(√a) terms cost more than a second: refused rather than truncated (issue 15, item 6). */
const MAX_INCOMPLETE_GAMMA_A = 1e12;

/**
 * Terms both expansions may need: near x ≈ a the series terms fall like exp(-n²/2a), so about
 * √(2a·ln 1e16) ≈ 8.6√a of them; a fixed cap (10,000 before) cut the sum short for a ≳ 4e6.
 */
function iterationBudget(a: number): number {
  return Math.ceil(20 * Math.sqrt(a)) + 500;
}

/** Stirling's correction ln Γ(a) - [(a - ½) ln a - a + ½ ln 2π] for a >= 20 (error below 2e-15). */
function stirlingCorrection(a: number): number {
  const r = 1 / a;
  const r2 = r * r;
  return r * (1 / 12 - r2 * (1 / 360 - r2 * (1 / 1260 - r2 / 1680)));
}

/** λ - 1 - ln λ for λ = 1 + h, without cancellation near h = 0. */
function distanceFromMean(h: number): number {
  if (Math.abs(h) > 0.1) return h - Math.log1p(h);
  // Σ_{k>=2} (-h)^k / k; 20 terms reach 1e-22 at |h| = 0.1.
  let term = h * h;
  let sum = 0;
  for (let k = 2; k < 22; k++) {
    sum += (k % 2 === 0 ? term : -term) / k;
    term *= h;
  }
  return sum;
}

/**
 * ln(e^{-x} x^a / Γ(a)), the common prefactor. For large a, -x + a ln x and ln Γ(a) are both about
 * a ln a and cancel; the form -a(λ - 1 - ln λ) + ½ ln(a / 2π) - stirling(a), λ = x/a, keeps the digits.
 */
function logPrefactor(a: number, x: number): number {
  if (a < 20) return -x + a * Math.log(x) - lgamma(a);
  return -a * distanceFromMean((x - a) / a) + 0.5 * Math.log(a / (2 * Math.PI)) - stirlingCorrection(a);
}

function notConverged(what: string, a: number, x: number): never {
  throw new Error(`incomplete gamma: the ${what} for a = ${a}, x = ${x} did not converge`);
}

/** P(a, x) by its power series; converges fast for x < a + 1 (Numerical Recipes 6.2.5). */
function seriesP(a: number, x: number): number {
  const budget = iterationBudget(a);
  let ap = a;
  let term = 1 / a;
  let sum = term;
  for (let n = 0; ; n++) {
    if (n >= budget) notConverged('series', a, x);
    ap += 1;
    term *= x / ap;
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(logPrefactor(a, x));
}

/** Q(a, x) by its continued fraction, modified Lentz; converges fast for x >= a + 1 (NR 6.2.7). */
function continuedFractionQ(a: number, x: number): number {
  const budget = iterationBudget(a);
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; ; i++) {
    if (i >= budget) notConverged('continued fraction', a, x);
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
  if (a > MAX_INCOMPLETE_GAMMA_A) {
    throw new RangeError(
      `incomplete gamma needs a <= ${MAX_INCOMPLETE_GAMMA_A} (a chi-square with df <= ${2 * MAX_INCOMPLETE_GAMMA_A}), got a = ${a}`,
    );
  }
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
