import { binomialCdf } from './binomial.ts';
import { logFactorial } from './lgamma.ts';
import type { LbTestResult } from './testResult.ts';

/**
 * The round-robin sequence test (lb.md §7.5). Input: the backends of consecutive new connections from one
 * client through one node to one Service port, with no other traffic on that node's Service port.
 * Prediction: an exact cycle over the N eligible endpoints in an unknown order and phase, so every window
 * of N consecutive connections holds each endpoint once.
 *
 * The cyclic order is learned from first appearances; a violation is a connection outside the eligible set,
 * a repeat before all N were seen, or a backend that is not the successor of the previous one. Decision:
 * reject when violations exceed `maxViolations` (0: exact). Under the prediction there are no violations,
 * so the false-alarm rate is 0 (lb.md §7.8: exact predictions need a disturbance model, not an α).
 * `miss` is the chance that a uniform random balancer passes: N!/N^K when maxViolations = 0.
 */
export function roundRobinSequenceTest(
  sequence: readonly string[],
  eligible: readonly string[],
  maxViolations: number,
): LbTestResult {
  const n = eligible.length;
  const allowed = new Set(eligible);
  const order: string[] = [];
  const position = new Map<string, number>();
  let violations = 0;
  let previous: string | undefined;
  for (const backend of sequence) {
    if (!allowed.has(backend)) {
      violations++;
      previous = undefined;
      continue;
    }
    if (order.length < n) {
      if (position.has(backend)) violations++;
      else {
        position.set(backend, order.length);
        order.push(backend);
      }
    } else if (previous !== undefined) {
      const expected = order[((position.get(previous) as number) + 1) % n];
      if (backend !== expected) violations++;
    }
    previous = backend;
  }
  const k = sequence.length;
  const reject = violations > maxViolations;
  const miss = n >= 2 && k >= n ? randomPassesCycle(n, k, maxViolations) : 1;
  return {
    test: 'round-robin-sequence',
    statistic: violations,
    pValue: reject ? 0 : 1,
    alpha: 0,
    reject,
    samples: k,
    errorRate: { falseAlarm: 0, miss, alternative: `uniform random over ${n} endpoints` },
    method: `exact cycle of ${n}, unknown order and phase; ${maxViolations} violation(s) tolerated`,
  };
}

/**
 * P(a uniform random sequence of length K shows at most v violations): the first N draws distinct
 * (N!/N^N), then each later draw is the successor with probability 1/N. Exact for v = 0 (N!/N^K);
 * for v > 0 it counts only violations after the first window, so it is an upper bound.
 */
function randomPassesCycle(n: number, k: number, v: number): number {
  const firstWindowDistinct = Math.exp(logFactorial(n) - n * Math.log(n));
  return firstWindowDistinct * binomialCdf(v, k - n, 1 - 1 / n);
}

/** The K for which a random balancer passes the exact-cycle test with probability <= alpha: log(N!/α)/log N. */
export function roundRobinSamplesNeeded(endpoints: number, alpha: number): number {
  if (endpoints < 2) return endpoints;
  return Math.max(endpoints, Math.ceil((logFactorial(endpoints) - Math.log(alpha)) / Math.log(endpoints)));
}
