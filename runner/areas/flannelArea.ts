/**
 * The flannel area: generated flannel configs (backend, VNI, Port, DirectRouting, MTU) and topologies
 * (2–5 nodes on 1–2 L2 segments), each realized on the target; every node's state is compared with the
 * oracle's expected state, the leases with their invariants, and pods probe pods on every other node.
 * Driven by fast-check like the conformance loop: search until the run count or the budget, then shrink
 * the first failure (within its own budget) to the smallest topology and config that still fails.
 */
import fc from 'fast-check';
import type { Finding } from '../../spec/results.ts';
import type { AreaContext, AreaOutcome, AreaRunner } from '../area.ts';
import { checkSummaries } from '../conformance.ts';
import type { RunOptions } from '../options.ts';
import type { FlannelScenarioOutcome } from './flannel/checkFlannelScenario.ts';
import { checkFlannelScenario } from './flannel/checkFlannelScenario.ts';
import { isDataplaneFailure } from './flannel/dataplane.ts';
import { buildFlannelFindings } from './flannel/flannelFindings.ts';
import type { FlannelScenario } from './flannel/flannelScenario.ts';
import { describeFlannelScenario, flannelScenarioArb } from './flannel/flannelScenario.ts';

export interface FlannelAreaDeps {
  readonly scenarios: (options: RunOptions) => fc.Arbitrary<FlannelScenario>;
}

export const DEFAULT_FLANNEL_AREA_DEPS: FlannelAreaDeps = {
  scenarios: () => flannelScenarioArb(),
};

class TargetBroke {
  constructor(readonly error: unknown) {}
}

export function flannelArea(deps: FlannelAreaDeps = DEFAULT_FLANNEL_AREA_DEPS): AreaRunner {
  return {
    areas: ['flannel'],
    async run(ctx: AreaContext): Promise<AreaOutcome> {
      const { options, signal, listener } = ctx;
      const started = Date.now();
      const searchDeadline = started + options.budgetMs;
      let shrinkDeadline = Number.POSITIVE_INFINITY;
      let scenarios = 0;
      let probes = 0;
      let inconclusive = 0;
      let numShrinks = -1;
      let firstFailureAt: number | undefined;
      let lastFailure: FlannelScenarioOutcome | undefined;
      let lastClean: FlannelScenarioOutcome | undefined;
      let broke: TargetBroke | undefined;
      const settings = {
        probeTimeoutMs: options.probeTimeoutMs,
        concurrency: options.concurrency,
        retries: options.retries,
        signal,
      };

      const property = fc.asyncProperty(deps.scenarios(options), async (scenario) => {
        if (broke || signal.aborted) fc.pre(false);
        if (firstFailureAt === undefined && Date.now() >= searchDeadline) fc.pre(false);
        if (firstFailureAt !== undefined && Date.now() > shrinkDeadline) fc.pre(false);
        let outcome: FlannelScenarioOutcome;
        try {
          outcome = await checkFlannelScenario(ctx.target, scenario, settings);
        } catch (error) {
          // A broken target is not a finding: stop and let the session report it (exit 3).
          broke = new TargetBroke(error);
          return fc.pre(false);
        }
        probes += outcome.probesSent;
        inconclusive += outcome.dataplane.filter((j) => j.verdict === 'inconclusive').length;
        if (firstFailureAt === undefined) {
          scenarios += 1;
          listener?.({ kind: 'scenario', scenarios, probes, findings: 0, elapsedMs: Date.now() - started });
        }
        if (!outcome.failed) {
          if (firstFailureAt === undefined) lastClean = outcome;
          return true;
        }
        if (firstFailureAt === undefined) {
          firstFailureAt = Date.now();
          shrinkDeadline = firstFailureAt + options.shrinkBudgetMs;
          listener?.({
            kind: 'failure',
            scenarios,
            elapsedMs: firstFailureAt - started,
            summary: summarize(outcome),
          });
        }
        numShrinks += 1;
        if (numShrinks > 0)
          listener?.({ kind: 'shrink', shrinks: numShrinks, elapsedMs: Date.now() - firstFailureAt });
        lastFailure = outcome;
        return false;
      });

      const details = await fc.check(property, {
        seed: options.seed,
        numRuns: options.runs,
        // One skip ends the search: skips only happen once the budget is spent or the run is interrupted.
        maxSkipsPerRun: 1 / (options.runs * 10),
        endOnFailure: false,
      });
      if (broke) throw broke.error;

      let findings: Finding[] = [];
      if (lastFailure) {
        findings = buildFlannelFindings({
          scenario: lastFailure.scenario,
          backend: lastFailure.judgement.config.backend.type,
          leases: lastFailure.realized.nodeSubnets,
          differences: lastFailure.judgement.differences,
          leaseViolations: lastFailure.judgement.leaseViolations,
          dataplane: lastFailure.dataplane,
          seed: details.seed,
          path: details.counterexamplePath ?? '',
          numShrinks: Math.max(0, numShrinks),
          faults: ctx.faults,
          targetName: ctx.targetName,
          nextId: ctx.nextFindingId,
        });
      }
      const shown = lastFailure ?? lastClean;
      return {
        areas: ['flannel'],
        scenarios,
        probes,
        findings,
        checks: checkSummaries(['flannel'], scenarios, findings),
        ...(shown ? { sections: { flannel: shown.tables } } : {}),
        ...(firstFailureAt !== undefined ? { timeToFirstFailureMs: firstFailureAt - started } : {}),
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
          flannelInconclusiveProbes: inconclusive,
          flannelShrinkSteps: Math.max(0, numShrinks),
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
