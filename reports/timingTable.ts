/** `podnet run --profile-timing`: the time per phase (spec/timing.ts) as a table, per scenario and as a share. */
import type { PhaseTiming } from '../spec/timing.ts';

export interface TimingContext {
  readonly wallMs: number;
  readonly scenarios: number;
  readonly probes: number;
  /** This process's CPU time (user + system). */
  readonly processCpuMs: number;
  /** The share of the machine's CPU that was busy during the run (every process), when known. */
  readonly machineBusy?: number;
}

export function renderTimingTable(phases: readonly PhaseTiming[], context: TimingContext): string {
  const perScenario = (ms: number) => (context.scenarios > 0 ? (ms / context.scenarios).toFixed(1) : '-');
  const header = ['phase', 'total s', 'calls', 'ms/call', 'ms/scenario', 'of run'];
  const rows = phases.map((p) => [
    p.phase,
    (p.ms / 1000).toFixed(2),
    String(p.count),
    (p.ms / p.count).toFixed(1),
    perScenario(p.ms),
    `${((100 * p.ms) / Math.max(1, context.wallMs)).toFixed(1)}%`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  const busy =
    context.machineBusy === undefined ? '' : `, machine CPU ${(100 * context.machineBusy).toFixed(0)}% busy`;
  return [
    `timing: ${(context.wallMs / 1000).toFixed(1)} s, ${context.scenarios} scenarios, ${context.probes} probes; podnet process CPU ${(context.processCpuMs / 1000).toFixed(1)} s${busy}`,
    'phases nest (lab.* run inside runner.sync, runner.probe) and concurrent calls overlap: shares do not add up to 100%',
    line(header),
    ...rows.map(line),
    '',
  ].join('\n');
}
