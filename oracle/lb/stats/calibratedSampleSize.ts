import { binomialCdf, binomialUpperTail } from './binomial.ts';
import { endpointAcceptanceRange } from './endpointBinomial.ts';
import { walkCompositions } from './exactMultinomial.ts';
import type { GoodnessOfFitMethod } from './goodnessOfFit.ts';
import { goodnessOfFitRule } from './goodnessOfFit.ts';
import type { SampleSize } from './power.ts';
import { chiSquareSampleSize } from './power.ts';
import { createPrng } from './prng.ts';
import { drawMultinomial } from './simulate.ts';
import { compositionCountUpTo } from './vectorCount.ts';

export interface CalibrationOptions {
  readonly statistic: 'pearson' | 'g';
  readonly exactEnumerationLimit: number;
  readonly exactLatticeWorkLimit: number;
  /** Simulated runs per candidate K when the power cannot be computed exactly. */
  readonly simulationRuns: number;
  readonly seed: number;
}

/** `exact`: summed over every count vector; `simulated`: Monte Carlo with a fixed seed; `lower-bound`: see below. */
type PowerMethod = 'exact' | 'simulated' | 'lower-bound';

export interface CalibratedSampleSize extends SampleSize {
  /** K from the noncentral chi-square approximation, before calibration. */
  readonly approximateSamples: number;
  /** The power of the test podnet runs (`goodnessOfFit`) at `samples`. */
  readonly achievedPower: number;
  readonly powerMethod: PowerMethod;
  /** How `goodnessOfFit` computes its p-value at `samples` (enumeration, lattice or endpoint-binomial). */
  readonly testMethod: GoodnessOfFitMethod;
  /** The power reaches the target at every K from `samples` through `checkedThrough`; at samples - 1 it does not. */
  readonly checkedThrough: number;
}

/** Beyond this K the search gives up (the effect is too small to size for). */
const MAX_SAMPLES = 10_000_000;

export interface GoodnessOfFitPower {
  readonly power: number;
  readonly method: PowerMethod;
  readonly testMethod: GoodnessOfFitMethod;
}

/**
 * The power of `goodnessOfFit` against uniform when the truth is `alternative`, at K samples, with the
 * very decision rule the test takes at that K (`goodnessOfFitRule`):
 * - exact: the alternative's probability summed over every count vector the rule rejects, when the
 *   compositions fit the enumeration limit;
 * - lower-bound (endpoint-binomial rule): max over endpoints of P(that endpoint's count falls outside its
 *   acceptance range), an exact binomial sum; the test rejects at least then;
 * - simulated: `simulationRuns` multinomial draws from `seed` (the same seed for every K, so that nearby
 *   K see correlated draws).
 */
export function goodnessOfFitPower(
  alternative: readonly number[],
  samples: number,
  alpha: number,
  options: CalibrationOptions,
): GoodnessOfFitPower {
  const n = alternative.length;
  const uniform = new Array<number>(n).fill(1 / n);
  const rule = goodnessOfFitRule(samples, uniform, {
    alpha,
    statistic: options.statistic,
    exactEnumerationLimit: options.exactEnumerationLimit,
    exactLatticeWorkLimit: options.exactLatticeWorkLimit,
  });
  if (rule.method === 'endpoint-binomial') {
    const range = endpointAcceptanceRange(samples, 1 / n, n, alpha);
    let best = 0;
    for (const p of new Set(alternative)) {
      const outside = binomialCdf(range.low - 1, samples, p) + binomialUpperTail(range.high + 1, samples, p);
      best = Math.max(best, Math.min(1, outside));
    }
    return { power: best, method: 'lower-bound', testMethod: rule.method };
  }
  const rejectsStatistic = rule.rejectsStatistic;
  if (
    rejectsStatistic &&
    compositionCountUpTo(samples, n, options.exactEnumerationLimit) <= options.exactEnumerationLimit
  ) {
    let power = 0;
    walkCompositions(samples, alternative, rule.statistic, (stat, logP) => {
      if (rejectsStatistic(stat)) power += Math.exp(logP);
    });
    return { power: Math.min(1, power), method: 'exact', testMethod: rule.method };
  }
  return {
    power: simulatedPower(alternative, samples, rule.reject, options),
    method: 'simulated',
    testMethod: rule.method,
  };
}

