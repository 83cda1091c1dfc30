/**
 * One `podnet run`: open the target, run each enabled area, always tear down (success, failure,
 * SIGINT/SIGTERM), and write the results gathered so far. Returns the exit code.
 */
import { join, relative } from 'node:path';
import type { CoverageRequirement } from '../spec/coverageRequirement.ts';
import { EXIT } from '../spec/errors.ts';
import { writeOutputFile } from '../spec/inputFile.ts';
import type { Area, AreaSections, CheckSummary, Finding, ResultsDocument } from '../spec/results.ts';
import type { Target } from '../spec/target.ts';
import type { AreaOutcome, AreaRunner } from './area.ts';
import type { AreaRegistry } from './areas/registry.ts';
import { AREAS } from './areas/registry.ts';
import { runCoverage } from './coverage.ts';
import { unmetCoverage } from './coverageGate.ts';
import type { RunOptions } from './options.ts';
import { describeOptions } from './options.ts';
import type { RunListener } from './progress.ts';
import type { AreaRun } from './resultsDocument.ts';
import { buildResultsDocument, isJudged } from './resultsDocument.ts';
import type { TargetEntry, TargetSettings } from './targets/index.ts';

/** Exit code of a run stopped by Ctrl-C before it found anything (128 + SIGINT). */
const EXIT_INTERRUPTED = 130;

export interface SessionDeps {
  readonly openTarget: () => Promise<Target>;
  readonly targetName: string;
  readonly areaRunners: readonly AreaRunner[];
  /** Every area of the registry (name → title), for results.json; default: the runners' areas. */
  readonly areaTitles?: Readonly<Record<Area, string>>;
  /** Writes report.html / junit.xml (and more) beside results.json. */
  readonly render?: (doc: ResultsDocument, outDir: string) => Promise<void>;
}

export interface SessionSettings {
  readonly options: RunOptions;
  readonly outDir: string;
  readonly cwd: string;
  readonly faults?: readonly string[];
  readonly listener?: RunListener;
  /** Install SIGINT/SIGTERM handlers (the CLI does; tests pass their own signal). */
  readonly handleSignals?: boolean;
  readonly signal?: AbortSignal;
  /** More options to record in results.json (e.g. the lab faults, which replay needs). */
  readonly recordOptions?: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  /** `--require-coverage`: a run that conforms but leaves any of it never exercised exits `EXIT.coverage`. */
  readonly requireCoverage?: CoverageRequirement;
}

export interface SessionResult {
  readonly exitCode: number;
  readonly document: ResultsDocument;
  readonly resultsPath: string;
  readonly outcomes: readonly AreaOutcome[];
  /** What `requireCoverage` asked for and the run never exercised (empty when met or not asked). */
  readonly unmetCoverage: readonly string[];
}

/** What a session on `entry` needs: the target opened with `settings`, the registry's runners for its kind. */
export async function sessionDepsFor(
  entry: TargetEntry,
  settings: TargetSettings,
  render?: SessionDeps['render'],
  registry: AreaRegistry = AREAS,
): Promise<SessionDeps> {
  return {
    openTarget: () => entry.open(settings),
    targetName: entry.recordAs,
    areaRunners: await registry.runners(entry.kind),
    areaTitles: registry.titles(),
    ...(render ? { render } : {}),
  };
}

