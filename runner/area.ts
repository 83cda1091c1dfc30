/**
 * How an area plugs into a run. The policy and model areas share one conformance loop
 * (conformance.ts); flannel and lb bring their own. Each gets the run's target and options, and returns
 * findings, the checks it exercised, and its report sections.
 */
import type { Area, AreaSections, CheckSummary, Finding } from '../spec/results.ts';
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
