/**
 * `podnet selftest`: measures the kit against the lab's fault catalogue. First one clean run (it must
 * find nothing), then, for each fault of an enabled area, runs with the fault injected and records
 * whether it was found, the time to the first failure, and the size of the shrunk counterexample.
 */

import type { Area, Finding } from '../spec/results.ts';
import type { Target } from '../spec/target.ts';
import type { AreaOutcome, AreaRunner } from './area.ts';
import type { RunOptions } from './options.ts';
import type { RunListener } from './progress.ts';
import { isJudged } from './resultsDocument.ts';

interface SelftestFault {
  readonly name: string;
  readonly area: Area;
}

export interface SelftestDeps {
  readonly openTarget: (faults: readonly string[]) => Promise<Target>;
  readonly targetName: string;
  readonly areaRunners: readonly AreaRunner[];
}

interface SelftestTrial {
  readonly seed: number;
  readonly found: boolean;
  readonly timeToFirstFailureMs?: number;
  readonly scenarios: number;
  readonly shrunk?: { readonly pods: number; readonly policies: number; readonly steps: number };
  readonly rules: readonly string[];
}

export interface SelftestRow {
  /** `(clean)` for the clean run. */
  readonly fault: string;
  readonly area: Area | 'all';
  readonly trials: readonly SelftestTrial[];
  /** Clean run: found nothing. Fault: found in every trial. */
  readonly ok: boolean;
  readonly medianTimeToFirstFailureMs?: number;
  readonly maxShrunk?: { readonly pods: number; readonly policies: number; readonly steps: number };
}

export interface SelftestSettings {
  readonly options: RunOptions;
  readonly faults: readonly SelftestFault[];
  readonly budgetPerFaultMs: number;
  /** Seeds per fault (the median time is over these). */
  readonly repeats: number;
  /** Leave out the clean run (when a run of its own already covers it, e.g. a CI job per fault). */
  readonly skipClean?: boolean;
  readonly signal?: AbortSignal;
  readonly listener?: RunListener;
}

export async function runSelftest(deps: SelftestDeps, settings: SelftestSettings): Promise<SelftestRow[]> {
  const rows: SelftestRow[] = [];
  if (settings.skipClean !== true) {
    const clean = await trial(
      deps,
      settings,
      [],
      settings.options.seed,
      settings.options.budgetMs,
      settings.options.areas,
    );
    rows.push({ fault: '(clean)', area: 'all', trials: [clean], ok: !clean.found });
    settings.listener?.({
      kind: 'message',
      text: `clean run: ${clean.scenarios} scenarios, ${clean.found ? `FOUND ${clean.rules.join(', ')} (the lab or the oracle is wrong)` : 'no findings'}`,
    });
  }
  for (const fault of settings.faults) {
    if (settings.signal?.aborted) break;
    const trials: SelftestTrial[] = [];
    for (let r = 0; r < settings.repeats; r++) {
      if (settings.signal?.aborted) break;
      const t = await trial(
        deps,
        settings,
        [fault.name],
        settings.options.seed + r,
        settings.budgetPerFaultMs,
        trialAreas(fault.area, deps.areaRunners, settings.options.areas),
      );
      trials.push(t);
      settings.listener?.({
        kind: 'message',
        text: `${fault.name} (seed ${t.seed}): ${t.found ? `found in ${((t.timeToFirstFailureMs ?? 0) / 1000).toFixed(1)}s, shrunk to ${t.shrunk?.pods} pods / ${t.shrunk?.policies} policies / ${t.shrunk?.steps} steps (${t.rules.join(', ')})` : 'NOT found'}`,
      });
    }
    // A trial that missed counts as "longer than any": the median is over every trial, not the lucky ones.
    const times = trials.map((t) => (t.found ? (t.timeToFirstFailureMs ?? 0) : Number.POSITIVE_INFINITY));
    const mid = times.length > 0 ? median(times) : Number.POSITIVE_INFINITY;
    const shrunk = trials.flatMap((t) => (t.shrunk ? [t.shrunk] : []));
    rows.push({
      fault: fault.name,
      area: fault.area,
      trials,
      ok: trials.length > 0 && trials.every((t) => t.found),
      ...(Number.isFinite(mid) ? { medianTimeToFirstFailureMs: mid } : {}),
      ...(shrunk.length > 0
        ? {
            maxShrunk: {
              pods: Math.max(...shrunk.map((s) => s.pods)),
              policies: Math.max(...shrunk.map((s) => s.policies)),
              steps: Math.max(...shrunk.map((s) => s.steps)),
            },
          }
        : {}),
    });
  }
  return rows;
}

