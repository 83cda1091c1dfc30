/**
 * LB-ELIGIBLE tests: when a NetworkPolicy admits a client on only some backends, policy applies after
 * DNAT, so a new connection succeeds exactly when the balancer picked an admitted backend
 * (`oracle/lb/successRate.ts`). Which test fits depends on how outcomes relate (`SuccessPrediction.pattern`).
 */
import { binomialCdf, binomialUpperTail } from '../../../oracle/lb/index.ts';
import type { LbCheckResult } from './lbCheck.ts';

/** One connection as seen by a client: the backend that answered, or null when it failed. */
export type Outcome = string | null;

/** Backends outside `allowed` that answered: a connection policy should have stopped went through. */
export function servedOutsideAllowed(outcomes: readonly Outcome[], allowed: ReadonlySet<string>): string[] {
  return [...new Set(outcomes.filter((o): o is string => o !== null && !allowed.has(o)))].sort();
}

/**
 * Independent connections (random mode): successes ~ Binomial(K, rate). Two-sided exact p-value
 * min(1, 2·min(P(X ≤ s), P(X ≥ s))); a success from a backend outside the admitted set, or any success
 * at rate 0, is impossible under the prediction (p = 0). The exact test is conservative: P(p <= α) <= α.
 */
export function binomialSuccessTest(
  outcomes: readonly Outcome[],
  allowed: ReadonlySet<string>,
  rate: number,
  alpha: number,
): LbCheckResult {
  const k = outcomes.length;
  const s = outcomes.filter((o) => o !== null).length;
  const leaked = servedOutsideAllowed(outcomes, allowed);
  let pValue: number;
  if (leaked.length > 0) pValue = 0;
  else if (rate <= 0) pValue = s === 0 ? 1 : 0;
  else if (rate >= 1) pValue = s === k ? 1 : 0;
  else pValue = Math.min(1, 2 * Math.min(binomialCdf(s, k, rate), binomialUpperTail(s, k, rate)));
  return {
    test: 'binomial-success-rate',
    statistic: s,
    pValue,
    samples: k,
    falseAlarm: rate > 0 && rate < 1 ? alpha : 0,
    method:
      leaked.length > 0
        ? `backends the policy does not admit answered: ${leaked.join(', ')}`
        : `${s} of ${k} connected; predicted rate ${fmt(rate)} (exact two-sided binomial)`,
  };
}

/**
 * Round-robin: the node's counter walks the eligible endpoints in a fixed cycle, so in K consecutive
 * connections of one client (alone on its node) the success pattern repeats with period N and holds
 * exactly `admitted` successes per period. Exact (p in {0, 1}).
 */
export function cycleSuccessTest(
  outcomes: readonly Outcome[],
  allowed: ReadonlySet<string>,
  eligible: number,
  admitted: number,
): LbCheckResult {
  const leaked = servedOutsideAllowed(outcomes, allowed);
  let violations = leaked.length;
  for (let i = 0; i + eligible < outcomes.length; i++) {
    if ((outcomes[i] === null) !== (outcomes[i + eligible] === null)) violations++;
  }
  const firstPeriod = outcomes.slice(0, eligible).filter((o) => o !== null).length;
  if (outcomes.length >= eligible && firstPeriod !== admitted) violations++;
  return {
    test: 'round-robin-success-pattern',
    statistic: violations,
    pValue: violations > 0 ? 0 : 1,
    samples: outcomes.length,
    falseAlarm: 0,
    method: `period ${eligible}, ${admitted} admitted backend(s) per period; ${violations} violation(s)`,
  };
}

/**
 * ClientIP affinity: the sticky entry is recorded in nat before the filter drops the packet, so every
 * connection in one window shares one outcome: all from one admitted backend, or all refused. Exact.
 */
export function stickySuccessTest(
  windows: readonly (readonly Outcome[])[],
  allowed: ReadonlySet<string>,
): LbCheckResult {
  let broken = 0;
  let samples = 0;
  for (const w of windows) {
    samples += w.length;
    const distinct = new Set(w);
    if (distinct.size > 1 || servedOutsideAllowed(w, allowed).length > 0) broken++;
  }
  return {
    test: 'affinity-success-constancy',
    statistic: broken,
    pValue: broken > 0 ? 0 : 1,
    samples,
    falseAlarm: 0,
    method: `each of ${windows.length} window(s) must all connect to one admitted backend or all fail`,
  };
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
