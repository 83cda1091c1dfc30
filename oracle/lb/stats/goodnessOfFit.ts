import { chiSquareSurvival } from './chiSquare.ts';
import { exactMultinomialTail } from './exactMultinomial.ts';
import type { LbTestResult } from './testResult.ts';

export interface GoodnessOfFitOptions {
  readonly alpha: number;
  readonly statistic: 'pearson' | 'g';
  /** Below this expected count in some category the p-value is computed exactly (lb.md §7.2). */
  readonly minExpectedForAsymptotic: number;
  readonly exactEnumerationLimit: number;
}

/** Pearson's X² = Σ (O - E)² / E (lb.md §7.2). */
export function pearsonStatistic(counts: readonly number[], shares: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  let x2 = 0;
  for (let i = 0; i < counts.length; i++) {
    const e = total * (shares[i] as number);
    const d = (counts[i] as number) - e;
    x2 += (d * d) / e;
  }
  return x2;
}

/** G = 2 Σ O ln(O / E), divided by Williams' q = 1 + (k² - 1) / (6 K k) (lb.md §7.2; Sokal & Rohlf). */
export function gStatistic(counts: readonly number[], shares: readonly number[]): number {
  const total = counts.reduce((s, c) => s + c, 0);
  let g = 0;
  for (let i = 0; i < counts.length; i++) {
    const o = counts[i] as number;
    if (o > 0) g += o * Math.log(o / (total * (shares[i] as number)));
  }
  const k = counts.length;
  const q = 1 + (k * k - 1) / (6 * total * k);
  return (2 * g) / q;
}

/**
 * Goodness of fit of endpoint counts to the predicted shares (uniform in random mode). Categories with a
 * predicted share of 0 (errors, unexpected backends) reject outright when observed: p = 0.
 * The p-value is the exact multinomial tail of the statistic when at most `exactEnumerationLimit` count
 * vectors need enumerating, otherwise the chi-square tail (df = categories - 1), which lb.md §7.2 trusts
 * when every expected count reaches `minExpectedForAsymptotic`.
 */
export function goodnessOfFit(
  counts: readonly number[],
  shares: readonly number[],
  options: GoodnessOfFitOptions,
): LbTestResult {
  if (counts.length !== shares.length) throw new RangeError('counts and shares differ in length');
  const shareSum = shares.reduce((s, p) => s + p, 0);
  if (Math.abs(shareSum - 1) > 1e-9 || shares.some((p) => p < 0)) {
    throw new RangeError(`shares must be non-negative and sum to 1, got ${shares.join(', ')}`);
  }
  const test = options.statistic === 'pearson' ? 'chi-square' : 'g-test';
  const total = counts.reduce((s, c) => s + c, 0);
  const base = {
    test,
    alpha: options.alpha,
    samples: total,
    errorRate: { falseAlarm: options.alpha },
  } as const;
  const impossible = counts.reduce((s, c, i) => ((shares[i] as number) === 0 ? s + c : s), 0);
  if (impossible > 0) {
    return {
      ...base,
      statistic: Number.POSITIVE_INFINITY,
      pValue: 0,
      reject: true,
      method: `${impossible} observations where the prediction allows none`,
    };
  }
  const kept = shares.map((p, i) => [counts[i] as number, p] as const).filter(([, p]) => p > 0);
  const o = kept.map(([c]) => c);
  const p = kept.map(([, s]) => s);
  if (kept.length < 2 || total === 0) {
    return {
      ...base,
      statistic: 0,
      pValue: 1,
      reject: false,
      method: 'nothing to test (fewer than 2 categories or no samples)',
    };
  }
  const stat = options.statistic === 'pearson' ? pearsonStatistic : gStatistic;
  const observed = stat(o, p);
  const df = kept.length - 1;
  const minExpected = Math.min(...p.map((s) => s * total));
  // Exact whenever the enumeration is affordable: the chi-square tail is off for small or discrete
  // samples (N = 2 with K = 100 shows 5.7% alarms at α = 5%), and the exact tail is valid at any K.
  let pValue = exactMultinomialTail(
    total,
    p,
    (c) => stat(c, p),
    options.statistic,
    observed,
    options.exactEnumerationLimit,
  );
  let method = `exact multinomial tail (min expected ${minExpected.toFixed(1)})`;
  if (pValue === undefined) {
    method = `asymptotic chi-square, df=${df}`;
    if (minExpected < options.minExpectedForAsymptotic) {
      method += ` (min expected ${minExpected.toFixed(1)} is below ${options.minExpectedForAsymptotic}: the tail may be off)`;
    }
  }
  pValue ??= chiSquareSurvival(observed, df);
  return { ...base, statistic: observed, pValue, reject: pValue <= options.alpha, method };
}
