import { logFactorial } from './lgamma.ts';
import type { LbTestResult } from './testResult.ts';

/**
 * Coverage and support (docs/research/lb.md §7.4): every eligible endpoint is reached, and nothing else is.
 * A backend outside the eligible set rejects outright (p = 0). With u endpoints unseen after K uniform
 * draws the p-value is the union bound C(N, u)(1 - u/N)^K >= P(at least u unseen); for a round-robin
 * prediction any unseen endpoint after K >= N sequential connections is impossible (p = 0).
 */
export function coverageTest(
  observed: readonly string[],
  eligible: readonly string[],
  prediction: 'uniform' | 'cycle',
  alpha: number,
): LbTestResult {
  if (!(alpha >= 0 && alpha < 1)) throw new RangeError(`alpha must lie in [0, 1), got ${alpha}`);
  const n = eligible.length;
  const allowed = new Set(eligible);
  const seen = new Set<string>();
  let unexpected = 0;
  for (const b of observed) {
    if (allowed.has(b)) seen.add(b);
    else unexpected++;
  }
  const k = observed.length;
  const unseen = n - seen.size;
  let pValue: number;
  if (unexpected > 0) pValue = 0;
  else if (unseen === 0 || k === 0)
    pValue = 1; // no observations: no evidence (and 0·log 0 would be NaN)
  else if (prediction === 'cycle') pValue = k >= n ? 0 : 1;
  else pValue = Math.min(1, Math.exp(logChoose(n, unseen) + k * Math.log1p(-unseen / n)));
  return {
    test: 'coverage',
    statistic: unseen,
    pValue,
    alpha,
    reject: pValue <= alpha,
    samples: k,
    errorRate: { falseAlarm: prediction === 'cycle' ? 0 : alpha },
    method:
      unexpected > 0
        ? `${unexpected} connection(s) reached a backend outside the eligible set`
        : `${unseen} of ${n} endpoints unseen in ${k} connections (${prediction})`,
  };
}

/** K with P(some endpoint unseen) <= beta under uniform draws: ln(N/β) / -ln(1 - 1/N). */
export function coverageSamplesNeeded(endpoints: number, beta: number): number {
  if (endpoints < 2) return endpoints;
  return Math.ceil(Math.log(endpoints / beta) / -Math.log1p(-1 / endpoints));
}

function logChoose(n: number, k: number): number {
  return logFactorial(n) - logFactorial(k) - logFactorial(n - k);
}
