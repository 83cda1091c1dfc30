/** The policy and model areas: the conformance loop over generated scenarios (conformance.ts). */

import type fc from 'fast-check';
import type { Cluster } from '../../../spec/model.ts';
import type { Scenario } from '../../../spec/scenario.ts';
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
          ...(ctx.listener ? { listener: ctx.listener } : {}),
        },
      );
      return {
        areas,
        scenarios: r.scenarios,
        probes: r.probes,
        findings: r.findings,
        checks: r.checks,
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