/**
 * The areas a fault's trial runs: the enabled areas its area's runner checks together. Policy and model
 * share one loop, so a model fault meets policies (a node reaches its pods "whatever the policies": a
 * fault that filters the node only shows where a policy isolates a pod), and policy faults meet the model
 * checks a user's `--areas policy,model` run has.
 */
export function trialAreas(area: Area, runners: readonly AreaRunner[], enabled: readonly Area[]): Area[] {
  const together = runners.find((r) => r.areas.includes(area))?.areas ?? [area];
  return together.filter((a) => a === area || enabled.includes(a));
}

async function trial(
  deps: SelftestDeps,
  settings: SelftestSettings,
  faults: readonly string[],
  seed: number,
  budgetMs: number,
  areas: readonly Area[],
): Promise<SelftestTrial> {
  const options: RunOptions = { ...settings.options, seed, budgetMs, areas };
  const target = await deps.openTarget(faults);
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  settings.signal?.addEventListener('abort', onAbort);
  let n = 0;
  try {
    const outcomes: AreaOutcome[] = [];
    for (const runner of deps.areaRunners) {
      if (!runner.areas.some((a) => areas.includes(a)) || controller.signal.aborted) continue;
      outcomes.push(
        await runner.run({
          target,
          targetName: deps.targetName,
          options,
          faults,
          resultsPath: 'selftest.json',
          signal: controller.signal,
          nextFindingId: () => `F${++n}`,
        }),
      );
    }
    const judged: Finding[] = outcomes.flatMap((o) => o.findings).filter(isJudged);
    const first = outcomes.find((o) => o.findings.some(isJudged));
    const found = judged.length > 0;
    return {
      seed,
      found,
      scenarios: outcomes.reduce((k, o) => k + o.scenarios, 0),
      rules: [...new Set(judged.map((f) => f.rule))],
      ...(found && first?.timeToFirstFailureMs !== undefined
        ? { timeToFirstFailureMs: first.timeToFirstFailureMs }
        : {}),
      ...(found && first?.shrunk ? { shrunk: first.shrunk } : {}),
    };
  } finally {
    settings.signal?.removeEventListener('abort', onAbort);
    await target.teardown();
  }
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** The selftest table as text. */
export function renderSelftestTable(rows: readonly SelftestRow[]): string {
  const header = ['fault', 'area', 'found', 'median time to first finding', 'shrunk (pods/policies/steps)'];
  const body = rows.map((r) => [
    r.fault,
    r.area,
    r.fault === '(clean)'
      ? r.ok
        ? 'no findings (ok)'
        : 'FINDINGS (bad)'
      : `${r.trials.filter((t) => t.found).length}/${r.trials.length}${r.ok ? '' : ' (MISSED)'}`,
    r.medianTimeToFirstFailureMs !== undefined ? `${(r.medianTimeToFirstFailureMs / 1000).toFixed(1)}s` : '-',
    r.maxShrunk ? `${r.maxShrunk.pods}/${r.maxShrunk.policies}/${r.maxShrunk.steps}` : '-',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => c.padEnd(widths[i]!))
      .join('  ')
      .trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...body.map(line)].join('\n');
}
