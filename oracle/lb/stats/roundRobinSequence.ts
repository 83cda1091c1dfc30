import { binomialCdf } from './binomial.ts';
import { logFactorial } from './lgamma.ts';
import type { LbTestResult } from './testResult.ts';

/**
 * The round-robin sequence test (docs/research/lb.md §7.5). Input: the backends of consecutive new
 * connections from one client through one node to one Service port, with no other traffic on that node's
 * Service port. Prediction: an exact cycle over the N eligible endpoints in an unknown order and phase, so
 * every window of N consecutive connections holds each endpoint once.
 *
 * The cyclic order is learned from first appearances; a violation is a connection outside the eligible set,
 * a repeat before all N were seen, or a backend that is not the successor of the previous one. Decision:
 * reject when violations exceed `maxViolations` (0: exact). Under the prediction there are no violations,
 * so the false-alarm rate is 0 (docs/research/lb.md §7.8: exact predictions need a disturbance model, not an
 * α). `miss` is the exact chance that a uniform random balancer passes (`randomPassesCycle`): N!/N^K when
 * maxViolations = 0.
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
  const miss = n >= 2 ? randomPassesCycle(n, k, maxViolations) : 1;
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
 * P(a uniform random sequence of length K over N endpoints shows at most v violations), exactly, for the
 * violation count above: while fewer than N distinct endpoints have been seen, a draw is a violation when
 * it repeats one (probability d/N with d seen) and otherwise extends the learned order; once all N are seen,
 * each draw is a violation unless it is the successor of the previous one (probability 1 - 1/N, independent).
 * So V = (repeats before the N-th distinct endpoint) + Binomial(draws left, 1 - 1/N). v = 0 gives N!/N^K.
 */
function randomPassesCycle(n: number, k: number, v: number): number {
  if (n < 2) return 1;
  // collecting[r]: P(the d-th distinct endpoint just arrived after r repeats), for the current d.
  let collecting = new Float64Array(v + 1);
  collecting[0] = 1; // d = 0
  let pass = 0;
  for (let d = 0; d < n; d++) {
    // From d distinct, a path repeats some more times (while r <= v), then draws a new endpoint or stops.
    const repeat = d / n;
    const next = new Float64Array(v + 1);
    for (let r = 0; r <= v; r++) {
      let mass = collecting[r] as number;
      for (let r2 = r; r2 <= v && mass > 0; r2++) {
        const drawsUsed = d + r2;
        if (drawsUsed >= k) {
          pass += mass; // the sequence ends while still collecting: r2 <= v violations
          break;
        }
        next[r2] = (next[r2] as number) + mass * (1 - repeat);
        mass *= repeat;
      }
    }
    collecting = next;
  }
  // All N seen after N + r draws with r repeats; the K - N - r draws left each violate with 1 - 1/N.
  for (let r = 0; r <= v; r++) {
    const mass = collecting[r] as number;
    if (mass === 0) continue;
    const left = k - n - r;
    pass += mass * binomialCdf(v - r, left, 1 - 1 / n);
  }
  return Math.min(1, pass);
}

/**
 * The smallest K for which a uniform random balancer passes the cycle test with at most `maxViolations`
 * violations with probability <= alpha; for 0 violations log(N!/α)/log N. K >= N.
 */
export function roundRobinSamplesNeeded(endpoints: number, alpha: number, maxViolations = 0): number {
  if (endpoints < 2) return endpoints;
  if (maxViolations === 0) {
    return Math.max(endpoints, Math.ceil((logFactorial(endpoints) - Math.log(alpha)) / Math.log(endpoints)));
  }
  // The pass probability falls with K (violations only accumulate): gallop, then bisect.
  let lo = endpoints - 1;
  let hi = endpoints;
  while (randomPassesCycle(endpoints, hi, maxViolations) > alpha) {
    lo = hi;
    hi *= 2;
  }
  while (hi - lo > 1) {
    const mid = Math.floor((lo + hi) / 2);
    if (randomPassesCycle(endpoints, mid, maxViolations) > alpha) lo = mid;
    else hi = mid;
  }
  return hi;
}
