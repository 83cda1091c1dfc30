/**
 * The report fixtures (reports/fixtures/*.json) as real runs of the runner: `runSession` with the area
 * runners `podnet run` uses (the policy/model conformance loop, the flannel area, the LB area), each on an
 * in-memory stand-in for the lab instead of network namespaces. No root, no lab, no sleeps; fixed seeds,
 * run counts instead of time budgets, no convergence polling; `normaliseVolatile` then fixes what the clock
 * decides, so the documents are reproducible byte for byte. `full` merges the other runs into one document.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import type { FixtureName } from '../../reports/fixtures/load.ts';
import { FIXTURES } from '../../reports/fixtures/load.ts';
import type { AreaRunner } from '../../runner/area.ts';
import { flannelArea } from '../../runner/areas/flannel/flannelArea.ts';
import type { FlannelScenario } from '../../runner/areas/flannel/flannelScenario.ts';
import { FakeLbTarget } from '../../runner/areas/lb/fakeLbTarget.test-helpers.ts';
import type { ModeTargets } from '../../runner/areas/lb/lbArea.ts';
import { lbArea } from '../../runner/areas/lb/lbArea.ts';
import { conformanceArea } from '../../runner/areas/policy/conformanceArea.ts';
import { CONFORMANCE } from '../../runner/areas/policy/conformanceRunner.ts';
import { replayCommand } from '../../runner/areas/policy/findings.ts';
import { AREAS } from '../../runner/areas/registry.ts';
import { runCoverage } from '../../runner/coverage.ts';
import type { RunOptions } from '../../runner/options.ts';
import { DEFAULT_RUN_OPTIONS } from '../../runner/options.ts';
import { policyOracleFactory } from '../../runner/oracleBridge.ts';
import type { AreaRun } from '../../runner/resultsDocument.ts';
import { buildResultsDocument } from '../../runner/resultsDocument.ts';
import { runSession } from '../../runner/session.ts';
import { clusterToManifests } from '../../spec/manifests/write.ts';
import type { Area, CheckSummary, ResultsDocument } from '../../spec/results.ts';
import type { ProxyMode, Target } from '../../spec/target.ts';
import type { OracleLabFault, OracleLabOptions } from './oracleLab.ts';
import { OracleLab } from './oracleLab.ts';
import type { RecordedFlannelFault } from './recordedFlannelLab.ts';
import { RECORDINGS, RecordedFlannelLab, recording } from './recordedFlannelLab.ts';

/** Every fixture but hostile.json, which stays hand-made (see reports/fixtures/load.ts). */
export type GeneratedFixture = Exclude<FixtureName, 'hostile'>;

export const GENERATED = FIXTURES.filter((name): name is GeneratedFixture => name !== 'hostile');

/** One run: what it covers, the stand-ins its areas run on, and the lab faults they emulate. */
interface FixtureRun {
  readonly areas: readonly Area[];
  readonly seed: number;
  readonly runs: number;
  /** Recorded as `podnet run --lab-fault` records them (`labFaults`, and flannel's rerun command). */
  readonly labFaults: readonly string[];
  readonly policy?: OracleLabOptions;
  readonly flannel?: readonly RecordedFlannelFault[];
  /** Proxy modes the LB stand-in plays (none: the area is unsupported), and whether it skews. */
  readonly lb?: { readonly modes: readonly ProxyMode[]; readonly skew: boolean };
}

/** The policy and model areas on a stand-in with one lab fault, searched until the first failure. */
function policyRun(fault: OracleLabFault): FixtureRun {
  return { areas: ['policy', 'model'], seed: 7, runs: 200, labFaults: [fault], policy: { faults: [fault] } };
}

/** The runs; `full` merges the ones listed in `FULL`. */
const RUNS: Readonly<Record<Exclude<GeneratedFixture, 'full'> | 'block' | 'model', FixtureRun>> = {
  // A conforming stand-in in every area: PASS.
  clean: {
    areas: ['policy', 'model', 'flannel', 'lb'],
    seed: 1,
    runs: 6,
    labFaults: [],
    policy: {},
    flannel: [],
    lb: { modes: ['random', 'round-robin'], skew: false },
  },
  // ipBlock except lists ignored by the policy agent: a leak, shrunk, with its truth table.
  policy: policyRun('ignore-except'),
  // endPort ignored: a port range allows only its first port, so the rest of the range is blocked.
  block: policyRun('endport-ignored'),
  // Pod-to-pod traffic between nodes masqueraded to the node IP: the network model's MODEL-NO-NAT.
  model: policyRun('pod-snat'),
  // One FDB entry missing on node-1 (recorded vxlan lab states): node-state mismatch and a blocked probe.
  flannel: {
    areas: ['flannel'],
    seed: 5,
    runs: 20,
    labFaults: ['vxlan-fdb-missing'],
    flannel: ['vxlan-fdb-missing'],
  },
  // The first endpoint of every Service gets a double share: a rejected distribution with its histogram.
  lb: { areas: ['lb'], seed: 11, runs: 20, labFaults: ['lb-skew'], lb: { modes: ['random'], skew: true } },
  // node-2's agent never answers (inconclusive probes, counted) and a leak that does not come back on the
  // second try (an inconclusive finding); no proxy mode to test (the LB area is unsupported).
  inconclusive: {
    areas: ['policy', 'model', 'lb'],
    seed: 3,
    runs: 40,
    labFaults: [],
    policy: { faults: ['egress-ignored'], transient: true, deadAgents: ['node:node-2'] },
    lb: { modes: [], skew: false },
  },
};

