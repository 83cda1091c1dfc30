/**
 * The load-balancing area (issue 8): fast-check draws LB scenarios (`lb/lbScenario.ts`), each runs on a
 * target in its proxy mode (`lb/checkLbScenario.ts`), and every test it makes is gated:
 * - during the search, a statistical test rejects at `familyAlpha / plannedTests` (Bonferroni over the
 *   tests the run may make; the search stops once that many were made), an exact one at any violation;
 * - at the end, Holm's step-down at `familyAlpha` runs over every statistical test of the search, so the
 *   family-wise false-alarm rate of the run is at most `familyAlpha` and every search rejection stands.
 * A failing scenario is shrunk (each step re-realizes and re-tests at the same per-test level).
 */

import type fc from 'fast-check';
import type { LbOptions, SamplePlan } from '../../../oracle/lb/index.ts';
import { formatSamplePlan, holm, lbOptions, planSamples } from '../../../oracle/lb/index.ts';
import type { IPFamilyMode } from '../../../spec/ipFamily.ts';
import type { Cluster } from '../../../spec/model.ts';
import type { CheckSummary, Coverage, Finding, LbDetail, UnsupportedFeature } from '../../../spec/results.ts';
import { RULES, ruleInfo } from '../../../spec/rules.ts';
import type { ProxyMode, Target } from '../../../spec/target.ts';
import type { AreaContext, AreaOutcome, AreaRunner } from '../../area.ts';
import { CoverageTally, ScenarioCoverage } from '../../coverage.ts';
import type { PolicyOracleFactory } from '../../policyOracle.ts';
import type { SearchResult } from '../../searchAndShrink.ts';
import { searchAndShrink } from '../../searchAndShrink.ts';
import { type ManualProbe, manualProbeCommand } from '../../targets/index.ts';
import { checkLbScenario, type LbScenarioOutcome } from './checkLbScenario.ts';
import type { LbCheck } from './lbCheck.ts';
import { rejectsAt } from './lbCheck.ts';
import { recordLbCoverage } from './lbCoverage.ts';
import type { LbScenario } from './lbScenario.ts';
import { inNamespace, LB_NAMESPACE, lbScenarioArb } from './lbScenario.ts';

/** Targets per proxy mode for one area run: the run's own target where it already plays the mode. */
export interface ModeTargets {
  /** The modes this run can exercise. */
  readonly modes: readonly ProxyMode[];
  get(mode: ProxyMode): Promise<Target>;
  /** Tears down whatever `get` opened (not the run's own target). */
  close(): Promise<void>;
}

export interface LbAreaOptions {
  /**
   * Statistical tests the run may make; each is sized and gated at familyAlpha / plannedTests, and the
   * search stops once this many were made (so Holm over the run never undoes a search rejection).
   */
  readonly plannedTests: number;
  /** Connections per client to a Service port without endpoints. */
  readonly rejectProbes: number;
}

export const DEFAULT_LB_AREA_OPTIONS: LbAreaOptions = { plannedTests: 1000, rejectProbes: 3 };

export interface LbAreaDeps {
  readonly modeTargets: (ctx: AreaContext) => ModeTargets | Promise<ModeTargets>;
  readonly oracleFactory: PolicyOracleFactory;
  readonly toYaml: (cluster: Cluster) => string;
  /** Overrides of the LB statistics options (family α, power, effect size, …). */
  readonly lb?: Partial<LbOptions>;
  readonly area?: Partial<LbAreaOptions>;
  /** Scenarios to draw (default: every mode the targets offer). */
  readonly scenarios?: (modes: readonly ProxyMode[], ipFamily: IPFamilyMode) => fc.Arbitrary<LbScenario>;
}

const LB_RULES = RULES.filter((r) => r.area === 'lb');

const planCache = new Map<string, SamplePlan>();

/** `planSamples`, cached per endpoint count and options (calibration may simulate for seconds). */
export function cachedPlan(endpoints: number, plannedTests: number, options: LbOptions): SamplePlan {
  const key = `${endpoints}|${plannedTests}|${JSON.stringify(options)}`;
  let plan = planCache.get(key);
  if (!plan) {
    plan = planSamples(endpoints, plannedTests, options);
    planCache.set(key, plan);
  }
  return plan;
}

