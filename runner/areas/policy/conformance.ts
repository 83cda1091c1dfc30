/**
 * The conformance loop, driven by fast-check: generate a scenario, run it on the target, compare with
 * the oracle; on failure, shrink (each shrink step re-realizes, incrementally) to a minimal counterexample.
 * The search stops at the run count or the budget; shrinking then gets its own budget.
 */

import type fc from 'fast-check';
import type { Cluster, Protocol } from '../../../spec/model.ts';
import type { CheckSummary, Coverage, Finding, UnsupportedFeature } from '../../../spec/results.ts';
import type { Scenario } from '../../../spec/scenario.ts';
import { scenarioSize } from '../../../spec/steps.ts';
import { timed } from '../../../spec/timing.ts';
import { checkSummaries } from '../../area.ts';
import { CoverageTally, ScenarioCoverage } from '../../coverage.ts';
import type { RunOptions } from '../../options.ts';
import type { RunListener } from '../../progress.ts';
import { searchAndShrink } from '../../searchAndShrink.ts';
import type { ManualProbe } from '../../targets/index.ts';
import type { ScenarioCheckOptions, ScenarioDeps, ScenarioOutcome } from './checkScenario.ts';
import { checkScenario } from './checkScenario.ts';
import { isFailing } from './checkState.ts';
import { buildFindings, primaryFailure } from './findings.ts';
import { reduceScenario } from './reduce.ts';
import { recordStateCoverage } from './stateCoverage.ts';

export interface ConformanceDeps extends ScenarioDeps {
  readonly scenarios: fc.Arbitrary<Scenario>;
  readonly toYaml: (cluster: Cluster) => string;
  /** Adjusts a generated scenario to the target before it runs (e.g. pins the topology). */
  readonly prepare?: (scenario: Scenario) => Scenario;
}

export interface ConformanceSettings {
  readonly options: RunOptions;
  readonly protocols: readonly Protocol[];
  /** The by-hand command for one probe on the target (runner/targets). */
  readonly probeCommand: (probe: ManualProbe) => string;
  /** Where results.json will be written (for replay commands). */
  readonly resultsPath: string;
  readonly signal?: AbortSignal;
  readonly listener?: RunListener;
  /** Fresh finding ids; `F1`, `F2`, … by default. */
  readonly nextFindingId?: () => string;
  /** Features the target or the profile cannot test (listed apart in the coverage). */
  readonly unsupported?: readonly UnsupportedFeature[];
}

export interface ConformanceResult {
  readonly scenarios: number;
  readonly probes: number;
  readonly findings: readonly Finding[];
  readonly checks: readonly CheckSummary[];
  /** What decided the verdicts of the searched scenarios (the second tries and shrink steps not counted). */
  readonly coverage: Coverage;
  readonly counterexample?: Scenario;
  /** Size of the counterexample: the most pods and policies any of its states held, and its steps. */
  readonly shrunk?: { readonly pods: number; readonly policies: number; readonly steps: number };
  readonly timeToFirstFailureMs?: number;
  readonly numShrinks: number;
  readonly durationMs: number;
  readonly interrupted: boolean;
  /** Probes the target could not send (protocol unsupported), reported, never faked. */
  readonly unsupportedProbes: number;
  readonly inconclusive: number;
  /** States where some probe differed at first and then matched within the bound, and the longest wait. */
  readonly converged: { readonly states: number; readonly maxMs: number };
}

