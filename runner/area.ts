/**
 * How an area plugs into a run. The policy and model areas share one conformance loop
 * (conformance.ts); flannel and lb bring their own. Each gets the run's target and options, and returns
 * findings, the checks it exercised, and its report sections.
 */
import type { Area, AreaSections, CheckSummary, Coverage, Finding } from '../spec/results.ts';
import { RULES } from '../spec/rules.ts';
import type { Target } from '../spec/target.ts';
import type { RunOptions } from './options.ts';
import type { RunListener } from './progress.ts';

export interface AreaContext {
  readonly target: Target;
  readonly targetName: string;
  readonly options: RunOptions;
  /** Lab faults the target was started with (selftest and replay need them). */
  readonly faults: readonly string[];
  /** Where results.json goes, as the user will type it (for replay commands). */
  readonly resultsPath: string;
  readonly signal: AbortSignal;
  readonly listener?: RunListener;
  /** Fresh finding ids (`F1`, `F2`, …), unique across areas. */
  readonly nextFindingId: () => string;
}

export interface AreaOutcome {
  readonly areas: readonly Area[];
  readonly scenarios: number;
  readonly probes: number;
  readonly findings: readonly Finding[];
  readonly checks: readonly CheckSummary[];
  /** What decided the verdicts of the searched scenarios, over the catalogues of `areas` (runner/coverage.ts). */
  readonly coverage?: Coverage;
  readonly sections?: AreaSections;
  readonly timeToFirstFailureMs?: number;
  /** Size of the shrunk counterexample, for selftest. */
  readonly shrunk?: { readonly pods: number; readonly policies: number; readonly steps: number };
  /** Recorded in results.json options (e.g. unsupported probe counts). */
  readonly notes?: Readonly<Record<string, number | string>>;
  /** Why the target cannot run this area at all (the area is then reported `unsupported`, never faked). */
  readonly unsupported?: string;
}

export interface AreaRunner {
  /** The areas this runner covers (the conformance loop covers policy and model together). */
  readonly areas: readonly Area[];
  run(ctx: AreaContext): Promise<AreaOutcome>;
}

/**
 * One area of the kit, as the registry (`areas/registry.ts`) holds it. The runner owns the area's scenario
 * arbitrary, its check and its findings builder; the descriptor says what the rest of the kit needs to
 * know: the name `--areas` takes, the title reports show, the rules it judges (JUnit cases, coverage),
 * the lab faults its checks must find (selftest, `podnet lab faults`), and on which targets it runs.
 */
export interface AreaDescriptor {
  readonly name: Area;
  /** A short title for report cards and suites ("NetworkPolicy"). */
  readonly title: string;
  readonly rules: readonly { readonly id: string; readonly statement: string }[];
  /** Lab faults this area's checks must find. */
  readonly faults: readonly string[];
  /** Whether `podnet replay` can re-run this area's findings. */
  readonly replayable: boolean;
  /** Enabled when `--areas` is not given. */
  readonly byDefault: boolean;
  /**
   * The runner on targets of kind `kind` (`lab`, `kube`), or undefined when the area cannot run there (it is
   * then reported unsupported). Areas judged on the same probes return the same runner (policy and model).
   */
  runner(kind: TargetKind): Promise<AreaRunner | undefined>;
}

/** How a target is driven, which decides the area runner: the lab directly, or a cluster's API. */
export type TargetKind = 'lab' | 'kube';

/** One check per catalogue rule of the areas that ran, for JUnit (passing checks are test cases too). */
export function checkSummaries(
  areas: readonly string[],
  scenarios: number,
  findings: readonly Finding[],
): CheckSummary[] {
  return RULES.filter((r) => areas.includes(r.area)).map((r) => ({
    area: r.area,
    rule: r.id,
    title: r.statement,
    scenarios,
    findings: findings.filter((f) => f.rule === r.id).length,
  }));
}
