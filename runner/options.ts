/** Every number that matters in a run, with its default, in one place; all of them are printed in results. */
import type { IPFamilyMode } from '../spec/ipFamily.ts';
import type { SemanticProfile } from '../spec/profile.ts';
import { DEFAULT_PROFILE } from '../spec/profile.ts';
import type { Area } from '../spec/results.ts';

export interface RunOptions {
  /** fast-check seed: the same seed on the same target generates the same scenarios. */
  readonly seed: number;
  /** Stop after this many scenarios (unless the budget runs out first). */
  readonly runs: number;
  /** Wall-clock budget for the search, in ms. Shrinking a failure gets `shrinkBudgetMs` on top. */
  readonly budgetMs: number;
  readonly shrinkBudgetMs: number;
  readonly areas: readonly Area[];
  readonly profile: SemanticProfile;
  /** Per-probe connect timeout. A dropped (not rejected) probe costs this much. */
  readonly probeTimeoutMs: number;
  /** After a change, probes that differ are polled until they match or this bound runs out. */
  readonly convergeTimeoutMs: number;
  /** The same bound while shrinking, once the failure was seen to persist past `convergeTimeoutMs`. */
  readonly shrinkConvergeTimeoutMs: number;
  readonly pollIntervalMs: number;
  /** Probes in flight at once. */
  readonly concurrency: number;
  /** Times a probe whose machinery failed (`error`) is retried before it is reported inconclusive. */
  readonly retries: number;
  /** Above this many probes per state, a seeded sample of this size is probed instead of the full matrix. */
  readonly maxProbesPerState: number;
  /** Scenario size for the generators. */
  readonly size: 'small' | 'medium' | 'large';
  /** The pod network's address families: the lab is built with them and ipBlocks and probes use each. */
  readonly ipFamily: IPFamilyMode;
}

/** What `--probe-timeout` accepts: shorter than 100 ms would read a slow answer as a timeout. */
export const PROBE_TIMEOUT_RANGE = { min: 100, max: 600_000 } as const;
/** What `--converge-timeout` accepts (0: judge the first observation). */
export const CONVERGE_TIMEOUT_RANGE = { min: 0, max: 3_600_000 } as const;

export const DEFAULT_RUN_OPTIONS: RunOptions = {
  seed: 1,
  runs: 1_000_000,
  budgetMs: 90_000,
  shrinkBudgetMs: 120_000,
  areas: ['policy', 'model'],
  profile: DEFAULT_PROFILE,
  // The lab rejects denied traffic (refused at once), so a timeout is rare and worth waiting for: a loaded
  // 2-core machine can stall a pod agent for a second, and that must not read as a block.
  probeTimeoutMs: 2000,
  // The lab programs rules synchronously; a live cluster needs more (the kube target raises these).
  convergeTimeoutMs: 4000,
  shrinkConvergeTimeoutMs: 500,
  pollIntervalMs: 200,
  concurrency: 64,
  retries: 2,
  maxProbesPerState: 1500,
  size: 'small',
  ipFamily: 'ipv4',
};

/** The options as a flat record, for results.json and the report. */
export function describeOptions(
  o: RunOptions,
): Record<string, string | number | boolean | readonly string[]> {
  return {
    seed: o.seed,
    runs: o.runs,
    budgetMs: o.budgetMs,
    shrinkBudgetMs: o.shrinkBudgetMs,
    areas: o.areas,
    probeTimeoutMs: o.probeTimeoutMs,
    convergeTimeoutMs: o.convergeTimeoutMs,
    shrinkConvergeTimeoutMs: o.shrinkConvergeTimeoutMs,
    pollIntervalMs: o.pollIntervalMs,
    concurrency: o.concurrency,
    retries: o.retries,
    maxProbesPerState: o.maxProbesPerState,
    size: o.size,
    ipFamily: o.ipFamily,
  };
}