export async function runConformance(
  deps: ConformanceDeps,
  settings: ConformanceSettings,
): Promise<ConformanceResult> {
  const { options, signal } = settings;
  const started = Date.now();
  const tally = new Tally(options.areas.includes('model'));
  const { checkOptions, shrinkOptions } = stateCheckOptions(settings);
  // Search time only: time spent shrinking and re-trying a glitch is not taken from the search budget.
  let searchUsedMs = 0;
  let n = 0;
  const nextId = settings.nextFindingId ?? (() => `F${++n}`);
  const findings: Finding[] = [];
  let scenarios = 0;
  let numShrinks = 0;
  let judged: { scenario: Scenario; timeToFirstFailureMs?: number } | undefined;
  // Search; a failure that does not come back on its second try is recorded as inconclusive and the search
  // goes on (next seed) with what is left of the budget, so a passing glitch cannot end a run early.
  for (let round = 0; ; round++) {
    const roundStart = Date.now();
    const search = await searchRound(deps, settings, tally, {
      seed: options.seed + round,
      runs: Math.max(1, options.runs - scenarios),
      budgetMs: Math.max(0, options.budgetMs - searchUsedMs),
      checkOptions,
      shrinkOptions,
    });
    scenarios += search.scenarios;
    numShrinks += search.numShrinks;
    searchUsedMs += search.timeToFirstFailureMs ?? Date.now() - roundStart;
    const shrunk = search.failure?.outcome;
    if (!shrunk) break;
    // fast-check's shrink stalls where steps name policies by index; cut the concrete scenario further.
    const deadline = Math.max(
      roundStart + (search.timeToFirstFailureMs ?? 0) + options.shrinkBudgetMs,
      Date.now() + options.shrinkBudgetMs / 4,
    );
    const reduced = await reduceFailure(shrunk, deps, shrinkOptions, {
      deadline,
      onProbes: (k) => {
        tally.probes += k;
      },
      ...(signal ? { signal } : {}),
      ...(settings.listener ? { listener: settings.listener } : {}),
    });
    const failure = reduced.outcome;
    const found = buildFindings({
      seed: search.seed,
      path: search.path,
      scenario: failure.scenario,
      states: failure.states,
      numShrinks: search.numShrinks,
      reductions: reduced.accepted,
      toYaml: deps.toYaml,
      resultsPath: settings.resultsPath,
      probeCommand: settings.probeCommand,
      nextId,
    });
    if (await reproduces(failure.scenario, deps, checkOptions, tally, signal)) {
      findings.push(...found);
      judged = {
        scenario: failure.scenario,
        ...(search.timeToFirstFailureMs !== undefined
          ? { timeToFirstFailureMs: roundStart - started + search.timeToFirstFailureMs }
          : {}),
      };
      break;
    }
    findings.push(...found.map(markNotReproduced));
    settings.listener?.({
      kind: 'message',
      text: 'the failure did not come back on its second try: recorded as inconclusive, searching on',
    });
    if (signal?.aborted || searchUsedMs >= options.budgetMs || scenarios >= options.runs) break;
  }
  return {
    scenarios,
    probes: tally.probes,
    findings,
    checks: checkSummaries(options.areas, scenarios, findings),
    coverage: tally.coverage.coverage(options.areas, settings.unsupported ?? []),
    ...(judged ? { counterexample: judged.scenario, shrunk: scenarioSize(judged.scenario) } : {}),
    ...(judged?.timeToFirstFailureMs !== undefined
      ? { timeToFirstFailureMs: judged.timeToFirstFailureMs }
      : {}),
    numShrinks,
    durationMs: Date.now() - started,
    interrupted: Boolean(signal?.aborted),
    ...tally.counts(),
  };
}

/** What the loop counts across every check, shrink step and second try; coverage of searched scenarios only. */
class Tally {
  probes = 0;
  unsupportedProbes = 0;
  inconclusive = 0;
  readonly converged = { states: 0, maxMs: 0 };
  readonly coverage = new CoverageTally();

  constructor(private readonly checkModel: boolean) {}

  counts(): Pick<ConformanceResult, 'unsupportedProbes' | 'inconclusive' | 'converged'> {
    return {
      unsupportedProbes: this.unsupportedProbes,
      inconclusive: this.inconclusive,
      converged: this.converged,
    };
  }

  observe(outcome: ScenarioOutcome, shrinking: boolean): void {
    this.probes += outcome.probesSent;
    if (!shrinking) {
      const decided = new ScenarioCoverage();
      for (const s of outcome.states) recordStateCoverage(s, decided, this.checkModel);
      this.coverage.add(decided);
    }
    for (const s of outcome.states) {
      this.unsupportedProbes += s.unsupportedProbes;
      this.inconclusive += s.check.judgements.filter((j) => j.kind === 'inconclusive').length;
      if (s.check.converged && s.check.convergenceMs !== undefined) {
        this.converged.states += 1;
        this.converged.maxMs = Math.max(this.converged.maxMs, s.check.convergenceMs);
      }
    }
  }
}

/** How each state is checked; once the failure was seen to persist past the full bound, shrink steps wait less. */
function stateCheckOptions(settings: ConformanceSettings): {
  checkOptions: ScenarioCheckOptions;
  shrinkOptions: ScenarioCheckOptions;
} {
  const { options, signal } = settings;
  const checkOptions: ScenarioCheckOptions = {
    concurrency: options.concurrency,
    retries: options.retries,
    convergeTimeoutMs: options.convergeTimeoutMs,
    pollIntervalMs: options.pollIntervalMs,
    profile: options.profile,
    protocols: settings.protocols,
    probeTimeoutMs: options.probeTimeoutMs,
    maxProbesPerState: options.maxProbesPerState,
    checkModel: options.areas.includes('model'),
    seed: options.seed,
    ...(signal ? { signal } : {}),
  };
  return {
    checkOptions,
    shrinkOptions: {
      ...checkOptions,
      convergeTimeoutMs: Math.min(options.convergeTimeoutMs, options.shrinkConvergeTimeoutMs),
    },
  };
}