interface Evaluated {
  readonly index: number;
  /** The scenario as run (in its own namespace). */
  readonly scenario: LbScenario;
  readonly outcome: LbScenarioOutcome;
  readonly failed: boolean;
}

function lbScenarios(
  deps: LbAreaDeps,
  modes: readonly ProxyMode[],
  ipFamily: IPFamilyMode,
): fc.Arbitrary<LbScenario> {
  return (deps.scenarios ?? lbScenarioArb)(modes, ipFamily);
}

export function lbArea(deps: LbAreaDeps): AreaRunner {
  return {
    areas: ['lb'],
    async run(ctx: AreaContext): Promise<AreaOutcome> {
      const lb = lbOptions(deps.lb);
      const area = { ...DEFAULT_LB_AREA_OPTIONS, ...deps.area };
      const alphaPerTest = lb.familyAlpha / area.plannedTests;
      const targets = await deps.modeTargets(ctx);
      if (targets.modes.length === 0) return unsupported(ctx);
      ctx.listener?.({
        kind: 'message',
        text: `lb: family alpha ${lb.familyAlpha} (Holm over the run), ${area.plannedTests} planned tests, ${fmt(alphaPerTest)} per test; modes ${targets.modes.join(', ')}`,
      });
      let run: LbSearch;
      try {
        run = await searchLb(ctx, deps, { lb, area, alphaPerTest }, targets);
      } finally {
        await targets.close();
      }
      const gate = holmOverRun(run.searched, lb.familyAlpha, alphaPerTest);
      const findings = lbFindings(ctx, deps, run, gate, lb.familyAlpha, alphaPerTest);
      const lastFailure = run.search.failure?.outcome;
      return {
        areas: ['lb'],
        scenarios: run.searched.length,
        probes: run.probes,
        findings,
        checks: lbChecks(run.searched, findings),
        coverage: lbCoverage(run.searched, targets.modes, ctx.targetName, ctx.options.ipFamily),
        sections: { lb: lbSections(run.searched, gate) },
        ...(run.search.timeToFirstFailureMs !== undefined
          ? { timeToFirstFailureMs: run.search.timeToFirstFailureMs }
          : {}),
        ...(lastFailure
          ? {
              shrunk: {
                pods: lastFailure.scenario.cluster.pods.length,
                policies: lastFailure.scenario.cluster.policies.length,
                steps: 0,
              },
            }
          : {}),
        notes: lbNotes(run, gate, lb, area, alphaPerTest),
      };
    },
  };
}

/** No proxy mode to test: the area is unsupported, with the reason, and runs nothing. */
function unsupported(ctx: AreaContext): AreaOutcome {
  const why = 'the target balances Services in no proxy mode the LB area can test (no kube-proxy found)';
  ctx.listener?.({ kind: 'message', text: `lb: unsupported: ${why}` });
  return {
    areas: ['lb'],
    scenarios: 0,
    probes: 0,
    findings: [],
    checks: [],
    unsupported: why,
    notes: { lbUnsupported: why },
  };
}

interface LbLevels {
  readonly lb: LbOptions;
  readonly area: LbAreaOptions;
  readonly alphaPerTest: number;
}

/** What the search saw: every searched scenario (not the shrink steps), and the counts the notes report. */
interface LbSearch {
  readonly search: SearchResult<LbScenario, Evaluated>;
  readonly searched: readonly Evaluated[];
  readonly probes: number;
  readonly inconclusive: number;
  readonly modeCount: ReadonlyMap<ProxyMode, number>;
  readonly plansUsed: ReadonlyMap<number, SamplePlan>;
  /** The checks of an outcome that reject, limited to the first failure's rules once there is one. */
  readonly rejecting: (outcome: LbScenarioOutcome) => LbCheck[];
}

/**
 * The search, through the shared driver: each scenario runs in its own namespace on the target of its mode,
 * timed-out rejections are retested, and the search stops before the planned statistical tests could be
 * exceeded. While shrinking, only the rules of the first failure count, so the counterexample stays on topic.
 */