export async function runSession(deps: SessionDeps, settings: SessionSettings): Promise<SessionResult> {
  const { options } = settings;
  const startedAt = new Date();
  const controller = new AbortController();
  const onOuterAbort = () => controller.abort();
  settings.signal?.addEventListener('abort', onOuterAbort);
  let signals = 0;
  const onSignal = () => {
    signals += 1;
    settings.listener?.({
      kind: 'message',
      text:
        signals === 1
          ? 'interrupted: finishing the current scenario, then cleaning up (Ctrl-C again to hurry)'
          : 'interrupted again: cleaning up now',
    });
    controller.abort();
  };
  if (settings.handleSignals) {
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  }
  const resultsPath = join(settings.outDir, 'results.json');
  const shownResultsPath = relative(settings.cwd, resultsPath) || resultsPath;
  const outcomes: AreaOutcome[] = [];
  let findingCount = 0;
  let target: Target | undefined;
  let failure: unknown;
  try {
    target = await deps.openTarget();
    for (const runner of deps.areaRunners) {
      if (controller.signal.aborted) break;
      if (!runner.areas.some((a) => options.areas.includes(a))) continue;
      outcomes.push(
        await runner.run({
          target,
          targetName: deps.targetName,
          options,
          faults: settings.faults ?? [],
          resultsPath: shownResultsPath,
          signal: controller.signal,
          nextFindingId: () => `F${++findingCount}`,
          ...(settings.listener ? { listener: settings.listener } : {}),
        }),
      );
    }
  } catch (error) {
    failure = error;
  } finally {
    if (settings.handleSignals) {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
    settings.signal?.removeEventListener('abort', onOuterAbort);
    if (target) {
      try {
        await target.teardown();
      } catch (error) {
        failure ??= error;
      }
    }
  }
  const findings: Finding[] = outcomes.flatMap((o) => o.findings);
  const checks: CheckSummary[] = outcomes.flatMap((o) => o.checks);
  const areaRuns: AreaRun[] = options.areas.map((area) => {
    const outcome = outcomes.find((o) => o.areas.includes(area));
    const runnable = deps.areaRunners.some((r) => r.areas.includes(area));
    if (!outcome) return { area, status: runnable ? 'not-run' : 'unsupported', scenarios: 0, findings: 0 };
    if (outcome.unsupported !== undefined) return { area, status: 'unsupported', scenarios: 0, findings: 0 };
    const n = findings.filter((f) => f.area === area && isJudged(f)).length;
    return { area, status: n > 0 ? 'fail' : 'pass', scenarios: outcome.scenarios, findings: n };
  });
  const sections = mergeSections(outcomes);
  const coverage = runCoverage(
    options.areas,
    outcomes.flatMap((o) => (o.coverage ? [o.coverage] : [])),
  );
  const notes = Object.assign({}, ...outcomes.map((o) => o.notes ?? {})) as Record<string, number | string>;
  const document = buildResultsDocument({
    target: deps.targetName,
    seed: options.seed,
    startedAt,
    areas: options.areas,
    areaTitles:
      deps.areaTitles ?? Object.fromEntries(deps.areaRunners.flatMap((r) => r.areas).map((a) => [a, a])),
    profile: options.profile,
    options: { ...describeOptions(options), ...settings.recordOptions, ...notes },
    scenarios: outcomes.reduce((n, o) => n + o.scenarios, 0),
    probes: outcomes.reduce((n, o) => n + o.probes, 0),
    findings,
    checks,
    coverage,
    areaRuns,
    durationMs: Date.now() - startedAt.getTime(),
    interrupted: controller.signal.aborted,
    ...(sections ? { sections } : {}),
  });
  writeOutputFile(resultsPath, `${JSON.stringify(document, null, 2)}\n`);
  if (deps.render) await deps.render(document, settings.outDir);
  if (failure !== undefined) throw failure;
  const unmet = settings.requireCoverage ? unmetCoverage(coverage, settings.requireCoverage) : [];
  // An interrupted run that found nothing has not shown conformance: 130, as shells report Ctrl-C. Findings
  // outrank the coverage gate: a run that found something fails as such.
  const exitCode = !document.summary.conforms
    ? EXIT.findings
    : controller.signal.aborted
      ? EXIT_INTERRUPTED
      : unmet.length > 0
        ? EXIT.coverage
        : EXIT.conforms;
  return { exitCode, document, resultsPath, outcomes, unmetCoverage: unmet };
}

function mergeSections(outcomes: readonly AreaOutcome[]): AreaSections | undefined {
  const lb = outcomes.flatMap((o) => o.sections?.lb ?? []);
  const flannel = outcomes.flatMap((o) => o.sections?.flannel ?? []);
  if (lb.length === 0 && flannel.length === 0) return undefined;
  return { ...(lb.length > 0 ? { lb } : {}), ...(flannel.length > 0 ? { flannel } : {}) };
}