/** The runs whose findings `full` gathers, in the order a run over every area would write them. */
const FULL = ['policy', 'block', 'model', 'inconclusive', 'flannel', 'lb'] as const;

/** Where the session writes results.json, relative to its working directory (the CLI's default `--out`). */
const OUT = 'podnet-results';

/** Stand-ins for `podnet run`'s clock: every fixture claims this start and duration. */
const FIXED_STARTED_AT = '2026-01-01T00:00:00.000Z';
const FIXED_DURATION_MS = 73_400;

/**
 * The one place the clock is taken out of a document: the start time and duration, any convergence time,
 * check durations, and the polling time an explanation quotes (`polled for N ms`) get fixed values. Nothing
 * else of a run depends on the clock here (budgets are never reached; see `optionsFor`).
 */
export function normaliseVolatile(doc: ResultsDocument): ResultsDocument {
  return {
    ...doc,
    startedAt: FIXED_STARTED_AT,
    options: Object.fromEntries(
      Object.entries(doc.options).map(([k, v]) => [k, k === 'convergenceMaxMs' ? 0 : v]),
    ),
    summary: { ...doc.summary, durationMs: FIXED_DURATION_MS },
    findings: doc.findings.map((f) => ({
      ...f,
      ...(f.convergenceMs !== undefined ? { convergenceMs: 0 } : {}),
      ...(f.explanation
        ? { explanation: f.explanation.map((line) => line.replace(/polled for \d+ ms/, 'polled for 0 ms')) }
        : {}),
    })),
    ...(doc.checks
      ? { checks: doc.checks.map((c) => (c.durationMs !== undefined ? { ...c, durationMs: 0 } : c)) }
      : {}),
  };
}

/**
 * The run's options: fixed seed and run count; budgets far beyond what the runs take, so a search and its
 * shrinking always end by themselves, never by the clock; no convergence polling (the stand-ins are
 * consistent at once).
 */
function optionsFor(run: FixtureRun): RunOptions {
  return {
    ...DEFAULT_RUN_OPTIONS,
    seed: run.seed,
    runs: run.runs,
    areas: run.areas,
    budgetMs: 3_600_000,
    shrinkBudgetMs: 3_600_000,
    convergeTimeoutMs: 0,
    shrinkConvergeTimeoutMs: 0,
  };
}

/** `runner` on its own stand-in instead of the session's target. */
function onTarget(runner: AreaRunner, target: Target): AreaRunner {
  return { areas: runner.areas, run: (ctx) => runner.run({ ...ctx, target }) };
}

function lbModeTargets(modes: readonly ProxyMode[], skew: boolean): () => ModeTargets {
  const byMode = new Map<ProxyMode, FakeLbTarget>();
  return () => ({
    modes,
    async get(mode) {
      let t = byMode.get(mode);
      if (!t) {
        t = new FakeLbTarget({ mode, skew });
        byMode.set(mode, t);
      }
      return t;
    },
    async close() {},
  });
}

/** The area runners of `podnet run`, in registry order, each on its stand-in. */
function runnersFor(run: FixtureRun): { runners: AreaRunner[]; sessionTarget: Target } {
  const lab = new OracleLab(run.policy ?? {});
  const runners: AreaRunner[] = [];
  if (run.policy) runners.push(onTarget(conformanceArea(CONFORMANCE), lab));
  if (run.flannel) {
    const scenarios = RECORDINGS.map((name) => recording(name));
    const flannel = flannelArea({
      scenarios: () => fc.constantFrom<FlannelScenario>(...scenarios.map((r) => r.scenario)),
    });
    runners.push(onTarget(flannel, new RecordedFlannelLab(scenarios, run.flannel)));
  }
  if (run.lb) {
    runners.push(
      lbArea({
        modeTargets: lbModeTargets(run.lb.modes, run.lb.skew),
        oracleFactory: policyOracleFactory,
        toYaml: clusterToManifests,
      }),
    );
  }
  return { runners, sessionTarget: lab };
}

