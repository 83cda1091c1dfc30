/**
 * The policy area on a cluster without a policy engine: one finding ("NetworkPolicy is not enforced in
 * this cluster") instead of a leak per deny cell. Reaches the kube adapter (its enforcement check and
 * notes), so it is loaded only for clusters.
 */
import { KubeTarget } from '../../../adapters/kube/kubeTarget.ts';
import type { EnforcementCheck } from '../../../adapters/kube/policyEnforcement.ts';
import { NOT_ENFORCED_TITLE } from '../../../adapters/kube/policyEnforcement.ts';
import type { Finding } from '../../../spec/results.ts';
import type { Target } from '../../../spec/target.ts';
import type { AreaContext, AreaOutcome, AreaRunner } from '../../area.ts';

/**
 * On a cluster that enforces no NetworkPolicy (`capabilities().policyEnforced === false`), the policy
 * area is ONE finding ("NetworkPolicy is not enforced in this cluster") instead of a leak per deny cell,
 * and the conformance loop runs for the other areas only (the model area's scenarios carry no policies).
 * Enforced or unknown: the inner runner runs unchanged.
 */
export function enforcementAware(inner: AreaRunner): AreaRunner {
  return {
    areas: inner.areas,
    async run(ctx: AreaContext): Promise<AreaOutcome> {
      const caps = await ctx.target.capabilities();
      if (caps.policyEnforced !== false || !ctx.options.areas.includes('policy')) {
        const outcome = await inner.run(ctx);
        return { ...outcome, notes: { ...(outcome.notes ?? {}), ...kubeNotes(ctx.target) } };
      }
      const check: EnforcementCheck = (isKubeTarget(ctx.target) ? ctx.target.enforcement() : undefined) ?? {
        policyEnforced: false,
        evidence: 'the target reports that it enforces no NetworkPolicy',
      };
      const finding: Finding = { ...notEnforcedFinding(check, ctx.options.seed), id: ctx.nextFindingId() };
      const rest = ctx.options.areas.filter((a) => a !== 'policy' && inner.areas.includes(a));
      const others =
        rest.length > 0 ? await inner.run({ ...ctx, options: { ...ctx.options, areas: rest } }) : undefined;
      return {
        ...(others ?? { scenarios: 0, probes: 0, checks: [] }),
        areas: ['policy', ...rest],
        findings: [finding, ...(others?.findings ?? [])],
        notes: { ...(others?.notes ?? {}), ...kubeNotes(ctx.target), policyEnforced: 'false' },
      };
    },
  };
}

/**
 * The ONE finding for a cluster that enforces no NetworkPolicy at all (plain flannel): the runner reports
 * this instead of judging policy probes, which would all be "leaks" of the same cause.
 */
export function notEnforcedFinding(check: EnforcementCheck, seed: number): Finding {
  return {
    id: 'policy-not-enforced',
    area: 'policy',
    rule: 'NP-INGRESS-ISOLATION',
    kind: 'leak',
    title: NOT_ENFORCED_TITLE,
    seed,
    path: '',
    expected: 'deny: a deny-all ingress NetworkPolicy selects the server pod',
    observed: 'connected',
    explanation: [
      check.evidence,
      'no policy engine enforces NetworkPolicy here (plain flannel enforces none); policy probes were not judged',
    ],
    scenarioYaml: '',
  };
}

/** What the kube target found (run id, node mapping, proxy mode, enforcement) for results.json. */
function kubeNotes(target: Target): Record<string, string | number> {
  if (!isKubeTarget(target)) return {};
  return Object.fromEntries(
    Object.entries(target.describe()).map(([k, v]) => [
      k,
      Array.isArray(v) ? v.join(',') : typeof v === 'boolean' ? String(v) : (v as string | number),
    ]),
  );
}

/** Whether a target is the kube target (to reach its kube-only methods). */
function isKubeTarget(target: Target): target is KubeTarget {
  return target instanceof KubeTarget;
}