async function searchLb(
  ctx: AreaContext,
  deps: LbAreaDeps,
  { lb, area, alphaPerTest }: LbLevels,
  targets: ModeTargets,
): Promise<LbSearch> {
  const options = ctx.options;
  let probes = 0;
  let inconclusive = 0;
  let statisticalTests = 0;
  let evaluations = 0;
  const plansUsed = new Map<number, SamplePlan>();
  const searched: Evaluated[] = [];
  let firstRules: ReadonlySet<string> | undefined;
  const modeCount = new Map<ProxyMode, number>();
  const settings = {
    lb,
    planFor: (n: number) => {
      const plan = cachedPlan(n, area.plannedTests, lb);
      if (!plansUsed.has(n)) {
        plansUsed.set(n, plan);
        for (const line of formatSamplePlan(plan, lb)) ctx.listener?.({ kind: 'message', text: line });
      }
      return plan;
    },
    oracleFactory: deps.oracleFactory,
    profile: options.profile,
    probeTimeoutMs: options.probeTimeoutMs,
    concurrency: options.concurrency,
    retries: options.retries,
    rejectProbes: area.rejectProbes,
    probeCommand: (p: ManualProbe) => manualProbeCommand(ctx, p),
    signal: ctx.signal,
  };
  // The most statistical tests one scenario can make: 3 Services x 2 ports x (2 + 2 policy groups).
  const maxTestsPerScenario = 24;
  const rejecting = (outcome: LbScenarioOutcome): LbCheck[] =>
    outcome.checks.filter(
      (c) => rejectsAt(c, alphaPerTest) && (firstRules === undefined || firstRules.has(c.rule)),
    );
  const check = async (generated: LbScenario, shrinking: boolean): Promise<Evaluated> => {
    evaluations += 1;
    const scenario = inNamespace(generated, `${LB_NAMESPACE}-${evaluations}`);
    const target = await targets.get(scenario.mode);
    const caps = await target.capabilities();
    const traits = { policyEnforced: caps.policyEnforced !== false };
    let outcome = await checkLbScenario(scenario, target, settings, traits);
    outcome = await retestTimeouts(outcome, alphaPerTest, () =>
      checkLbScenario(scenario, target, settings, traits),
    );
    probes += outcome.probes;
    inconclusive += outcome.inconclusive;
    const failed = rejecting(outcome).length > 0;
    const evaluated: Evaluated = { index: searched.length + 1, scenario, outcome, failed };
    if (!shrinking) {
      searched.push(evaluated);
      modeCount.set(scenario.mode, (modeCount.get(scenario.mode) ?? 0) + 1);
      statisticalTests += outcome.checks.filter((c) => c.statistical).length;
      if (failed) firstRules = new Set(rejecting(outcome).map((c) => c.rule));
    }
    return evaluated;
  };
  const search = await searchAndShrink(lbScenarios(deps, targets.modes, options.ipFamily), check, {
    seed: options.seed,
    runs: options.runs,
    budgetMs: options.budgetMs,
    shrinkBudgetMs: options.shrinkBudgetMs,
    signal: ctx.signal,
    ...(ctx.listener ? { listener: ctx.listener } : {}),
    summarize: (e) =>
      rejecting(e.outcome)
        .map((c) => `${c.rule} ${c.service}:${c.port}`)
        .join(', '),
    probesSoFar: () => probes,
    admit: () => statisticalTests + maxTestsPerScenario <= area.plannedTests,
  });
  return { search, searched, probes, inconclusive, modeCount, plansUsed, rejecting };
}

interface FamilyMember {
  readonly id: string;
  readonly check: LbCheck;
  readonly e: Evaluated;
}

interface RunGate {
  /** Every statistical test of the search. */
  readonly family: readonly FamilyMember[];
  readonly decisions: ReadonlyMap<string, { readonly reject: boolean; readonly threshold: number }>;
  /** The level a check was judged at over the run (Holm's threshold; exact checks: the family level). */
  readonly alphaFor: (e: Evaluated, c: LbCheck) => number;
}

/** Holm over every statistical test of the search; exact tests stand on their own (p in {0, 1}). */
function holmOverRun(searched: readonly Evaluated[], familyAlpha: number, alphaPerTest: number): RunGate {
  const family = searched.flatMap((e) =>
    e.outcome.checks.filter((c) => c.statistical).map((c) => ({ id: `${e.index}|${c.id}`, check: c, e })),
  );
  const decisions = new Map(
    holm(
      family.map((f) => ({ id: f.id, pValue: f.check.result.pValue })),
      familyAlpha,
    ).map((d) => [d.id, d]),
  );
  return {
    family,
    decisions,
    alphaFor: (e, c) =>
      c.statistical ? (decisions.get(`${e.index}|${c.id}`)?.threshold ?? alphaPerTest) : familyAlpha,
  };
}

