/** The policy and model areas: the conformance loop over generated scenarios (conformance.ts). */

import type fc from 'fast-check';
import type { PolicyFeature } from '../../../spec/coverageFeatures.ts';
import { PodnetTargetError } from '../../../spec/errors.ts';
import { ipFamiliesOf } from '../../../spec/ipFamily.ts';
import type { Cluster } from '../../../spec/model.ts';
import type { UnsupportedFeature } from '../../../spec/results.ts';
import type { Scenario } from '../../../spec/scenario.ts';
import type { Capabilities } from '../../../spec/target.ts';
import type { AreaContext, AreaOutcome, AreaRunner } from '../../area.ts';
import type { RunOptions } from '../../options.ts';
import type { PolicyOracleFactory } from '../../policyOracle.ts';
import { manualProbeCommand } from '../../targets/index.ts';
import type { PolicyResolver } from './checkScenario.ts';
import { runConformance } from './conformance.ts';

export interface ConformanceAreaDeps {
  readonly scenarios: (options: RunOptions) => fc.Arbitrary<Scenario>;
  readonly prepare?: (scenario: Scenario) => Scenario;
  readonly oracleFactory: PolicyOracleFactory;
  readonly resolvePolicies: PolicyResolver;
  readonly toYaml: (cluster: Cluster) => string;
}

export function conformanceArea(deps: ConformanceAreaDeps): AreaRunner {
  return {
    areas: ['policy', 'model'],
    async run(ctx: AreaContext): Promise<AreaOutcome> {
      const areas = ctx.options.areas.filter((a) => a === 'policy' || a === 'model');
      const caps = await ctx.target.capabilities();
      const missing = ipFamiliesOf(ctx.options.ipFamily).filter((f) => !caps.ipFamilies.includes(f));
      if (missing.length > 0) {
        // Never faked: a family the pod network lacks cannot be probed, and its ipBlocks would name nothing.
        throw new PodnetTargetError(
          'PODNET_TARGET_IP_FAMILY',
          `--ip-family ${ctx.options.ipFamily}: target ${ctx.targetName} has no IPv${missing.join('/IPv')} pod addresses (it has IPv${caps.ipFamilies.join(' and IPv')})`,
          `run with --ip-family ${caps.ipFamilies.length > 1 ? 'dual' : caps.ipFamilies[0] === 6 ? 'ipv6' : 'ipv4'}`,
        );
      }
      const r = await runConformance(
        {
          target: ctx.target,
          scenarios: deps.scenarios(ctx.options),
          oracleFactory: deps.oracleFactory,
          resolvePolicies: deps.resolvePolicies,
          toYaml: deps.toYaml,
          ...(deps.prepare ? { prepare: deps.prepare } : {}),
        },
        {
          options: { ...ctx.options, areas },
          protocols: caps.protocols,
          probeCommand: (p) => manualProbeCommand(ctx, p),
          resultsPath: ctx.resultsPath,
          signal: ctx.signal,
          nextFindingId: ctx.nextFindingId,
          unsupported: policyUnsupported(caps, ctx.options, ctx.targetName),
          ...(ctx.listener ? { listener: ctx.listener } : {}),
        },
      );
      return {
        areas,
        scenarios: r.scenarios,
        probes: r.probes,
        findings: r.findings,
        checks: r.checks,
        coverage: r.coverage,
        ...(r.timeToFirstFailureMs !== undefined ? { timeToFirstFailureMs: r.timeToFirstFailureMs } : {}),
        ...(r.shrunk ? { shrunk: r.shrunk } : {}),
        notes: {
          convergedAfterPollingStates: r.converged.states,
          convergenceMaxMs: r.converged.maxMs,
          unsupportedProbes: r.unsupportedProbes,
          inconclusiveProbes: r.inconclusive,
          shrinkSteps: r.numShrinks,
        },
      };
    },
  };
}

/**
 * The policy features this run cannot test, with the reason: what the target cannot send (its capabilities),
 * what the profile says it does not support (its verdicts are undefined, never judged), and Services when
 * the run's scenarios hold none (they come with the lb area).
 */
function policyUnsupported(
  caps: Capabilities,
  options: Pick<RunOptions, 'profile' | 'areas'>,
  targetName: string,
): UnsupportedFeature[] {
  const { profile } = options;
  const out: UnsupportedFeature[] = [];
  const add = (feature: PolicyFeature, reason: string) => out.push({ area: 'policy', feature, reason });
  if (!caps.protocols.includes('SCTP')) add('protocol SCTP', `target ${targetName} cannot send SCTP`);
  else if (!profile.support.sctp)
    add('protocol SCTP', 'the profile says SCTP is not supported (support.sctp)');
  else add('protocol SCTP', 'the policy area draws no SCTP ports (runner/areas/policy/conformanceRunner.ts)');
  if (!caps.ipv6) add('IPv6', `target ${targetName} has no IPv6`);
  else if (!profile.support.ipv6) add('IPv6', 'the profile says IPv6 is not supported (support.ipv6)');
  if (!profile.support.endPort)
    add('port range', 'the profile says endPort is not supported (support.endPort)');
  if (!profile.support.namedPorts)
    add('port name', 'the profile says named ports are not supported (support.namedPorts)');
  if (!options.areas.includes('lb'))
    add('via Service', 'the scenarios hold Services only when the lb area runs too (--areas …,lb)');
  return out;
}
