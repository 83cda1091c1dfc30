/**
 * The fast-check driver every area shares: search generated scenarios until the run count or the budget
 * is spent; on the first failure, shrink it (within its own budget) to the smallest scenario that still
 * fails. After the budget, or on interrupt, each run is skipped (`fc.pre(false)`); one skip ends the search.
 * A target that throws is not a finding: the search stops and the error is rethrown.
 */
import fc from 'fast-check';
import type { RunListener } from './progress.ts';

export interface SearchSettings<O> {
  readonly seed: number;
  readonly runs: number;
  readonly budgetMs: number;
  readonly shrinkBudgetMs: number;
  readonly signal?: AbortSignal;
  readonly listener?: RunListener;
  /** One line saying what failed, for the progress output. */
  readonly summarize: (outcome: O) => string;
  /**
   * Called with every outcome (to count probes, inconclusive results, …); `shrinking` is false for the
   * searched scenarios (the failing one included) and true for shrink steps.
   */
  readonly observe?: (outcome: O, shrinking: boolean) => void;
  /** Probes sent so far, for the progress line. */
  readonly probesSoFar?: () => number;
  /**
   * What an area gates beyond the budget: asked before each search run; false ends the search as a spent
   * budget does (the lb area stops once its planned statistical tests could be exceeded).
   */
  readonly admit?: () => boolean;
}

export interface SearchResult<S, O> {
  /** Scenarios run before the first failure (shrink steps not counted). */
  readonly scenarios: number;
  readonly numShrinks: number;
  readonly seed: number;
  readonly path: string;
  readonly timeToFirstFailureMs?: number;
  /** The smallest failing scenario found, and its outcome. */
  readonly failure?: { readonly scenario: S; readonly outcome: O };
  /** The last passing outcome before any failure (for report sections of a clean run). */
  readonly lastClean?: O;
}

class TargetBroke {
  constructor(readonly error: unknown) {}
}

/**
 * Runs `check` on scenarios drawn from `scenarios`. `check` gets `shrinking: true` once a failure was seen
 * (areas may then shorten their convergence wait, or judge only the rules of the first failure). This is
 * the runner's one `fc.check` call site: every area searches and shrinks through it.
 */
export async function searchAndShrink<S, O extends { readonly failed: boolean }>(
  scenarios: fc.Arbitrary<S>,
  check: (scenario: S, shrinking: boolean) => Promise<O>,
  settings: SearchSettings<O>,
): Promise<SearchResult<S, O>> {
  const { signal, listener } = settings;
  const started = Date.now();
  const searchDeadline = started + settings.budgetMs;
  let shrinkDeadline = Number.POSITIVE_INFINITY;
  let count = 0;
  let numShrinks = -1;
  let firstFailureAt: number | undefined;
  let failure: { scenario: S; outcome: O } | undefined;
  let lastClean: O | undefined;
  let broke: TargetBroke | undefined;

  const property = fc.asyncProperty(scenarios, async (scenario) => {
    if (broke || signal?.aborted) fc.pre(false);
    if (firstFailureAt === undefined && (Date.now() >= searchDeadline || settings.admit?.() === false))
      fc.pre(false);
    if (firstFailureAt !== undefined && Date.now() > shrinkDeadline) fc.pre(false);
    let outcome: O;
    try {
      outcome = await check(scenario, firstFailureAt !== undefined);
    } catch (error) {
      broke = new TargetBroke(error);
      return fc.pre(false);
    }
    settings.observe?.(outcome, firstFailureAt !== undefined);
    if (firstFailureAt === undefined) {
      count += 1;
      const probes = settings.probesSoFar?.() ?? 0;
      listener?.({
        kind: 'scenario',
        scenarios: count,
        probes,
        findings: 0,
        elapsedMs: Date.now() - started,
      });
    }
    if (!outcome.failed) {
      if (firstFailureAt === undefined) lastClean = outcome;
      return true;
    }
    if (firstFailureAt === undefined) {
      firstFailureAt = Date.now();
      shrinkDeadline = firstFailureAt + settings.shrinkBudgetMs;
      listener?.({
        kind: 'failure',
        scenarios: count,
        elapsedMs: firstFailureAt - started,
        summary: settings.summarize(outcome),
      });
    }
    numShrinks += 1;
    if (numShrinks > 0)
      listener?.({ kind: 'shrink', shrinks: numShrinks, elapsedMs: Date.now() - firstFailureAt });
    failure = { scenario, outcome };
    return false;
  });

  const details = await fc.check(property, {
    seed: settings.seed,
    numRuns: settings.runs,
    maxSkipsPerRun: 1 / (settings.runs * 10),
    endOnFailure: false,
  });
  if (broke) throw broke.error;
  return {
    scenarios: count,
    numShrinks: Math.max(0, numShrinks),
    // fast-check reports the seed as a signed 32-bit integer; podnet's seeds are 0..2^32−1.
    seed: details.seed >>> 0,
    path: details.counterexamplePath ?? '',
    ...(firstFailureAt !== undefined ? { timeToFirstFailureMs: firstFailureAt - started } : {}),
    ...(failure ? { failure } : {}),
    ...(lastClean ? { lastClean } : {}),
  };
}