/** One real session; the document as written to results.json, read back and normalised. */
async function session(run: FixtureRun): Promise<ResultsDocument> {
  const cwd = mkdtempSync(join(tmpdir(), 'podnet-fixture-'));
  try {
    const { runners, sessionTarget } = runnersFor(run);
    const result = await runSession(
      {
        openTarget: async () => sessionTarget,
        targetName: 'lab',
        areaRunners: runners,
        areaTitles: AREAS.titles(),
      },
      {
        options: optionsFor(run),
        outDir: join(cwd, OUT),
        cwd,
        faults: run.labFaults,
        recordOptions: { labFaults: run.labFaults },
      },
    );
    return normaliseVolatile(JSON.parse(readFileSync(result.resultsPath, 'utf8')) as ResultsDocument);
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
}

/**
 * Several runs as one document, for `full`: findings in order, renumbered `F1`, `F2`, … as one session
 * numbers them (replay commands follow, through the runner's own `replayCommand`); each area's counts
 * summed over the runs that covered it; checks summed per rule, coverage per rule and feature (the runner's
 * `runCoverage`); options of the first run, completed by the others' notes; the summary recomputed by the
 * runner's `buildResultsDocument`.
 */
export function mergeDocuments(docs: readonly ResultsDocument[]): ResultsDocument {
  const first = docs[0];
  if (!first) throw new Error('nothing to merge');
  let n = 0;
  const findings = docs.flatMap((d) =>
    d.findings.map((f) => {
      const id = `F${++n}`;
      const replay = f.replayCommand?.endsWith(` --finding ${f.id}`)
        ? { replayCommand: replayCommand(`${OUT}/results.json`, id) }
        : {};
      return { ...f, id, ...replay };
    }),
  );
  const areas = AREAS.names().filter((a) => docs.some((d) => d.areas.includes(a)));
  const areaRuns: AreaRun[] = areas.map((area) => {
    const runs = docs
      .map((d) => d.summary.byArea[area])
      .filter((r) => r !== undefined && r.status !== 'not-run');
    const statuses = runs.map((r) => r?.status);
    return {
      area,
      status: statuses.includes('fail')
        ? 'fail'
        : statuses.includes('pass')
          ? 'pass'
          : statuses.includes('unsupported')
            ? 'unsupported'
            : 'not-run',
      scenarios: runs.reduce((s, r) => s + (r?.scenarios ?? 0), 0),
      findings: runs.reduce((s, r) => s + (r?.findings ?? 0), 0),
    };
  });
  const checks = new Map<string, CheckSummary>();
  for (const c of docs.flatMap((d) => d.checks ?? [])) {
    const key = `${c.area}|${c.rule}`;
    const seen = checks.get(key);
    checks.set(
      key,
      seen ? { ...seen, scenarios: seen.scenarios + c.scenarios, findings: seen.findings + c.findings } : c,
    );
  }
  const labFaults = [
    ...new Set(docs.flatMap((d) => (d.options.labFaults as readonly string[] | undefined) ?? [])),
  ];
  const options: Record<string, ResultsDocument['options'][string]> = {};
  for (const [key, value] of docs.flatMap((d) => Object.entries(d.options))) {
    if (!(key in options)) options[key] = value;
  }
  const lb = docs.flatMap((d) => d.sections?.lb ?? []);
  const flannel = docs.flatMap((d) => d.sections?.flannel ?? []);
  const merged = buildResultsDocument({
    target: first.target,
    seed: first.seed,
    startedAt: new Date(first.startedAt),
    areas,
    areaTitles: Object.fromEntries(
      Object.entries(first.summary.byArea).map(([area, s]) => [area, s?.title ?? area]),
    ),
    profile: first.profile,
    options: { ...options, areas, labFaults },
    scenarios: docs.reduce((s, d) => s + d.summary.scenarios, 0),
    probes: docs.reduce((s, d) => s + d.summary.probes, 0),
    findings,
    checks: [...checks.values()],
    coverage: runCoverage(
      areas,
      docs.flatMap((d) => (d.coverage ? [d.coverage] : [])),
    ),
    areaRuns,
    durationMs: first.summary.durationMs,
    interrupted: docs.some((d) => d.summary.interrupted),
    ...(lb.length > 0 || flannel.length > 0
      ? { sections: { ...(lb.length > 0 ? { lb } : {}), ...(flannel.length > 0 ? { flannel } : {}) } }
      : {}),
  });
  return normaliseVolatile(merged);
}

/** Every generated fixture document, each run once. */
export async function generateFixtures(): Promise<Record<GeneratedFixture, ResultsDocument>> {
  const done = new Map<string, ResultsDocument>();
  for (const [name, run] of Object.entries(RUNS)) done.set(name, await session(run));
  const get = (name: string): ResultsDocument => done.get(name) as ResultsDocument;
  return {
    clean: get('clean'),
    policy: get('policy'),
    flannel: get('flannel'),
    lb: get('lb'),
    inconclusive: get('inconclusive'),
    full: mergeDocuments(FULL.map(get)),
  };
}

/** A document as the fixture file holds it (the text runSession writes; biome formats it afterwards). */
export function fixtureText(doc: ResultsDocument): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}
