/**
 * What decided one LB scenario's verdicts, for coverage (docs/rules.md "Coverage"): each test's rule and the
 * features its prediction rested on (`LbCheck.features`), counted over its connections. Tests of one sample
 * (a coverage test beside its goodness-of-fit test) count those connections once. Connections a rejection
 * expects count as deny; those a balanced Service port expects to connect as allow; for a client admitted on
 * only some endpoints (LB-ELIGIBLE) the verdict is that of the backend the balancer picked: the ones that
 * connected count as allow, the others as deny.
 */
import type { ScenarioCoverage } from '../../coverage.ts';
import type { LbCheck } from './lbCheck.ts';

/** Adds what decided `checks` (one scenario's) to `into`. */
export function recordLbCoverage(checks: readonly LbCheck[], into: ScenarioCoverage): void {
  const samples = new Map<string, LbCheck>();
  for (const c of checks) {
    // detail.mode carries the scope and, for an IPv6 ClusterIP, the family: each ClusterIP is a sample apart.
    const key = `${c.service}:${c.port} ${c.rule} ${c.detail.mode}`;
    const seen = samples.get(key);
    if (!seen || c.result.samples > seen.result.samples) samples.set(key, c);
  }
  for (const c of samples.values()) {
    const n = c.result.samples;
    if (c.rule === 'LB-NO-ENDPOINT-REJECT') into.rule('lb', c.rule, 'deny', n);
    else if (c.rule === 'LB-ELIGIBLE') {
      const failed = Math.min(n, c.detail.counts['(failed)'] ?? 0);
      if (n - failed > 0) into.rule('lb', c.rule, 'allow', n - failed);
      if (failed > 0) into.rule('lb', c.rule, 'deny', failed);
      if (n === 0) into.rule('lb', c.rule, undefined, 0);
    } else into.rule('lb', c.rule, 'allow', n);
    for (const f of c.features) into.feature('lb', f, n);
  }
}