/** The histograms of the report: every histogram check of the search, at the level it was judged. */
function lbSections(searched: readonly Evaluated[], gate: RunGate): LbDetail[] {
  return searched.flatMap((e) =>
    e.outcome.checks
      .filter((c) => c.histogram)
      .map((c) => ({
        ...c.detail,
        service: `${c.service} (scenario ${e.index})`,
        alpha: gate.alphaFor(e, c),
      })),
  );
}

/**
 * One finding per rule of the shrunk failure; then the tests Holm rejects over the run that the Bonferroni
 * search level let pass (findings too, not shrunk).
 */
function lbFindings(
  ctx: AreaContext,
  deps: LbAreaDeps,
  run: LbSearch,
  gate: RunGate,
  familyAlpha: number,
  alphaPerTest: number,
): Finding[] {
  const findings: Finding[] = [];
  const { seed, path, numShrinks } = run.search;
  const lastFailure = run.search.failure?.outcome;
  if (lastFailure) {
    const seen = new Set<string>();
    for (const c of run.rejecting(lastFailure.outcome)) {
      if (seen.has(c.rule)) continue;
      seen.add(c.rule);
      const alpha = c.statistical ? alphaPerTest : familyAlpha;
      findings.push(
        toFinding(ctx, deps, lastFailure.scenario, c, alpha, familyAlpha, { seed, path, numShrinks }),
      );
    }
  }
  const searchFailure = run.searched.find((e) => e.outcome.checks.some((c) => rejectsAt(c, alphaPerTest)));
  for (const f of gate.family) {
    const d = gate.decisions.get(f.id);
    if (!d?.reject || rejectsAt(f.check, alphaPerTest) || f.e === searchFailure) continue;
    findings.push(
      toFinding(ctx, deps, f.e.scenario, f.check, d.threshold, familyAlpha, {
        seed,
        path: '',
        numShrinks: 0,
      }),
    );
  }
  return findings;
}

/** One JUnit check per LB rule: the scenarios that tested it and the findings against it. */
function lbChecks(searched: readonly Evaluated[], findings: readonly Finding[]): CheckSummary[] {
  return LB_RULES.map((r) => ({
    area: 'lb',
    rule: r.id,
    title: r.statement,
    scenarios: searched.filter((e) => e.outcome.checks.some((c) => c.rule === r.id)).length,
    findings: findings.filter((f) => f.rule === r.id).length,
  }));
}

/** What decided the searched scenarios' verdicts; the proxy modes the target does not play are unsupported. */
function lbCoverage(
  searched: readonly Evaluated[],
  modes: readonly ProxyMode[],
  targetName: string,
  ipFamily: IPFamilyMode,
): Coverage {
  const tally = new CoverageTally();
  for (const e of searched) {
    const decided = new ScenarioCoverage();
    recordLbCoverage(e.outcome.checks, decided);
    tally.add(decided);
  }
  const unsupported = ALL_MODES.filter((m) => !modes.includes(m)).map(
    (m): UnsupportedFeature => ({
      area: 'lb',
      feature: `mode ${m}`,
      reason: `target ${targetName} balances in ${modes.join(', ')} mode only`,
    }),
  );
  // Only a dual-stack run draws Services with an IPv6 ClusterIP (lbScenario.ts).
  if (ipFamily !== 'dual')
    unsupported.push({
      area: 'lb',
      feature: 'IPv6 ClusterIP',
      reason: `the run's Services are single-stack (--ip-family ${ipFamily}); dual-stack Services need --ip-family dual`,
    });
  return tally.coverage(['lb'], unsupported);
}

const ALL_MODES: readonly ProxyMode[] = ['random', 'round-robin'];