/** One search round through the shared driver: scenarios prepared for the target, checked, counted. */
function searchRound(
  deps: ConformanceDeps,
  settings: ConformanceSettings,
  tally: Tally,
  round: {
    readonly seed: number;
    readonly runs: number;
    readonly budgetMs: number;
    readonly checkOptions: ScenarioCheckOptions;
    readonly shrinkOptions: ScenarioCheckOptions;
  },
) {
  const { signal, listener } = settings;
  return searchAndShrink(
    deps.scenarios,
    async (generated, shrinking) => {
      const scenario = deps.prepare ? deps.prepare(generated) : generated;
      const outcome = await timed(shrinking ? 'runner.scenario-shrinking' : 'runner.scenario', () =>
        checkScenario(scenario, deps, shrinking ? round.shrinkOptions : round.checkOptions),
      );
      return { ...outcome, scenario };
    },
    {
      seed: round.seed,
      runs: round.runs,
      budgetMs: round.budgetMs,
      shrinkBudgetMs: settings.options.shrinkBudgetMs,
      summarize,
      probesSoFar: () => tally.probes,
      observe: (outcome, shrinking) => tally.observe(outcome, shrinking),
      ...(signal ? { signal } : {}),
      ...(listener ? { listener } : {}),
    },
  );
}

/**
 * The second try, as upstream e2e does before it fails (ValidateOrFail): run the counterexample once more from
 * a fresh start. A finding that does not come back is reported as inconclusive, never judged. An interrupted
 * run, or a target that breaks on the second try, keeps the finding.
 */
async function reproduces(
  scenario: Scenario,
  deps: ConformanceDeps,
  checkOptions: ScenarioCheckOptions,
  tally: Tally,
  signal: AbortSignal | undefined,
): Promise<boolean> {
  if (signal?.aborted) return true;
  try {
    const again = await checkScenario(scenario, deps, checkOptions);
    tally.probes += again.probesSent;
    return again.failed;
  } catch {
    return true;
  }
}

/**
 * The structural reduction pass (reduce.ts) on a shrunk failure: a cut is kept when the smaller scenario
 * fails with the same primary failure (rule and kind). Shares the shrink's shorter convergence wait.
 */
async function reduceFailure(
  shrunk: ScenarioOutcome & { scenario: Scenario },
  deps: ConformanceDeps,
  options: ScenarioCheckOptions,
  settings: {
    deadline: number;
    signal?: AbortSignal;
    onProbes: (n: number) => void;
    listener?: RunListener;
  },
): Promise<{ outcome: ScenarioOutcome & { scenario: Scenario }; accepted: number }> {
  const key = primaryFailure(shrunk.states[shrunk.states.length - 1]);
  const failedAt = shrunk.states[shrunk.states.length - 1]?.stateIndex ?? 0;
  let outcome = shrunk;
  const started = Date.now();
  const result = await reduceScenario(
    shrunk.scenario,
    failedAt,
    async (candidate) => {
      const o = await checkScenario(candidate, deps, options);
      settings.onProbes(o.probesSent);
      const last = o.states[o.states.length - 1];
      if (!o.failed || primaryFailure(last) !== key) return undefined;
      outcome = { ...o, scenario: candidate };
      return last?.stateIndex ?? 0;
    },
    {
      deadline: settings.deadline,
      ...(settings.signal ? { signal: settings.signal } : {}),
      onAccept: (label) =>
        settings.listener?.({ kind: 'message', text: `reduced: ${label} (${Date.now() - started} ms)` }),
    },
  );
  return { outcome, accepted: result.accepted };
}

/** A finding whose counterexample passed its second run: recorded as inconclusive, with the reason. */
function markNotReproduced(f: Finding): Finding {
  return {
    ...f,
    kind: 'inconclusive',
    title: `not reproduced: ${f.title}`,
    explanation: [
      `seen as ${f.kind} once, but the same scenario conformed when run again from a fresh start (second try, as upstream e2e does); recorded, not judged`,
      ...(f.explanation ?? []),
    ],
  };
}

function summarize(outcome: ScenarioOutcome): string {
  const last = outcome.states[outcome.states.length - 1];
  if (!last) return 'scenario failed';
  const bad = last.check.judgements.filter(isFailing);
  const kinds = new Map<string, number>();
  for (const j of bad) kinds.set(j.kind, (kinds.get(j.kind) ?? 0) + 1);
  for (const v of last.check.staticViolations) kinds.set(v.rule, (kinds.get(v.rule) ?? 0) + 1);
  return [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
}
