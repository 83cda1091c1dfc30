/** Wires the runner's PolicyOracle interface to oracle/policy (fast engine, reference explanations). */
import { compileFast, decidedBy } from '../oracle/policy/index.ts';
import type { PolicyOracleFactory } from './policyOracle.ts';

export const policyOracleFactory: PolicyOracleFactory = (cluster, profile) => {
  const engine = compileFast(cluster, profile);
  return {
    judge(from, to, port, protocol, family) {
      const probe = { from, to, port, protocol, ...(family === undefined ? {} : { family }) };
      const decision = engine.explain(probe);
      const e = decision.explanation;
      const fast = engine.verdict(probe);
      if (fast !== decision.verdict) {
        // The engines are property-tested to agree; if they ever do not, say so instead of guessing.
        return {
          verdict: 'undefined',
          explanation: [`oracle engines disagree (fast ${fast}, reference ${decision.verdict})`, ...e.lines],
        };
      }
      const decided = decidedBy(e, cluster.policies, protocol);
      return {
        verdict: decision.verdict,
        ...(e.egress
          ? { egressAllowed: e.egress.outcome === 'allow' || e.egress.outcome === 'not-isolated' }
          : {}),
        ...(e.ingress
          ? { ingressAllowed: e.ingress.outcome === 'allow' || e.ingress.outcome === 'not-isolated' }
          : {}),
        explanation: e.lines,
        ...(decided ? { decided } : {}),
      };
    },
    verdict(from, to, port, protocol, family) {
      if (engine.podIndex(from) < 0 || (typeof to === 'string' && engine.podIndex(to) < 0)) return undefined;
      return engine.verdict({ from, to, port, protocol, ...(family === undefined ? {} : { family }) });
    },
  };
};
