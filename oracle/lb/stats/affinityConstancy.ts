import type { LbTestResult } from './testResult.ts';

/**
 * The affinity test (docs/research/lb.md §7.6). Input: windows of backends, each the new connections of one
 * client IP through one node to one Service port while the sticky entry cannot have expired (see
 * `affinityWindows`). Prediction under ClientIP affinity: every window lands on one eligible endpoint.
 *
 * Decision: reject when any window holds two different backends or a backend outside the eligible set.
 * Under the prediction this never happens, so the false-alarm rate is 0 given the model (stable endpoint
 * set, gaps below the timeout, fewer than 100 clients per endpoint list in iptables' `recent`).
 * `miss` is the chance that a balancer ignoring affinity (uniform over N) still passes: Π N^(1-K_w).
 */
export function affinityConstancyTest(
  windows: readonly (readonly string[])[],
  eligible: readonly string[],
): LbTestResult {
  const n = eligible.length;
  const allowed = new Set(eligible);
  let brokenWindows = 0;
  let samples = 0;
  let logMiss = 0;
  for (const w of windows) {
    samples += w.length;
    const distinct = new Set(w);
    if (distinct.size > 1 || [...distinct].some((b) => !allowed.has(b))) brokenWindows++;
    if (w.length > 1) logMiss += (1 - w.length) * Math.log(Math.max(n, 1));
  }
  const reject = brokenWindows > 0;
  return {
    test: 'affinity-constancy',
    statistic: brokenWindows,
    pValue: reject ? 0 : 1,
    alpha: 0,
    reject,
    samples,
    errorRate: {
      falseAlarm: 0,
      miss: Math.exp(logMiss),
      alternative: `no affinity: uniform over ${n} endpoints`,
    },
    method: `each of ${windows.length} window(s) must hit one endpoint`,
  };
}

/**
 * New connections one client must make inside one window so that a balancer ignoring affinity passes with
 * probability <= alpha: 1 + ceil(log(1/α) / log N) (docs/research/lb.md §7.6). Infinity for one endpoint
 * (untestable).
 */
export function affinitySamplesNeeded(endpoints: number, alpha: number): number {
  if (endpoints < 2) return Number.POSITIVE_INFINITY;
  return 1 + Math.ceil(Math.log(1 / alpha) / Math.log(endpoints) - 1e-12);
}