/** The share of `simulationRuns` multinomial draws from `seed` that `reject` rejects. */
function simulatedPower(
  alternative: readonly number[],
  samples: number,
  reject: (counts: readonly number[]) => boolean,
  options: CalibrationOptions,
): number {
  const prng = createPrng(options.seed);
  let rejections = 0;
  for (let r = 0; r < options.simulationRuns; r++) {
    if (reject(drawMultinomial(prng, alternative, samples))) rejections++;
  }
  return rejections / options.simulationRuns;
}

/**
 * A cheap stand-in for the simulated power at K, for the search only: the statistic at K against the
 * critical value of the rule prepared at a nearby K (the exact critical value moves slowly with K), so no
 * null distribution is built per K. Undefined when the rule there has no critical statistic.
 */
function standInPower(
  alternative: readonly number[],
  alpha: number,
  options: CalibrationOptions,
  near: number,
): ((samples: number) => number) | undefined {
  const n = alternative.length;
  const uniform = new Array<number>(n).fill(1 / n);
  const gofOptions = {
    alpha,
    statistic: options.statistic,
    exactEnumerationLimit: options.exactEnumerationLimit,
    exactLatticeWorkLimit: options.exactLatticeWorkLimit,
  };
  const critical = goodnessOfFitRule(near, uniform, gofOptions).criticalStatistic;
  if (critical === undefined) return undefined;
  return (samples) => {
    const statistic = goodnessOfFitRule(samples, uniform, {
      ...gofOptions,
      exactEnumerationLimit: 0,
      exactLatticeWorkLimit: 0,
    }).statistic;
    return simulatedPower(
      alternative,
      samples,
      (counts) => counts.reduce((s, c, i) => s + statistic.term(i, c), 0) >= critical * (1 - 1e-9),
      options,
    );
  };
}

/**
 * The sample size at which the test podnet actually runs reaches the target power against `alternative`
 * (issue 15, item 8). The noncentral chi-square value alone falls short (for (0.5, 0.25, 0.25) at
 * α = 1e-3 it gives K = 191, where the exact power is 0.889), and a discrete test's power is saw-toothed
 * in K, so the search is explicit about what it returns: the K with power >= target at K and at every
 * K' up to `checkedThrough`, and power < target at K - 1. It brackets from the approximation, narrows the
 * bracket (interpolating, else halving; where power is simulated, on a stand-in first: the statistic at K
 * against the critical value of the rule at a nearby K, then settled with the exact rule at each K), and
 * then checks the next values of K (10% of K, at most 100, where the power is exact or a bound; 2 where
 * each value costs a simulation); a dip there restarts the search above the dip. Simulated power must
 * clear the target by two standard errors.
 * Throws when the alternative equals uniform (no K detects it); K = 0 for fewer than 2 endpoints.
 */
