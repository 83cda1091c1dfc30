/**
 * Where a run's wall-clock time goes, by phase (`podnet run --profile-timing`). Off by default: a disabled
 * `timed` is one branch. Phases are named `layer.phase` (`lab.pods-create`, `runner.oracle`); a phase may run
 * inside another (the lab's inside `target.sync`) and concurrent calls of one phase overlap, so shares of
 * the run's time are per phase, not a partition of it.
 */

interface PhaseTotal {
  ms: number;
  count: number;
}

let enabled = false;
const totals = new Map<string, PhaseTotal>();

/** Starts recording (and forgets what was recorded before). */
export function enableTiming(): void {
  enabled = true;
  totals.clear();
}

/** Adds `ms` to `phase`. */
export function recordTiming(phase: string, ms: number): void {
  if (!enabled) return;
  const t = totals.get(phase);
  if (t) {
    t.ms += ms;
    t.count += 1;
  } else totals.set(phase, { ms, count: 1 });
}

/** Runs `work` and adds its wall-clock time to `phase` (also when it throws). */
export async function timed<T>(phase: string, work: () => Promise<T>): Promise<T> {
  if (!enabled) return work();
  const start = performance.now();
  try {
    return await work();
  } finally {
    recordTiming(phase, performance.now() - start);
  }
}

/** The synchronous twin of {@link timed}. */
export function timedSync<T>(phase: string, work: () => T): T {
  if (!enabled) return work();
  const start = performance.now();
  try {
    return work();
  } finally {
    recordTiming(phase, performance.now() - start);
  }
}

export interface PhaseTiming {
  readonly phase: string;
  readonly ms: number;
  readonly count: number;
}

/** Every phase recorded, by name. */
export function timingSnapshot(): PhaseTiming[] {
  return [...totals]
    .map(([phase, t]) => ({ phase, ms: t.ms, count: t.count }))
    .sort((a, b) => (a.phase < b.phase ? -1 : a.phase > b.phase ? 1 : 0));
}

/** The machine's CPU time counters from /proc/stat (busy and total jiffies), or undefined off Linux. */
export function machineCpuTicks(read: (path: string) => string): { busy: number; total: number } | undefined {
  try {
    const line = read('/proc/stat').split('\n')[0] ?? '';
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal …: idle and iowait are the not-busy ones.
    const total = fields.slice(0, 8).reduce((a, b) => a + b, 0);
    const idle = (fields[3] ?? 0) + (fields[4] ?? 0);
    return Number.isFinite(total) && total > 0 ? { busy: total - idle, total } : undefined;
  } catch {
    return undefined;
  }
}
