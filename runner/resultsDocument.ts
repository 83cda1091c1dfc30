/** Assembles the one result document (spec/results.ts) from what a run gathered. */
import type { SemanticProfile } from '../spec/profile.ts';
import type { Area, CheckSummary, Coverage, Finding, ResultsDocument, RunSummary } from '../spec/results.ts';
import { RESULTS_SCHEMA_VERSION } from '../spec/results.ts';
import { PODNET_VERSION } from '../spec/version.ts';

export interface AreaRun {
  readonly area: Area;
  readonly status: 'pass' | 'fail' | 'not-run' | 'unsupported';
  readonly scenarios: number;
  readonly findings: number;
}

export interface ResultsInput {
  readonly target: string;
  readonly seed: number;
  readonly startedAt: Date;
  readonly areas: readonly Area[];
  /** Every area of the registry that ran, with its title, in run order (`summary.byArea`). */
  readonly areaTitles: Readonly<Record<Area, string>>;
  readonly profile: SemanticProfile;
  readonly options: Readonly<Record<string, string | number | boolean | readonly string[]>>;
  readonly scenarios: number;
  readonly probes: number;
  readonly findings: readonly Finding[];
  readonly checks: readonly CheckSummary[];
  readonly coverage: Coverage;
  readonly areaRuns: readonly AreaRun[];
  readonly durationMs: number;
  readonly interrupted: boolean;
  readonly sections?: ResultsDocument['sections'];
}

/** Judged findings decide conformance; `undefined` and `inconclusive` are recorded but do not fail a run. */
export function isJudged(f: Finding): boolean {
  return f.kind !== 'undefined' && f.kind !== 'inconclusive';
}

export function buildResultsDocument(input: ResultsInput): ResultsDocument {
  const byArea: Record<string, RunSummary['byArea'][Area]> = {};
  for (const [area, title] of Object.entries(input.areaTitles)) {
    const run = input.areaRuns.find((r) => r.area === area);
    byArea[area] = run
      ? { scenarios: run.scenarios, findings: run.findings, status: run.status, title }
      : { scenarios: 0, findings: 0, status: 'not-run', title };
  }
  const judged = input.findings.filter(isJudged).length;
  return {
    schemaVersion: RESULTS_SCHEMA_VERSION,
    tool: { name: 'podnet', version: PODNET_VERSION },
    target: input.target,
    seed: input.seed,
    startedAt: input.startedAt.toISOString(),
    areas: input.areas,
    profile: input.profile,
    options: input.options,
    summary: {
      scenarios: input.scenarios,
      probes: input.probes,
      findings: input.findings.length,
      conforms: judged === 0,
      byArea: byArea as RunSummary['byArea'],
      durationMs: input.durationMs,
      interrupted: input.interrupted,
    },
    findings: input.findings,
    checks: input.checks,
    coverage: input.coverage,
    ...(input.sections ? { sections: input.sections } : {}),
  };
}