/** What results.json records of the run's statistics. */
function lbNotes(
  run: LbSearch,
  gate: RunGate,
  lb: LbOptions,
  area: LbAreaOptions,
  alphaPerTest: number,
): Record<string, number | string> {
  return {
    lbFamilyAlpha: lb.familyAlpha,
    lbPlannedTests: area.plannedTests,
    lbAlphaPerTest: alphaPerTest,
    lbStatisticalTests: gate.family.length,
    lbPower: lb.power,
    lbEffectRatio: lb.effectRatio,
    lbGoodnessOfFit: lb.goodnessOfFit,
    lbScenariosRandom: run.modeCount.get('random') ?? 0,
    lbScenariosRoundRobin: run.modeCount.get('round-robin') ?? 0,
    lbInconclusive: run.inconclusive,
    lbShrinkSteps: run.search.numShrinks,
    ...Object.fromEntries(
      [...run.plansUsed]
        .sort(([a], [b]) => a - b)
        .map(([n, plan]) => [`lbSamplesFor${n}Endpoints`, describePlan(plan)]),
    ),
  };
}

/**
 * A rejection that rests on connections that timed out may be the machine, not the network: a stalled
 * prober reports a timeout although the reply came (2 shared cores, dozens of agents). Such checks are
 * run again on a fresh sample and the retest's result replaces them (docs/research/lb.md §7.8 "retest on failure");
 * a real black hole times out again. Rejections without timeouts stand as they are.
 */
async function retestTimeouts(
  outcome: LbScenarioOutcome,
  alphaPerTest: number,
  again: () => Promise<LbScenarioOutcome>,
): Promise<LbScenarioOutcome> {
  const noisy = new Set(
    outcome.checks.filter((c) => c.timeouts > 0 && rejectsAt(c, alphaPerTest)).map((c) => c.id),
  );
  if (noisy.size === 0) return outcome;
  const retest = await again();
  const byId = new Map(retest.checks.map((c) => [c.id, c]));
  const checks: LbCheck[] = [];
  for (const c of outcome.checks) {
    if (!noisy.has(c.id)) {
      checks.push(c);
      continue;
    }
    const r = byId.get(c.id);
    if (!r) continue;
    checks.push({
      ...r,
      explanation: [
        ...r.explanation,
        `retested: the first sample rejected with ${c.timeouts} timed-out connection(s) (p = ${fmt(c.result.pValue)}); this is the second sample`,
      ],
    });
  }
  return {
    checks,
    probes: outcome.probes + retest.probes,
    inconclusive: outcome.inconclusive + (noisy.size - checks.filter((c) => noisy.has(c.id)).length),
  };
}

function toFinding(
  ctx: AreaContext,
  deps: LbAreaDeps,
  scenario: LbScenario,
  check: LbCheck,
  alpha: number,
  familyAlpha: number,
  origin: { seed: number; path: string; numShrinks: number },
): Finding {
  const info = ruleInfo(check.rule);
  const p = check.result.pValue;
  return {
    id: ctx.nextFindingId(),
    area: 'lb',
    rule: check.rule,
    ...(info ? { ruleTitle: info.statement } : {}),
    kind: check.kind,
    title: `${check.rule}: ${check.service}:${check.port} (${check.mode}, ${check.scope}) ${check.result.test} ${check.statistical ? `p = ${fmt(p)} <= ${fmt(alpha)}` : 'violated'}`,
    seed: origin.seed,
    path: origin.path,
    expected: check.expected,
    observed: check.observed,
    explanation: [
      ...check.explanation,
      `proxy mode ${scenario.mode}; ${check.statistical ? `rejected at ${fmt(alpha)} (family alpha ${fmt(familyAlpha)} over the run, Holm)` : 'an exact prediction was violated'}`,
    ],
    scenarioYaml: `# podnet LB counterexample (proxy mode ${scenario.mode}; clients ${scenario.clients.join(', ')})\n${deps.toYaml(scenario.cluster)}`,
    scenario,
    probe: check.probe,
    lb: { ...check.detail, alpha },
    shrink: {
      steps: origin.numShrinks,
      pods: scenario.cluster.pods.length,
      policies: scenario.cluster.policies.length,
      changes: 0,
    },
    namespaces: scenario.cluster.namespaces.map((n) => n.name),
  };
}

/** The sample sizes of one plan on one line, for results.json. */
function describePlan(plan: SamplePlan): string {
  if (plan.endpoints < 2) return 'exact checks only';
  return `goodness of fit ${plan.goodnessOfFit.samples} (power ${plan.goodnessOfFit.achievedPower.toFixed(3)}), coverage ${plan.coverage}, round-robin ${plan.roundRobin}, affinity ${plan.affinityPerWindow} per window`;
}

function fmt(v: number): string {
  return Number(v.toPrecision(3)).toString();
}