export function calibratedSampleSize(
  alternative: readonly number[],
  alpha: number,
  power: number,
  options: CalibrationOptions,
): CalibratedSampleSize {
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must lie in (0, 1), got ${alpha}`);
  const approx = chiSquareSampleSize(alternative, alpha, power);
  if (alternative.length < 2) {
    return {
      ...approx,
      approximateSamples: 0,
      achievedPower: 0,
      powerMethod: 'exact',
      testMethod: 'enumeration',
      checkedThrough: 0,
    };
  }
  const known = new Map<number, GoodnessOfFitPower>();
  const evaluate = (k: number) => {
    let r = known.get(k);
    if (!r) {
      r = goodnessOfFitPower(alternative, k, alpha, options);
      known.set(k, r);
    }
    return r;
  };
  const margin = Math.sqrt((power * (1 - power)) / options.simulationRuns) * 2;
  const passes = (k: number) => {
    const r = evaluate(k);
    return r.power >= power + (r.method === 'simulated' ? margin : 0);
  };
  const tooLarge = () =>
    new RangeError(
      `no sample size up to ${MAX_SAMPLES} reaches power ${power} against ${alternative.join(', ')}`,
    );
  // Bracket [lo, hi] with lo failing (or 0) and hi passing, starting from the approximation.
  let lo = 0;
  let hi = Math.max(1, approx.samples);
  if (passes(hi)) {
    let k = Math.floor(hi * 0.8);
    while (k >= 1 && passes(k)) {
      hi = k;
      k = Math.floor(k * 0.8);
    }
    lo = k; // fails, or 0
  } else {
    lo = hi;
    while (!passes(hi)) {
      lo = hi;
      hi = Math.ceil(hi * 1.25) + 1;
      if (hi > MAX_SAMPLES) throw tooLarge();
    }
  }
  // Where power is simulated, each exact evaluation builds a null distribution for that K (tens of ms);
  // bracket and narrow on the stand-in first, then settle K with exact evaluations from there.
  if (evaluate(hi).method === 'simulated') {
    const stand = standInPower(alternative, alpha, options, hi);
    if (stand) {
      const standPasses = (k: number) => stand(k) >= power + margin;
      let sLo = lo;
      let sHi = hi;
      while (!standPasses(sHi)) {
        sLo = sHi;
        sHi = Math.ceil(sHi * 1.1) + 1;
        if (sHi > MAX_SAMPLES) throw tooLarge();
      }
      while (sHi - sLo > 1) {
        const mid = Math.floor((sLo + sHi) / 2);
        if (standPasses(mid)) sHi = mid;
        else sLo = mid;
      }
      // Settle with the exact rule: step up to the first passing K, then down while K - 1 also passes.
      let k = Math.max(1, sHi);
      while (!passes(k)) {
        k++;
        if (k > MAX_SAMPLES) throw tooLarge();
      }
      while (k > 1 && passes(k - 1)) k--;
      lo = k - 1;
      hi = k;
    }
  }
  const required = (k: number) => power + (evaluate(k).method === 'simulated' ? margin : 0);
  for (;;) {
    // Narrow [lo, hi] by interpolating the power linearly (it is nearly linear over a bracket this
    // narrow), falling back to halving whenever an interpolated step cut the bracket by less than half.
    let halve = false;
    while (hi - lo > 1) {
      let mid = Math.floor((lo + hi) / 2);
      if (!halve && lo > 0) {
        const pLo = evaluate(lo).power;
        const pHi = evaluate(hi).power;
        const guess = lo + Math.round(((required(hi) - pLo) / (pHi - pLo)) * (hi - lo));
        if (pHi > pLo && Number.isFinite(guess)) mid = Math.min(hi - 1, Math.max(lo + 1, guess));
      }
      const width = hi - lo;
      if (passes(mid)) hi = mid;
      else lo = mid;
      halve = !halve && hi - lo > width / 2;
    }
    const method = evaluate(hi).method;
    const lookahead = method === 'simulated' ? 2 : Math.min(100, Math.max(3, Math.ceil(hi * 0.1)));
    let dip: number | undefined;
    for (let k = hi + 1; k <= hi + lookahead; k++) {
      if (!passes(k)) {
        dip = k;
        break;
      }
    }
    if (dip === undefined) {
      const at = evaluate(hi);
      return {
        ...approx,
        samples: hi,
        approximateSamples: approx.samples,
        achievedPower: at.power,
        powerMethod: at.method,
        testMethod: at.testMethod,
        checkedThrough: hi + lookahead,
      };
    }
    // Restart above the dip: find a passing K past it, then bisect between the dip and that K.
    lo = dip;
    hi = dip + 1;
    while (!passes(hi)) {
      lo = hi;
      hi = hi + Math.max(1, Math.ceil((hi - dip) * 0.5));
      if (hi > MAX_SAMPLES) throw tooLarge();
    }
  }
}
