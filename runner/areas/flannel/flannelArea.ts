/**
 * The flannel area: generated flannel configs (backend, VNI, Port, DirectRouting, MTU) and topologies
 * (2–5 nodes on 1–2 L2 segments), each realized on the target; every node's state is compared with the
 * oracle's expected state, the leases with their invariants, and pods probe pods on every other node.
 * Driven by fast-check like the conformance loop: search until the run count or the budget, then shrink
 * the first failure (within its own budget) to the smallest topology and config that still fails.
 */

import type fc from 'fast-check';
import { DEFAULT_FLANNEL_VERSION } from '../../../oracle/flannel/index.ts';
import type { Finding, UnsupportedFeature } from '../../../spec/results.ts';
import type { AreaContext, AreaOutcome, AreaRunner } from '../../area.ts';
import { checkSummaries } from '../../area.ts';
import { CoverageTally, ScenarioCoverage } from '../../coverage.ts';
import type { RunOptions } from '../../options.ts';
import { searchAndShrink } from '../../searchAndShrink.ts';
import { manualProbeCommand } from '../../targets/index.ts';
import type { FlannelScenarioOutcome } from './checkFlannelScenario.ts';
import { checkFlannelScenario } from './checkFlannelScenario.ts';
import { isDataplaneFailure } from './dataplane.ts';
import { ipv6FeaturesUnsupported, recordFlannelCoverage } from './flannelCoverage.ts';
import { buildFlannelFindings } from './flannelFindings.ts';
import type { FlannelScenario } from './flannelScenario.ts';
import { describeFlannelScenario, flannelScenarioArb } from './flannelScenario.ts';

export interface FlannelAreaDeps {
  readonly scenarios: (options: RunOptions) => fc.Arbitrary<FlannelScenario>;
  /**
   * Features the target cannot test (a cluster's flannel runs one net-conf). Default: the IPv6 features
   * unless the run is dual-stack.
   */
  readonly unsupported?: readonly UnsupportedFeature[];
  /** The flannel release the oracle judges against, and where that choice came from (printed in results). */
  readonly flannelVersion?: { readonly version: string; readonly source: string };
}

/** The lab's flannel agent follows the newest flannel release podnet has read (docs/research/flannel.md). */
const LAB_FLANNEL_VERSION = {
  version: DEFAULT_FLANNEL_VERSION,
  source: "the lab's flannel agent, which follows podnet's default (the newest release it has read)",
};

const DEFAULT_FLANNEL_AREA_DEPS: FlannelAreaDeps = {
  scenarios: (options) => flannelScenarioArb({ ipFamily: options.ipFamily }),
};

/** Only a dual-stack run draws EnableIPv6 net-confs (flannelNetConfArb) and has an IPv6 side to judge. */
function ipv6Unsupported(options: RunOptions): UnsupportedFeature[] {
  return options.ipFamily === 'dual'
    ? []
    : ipv6FeaturesUnsupported(
        `the run's --ip-family is ${options.ipFamily}: the flannel area draws net-confs without EnableIPv6 (--ip-family dual draws them)`,
      );
}

export function flannelArea(deps: FlannelAreaDeps = DEFAULT_FLANNEL_AREA_DEPS): AreaRunner {
  return {
    areas: ['flannel'],
    async run(ctx: AreaContext): Promise<AreaOutcome> {
      const { options, signal, listener } = ctx;
      const version = deps.flannelVersion ?? LAB_FLANNEL_VERSION;
      let probes = 0;
      let inconclusive = 0;
      const coverage = new CoverageTally();
      const settings = {
        probeTimeoutMs: options.probeTimeoutMs,
        concurrency: options.concurrency,
        retries: options.retries,
        signal,
      };
      const search = await searchAndShrink(
        deps.scenarios(options),
        (scenario) => checkFlannelScenario(ctx.target, scenario, settings),
        {
          seed: options.seed,
          runs: options.runs,
          budgetMs: options.budgetMs,
          shrinkBudgetMs: options.shrinkBudgetMs,
          signal,
          summarize,
          probesSoFar: () => probes,
          observe: (outcome, shrinking) => {
            probes += outcome.probesSent;
            inconclusive += outcome.dataplane.filter((j) => j.verdict === 'inconclusive').length;
            if (shrinking) return;
            const decided = new ScenarioCoverage();
            recordFlannelCoverage(outcome, decided);
            coverage.add(decided);
          },
          ...(listener ? { listener } : {}),
        },
      );
      const lastFailure = search.failure?.outcome;
      let findings: Finding[] = [];
      if (lastFailure) {
        findings = buildFlannelFindings({
          scenario: lastFailure.scenario,
          backend: lastFailure.judgement.config.backend.type,
          flannelVersion: lastFailure.judgement.config.flannelVersion,
          leases: lastFailure.realized.nodeSubnets,
          ...(lastFailure.realized.ipv6 ? { ipv6Leases: lastFailure.realized.ipv6.nodeSubnets } : {}),
          differences: lastFailure.judgement.differences,
          leaseViolations: lastFailure.judgement.leaseViolations,
          dataplane: lastFailure.dataplane,
          seed: search.seed,
          path: search.path,
          numShrinks: search.numShrinks,
          faults: ctx.faults,
          probeCommand: (p) => manualProbeCommand(ctx, p),
          nextId: ctx.nextFindingId,
        });
      }
      const shown = lastFailure ?? search.lastClean;
      return {
        areas: ['flannel'],
        scenarios: search.scenarios,
        probes,
        findings,
        checks: checkSummaries(['flannel'], search.scenarios, findings),
        coverage: coverage.coverage(['flannel'], deps.unsupported ?? ipv6Unsupported(options)),
        ...(shown ? { sections: { flannel: shown.tables } } : {}),
        ...(search.timeToFirstFailureMs !== undefined
          ? { timeToFirstFailureMs: search.timeToFirstFailureMs }
          : {}),
        ...(lastFailure
          ? {
              shrunk: {
                pods: lastFailure.scenario.nodes.reduce((n, node) => n + node.pods, 0),
                policies: 0,
                steps: 0,
              },
            }
          : {}),
        notes: {
          flannelVersion: version.version,
          flannelVersionSource: version.source,
          flannelInconclusiveProbes: inconclusive,
          flannelShrinkSteps: search.numShrinks,
          ...(lastFailure
            ? {
                flannelShrunkNodes: lastFailure.scenario.nodes.length,
                flannelCounterexample: describeFlannelScenario(lastFailure.scenario),
              }
            : {}),
        },
      };
    },
  };
}

function summarize(outcome: FlannelScenarioOutcome): string {
  const counts = new Map<string, number>();
  for (const d of outcome.judgement.differences) counts.set(d.object, (counts.get(d.object) ?? 0) + 1);
  for (const v of outcome.judgement.leaseViolations) counts.set(v.rule, (counts.get(v.rule) ?? 0) + 1);
  const failing = outcome.dataplane.filter(isDataplaneFailure).length;
  if (failing > 0) counts.set('probe', failing);
  return `${describeFlannelScenario(outcome.scenario)}: ${[...counts].map(([k, n]) => `${n} ${k}`).join(', ')}`;
}
