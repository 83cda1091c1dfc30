/**
 * `npm run bench -- loop`: how fast the run loop turns on a clean lab. Runs `podnet run --seed S --runs N
 * --size small` (areas policy,model) and reads scenarios and probes back from its results.json. With `--podnet PATH`
 * given more than once (another checkout's bin/podnet.js, e.g. a baseline), the checkouts run in turns,
 * round after round, so their ratio holds on a shared, noisy machine.
 * Options: `--runs N` scenarios per run (default 30), `--seed S` (default 1), `--rounds K` (default 1),
 * `--podnet PATH` (repeatable; default this checkout).
 * One line per run: `loop podnet=<path> scenarios=N seconds=S scenarios_per_min=R probes_per_s=P`; with two
 * checkouts, last a `loop ratio` line (median scenarios per minute, later checkout over the first).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { PodnetInputError } from '../spec/errors.ts';

const ROOT = resolve(import.meta.dirname, '..');

function option(args: readonly string[], name: string): string[] {
  const values: string[] = [];
  for (let i = 0; i < args.length; i++)
    if (args[i] === `--${name}` && args[i + 1] !== undefined) values.push(args[++i] as string);
  return values;
}

function positiveInt(args: readonly string[], name: string, fallback: number): number {
  const raw = option(args, name)[0];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1)
    throw new PodnetInputError(
      'PODNET_BENCH_OPTION',
      `--${name} must be a positive integer, got ${JSON.stringify(raw)}`,
    );
  return n;
}

interface LoopRun {
  readonly scenarios: number;
  readonly seconds: number;
  readonly probes: number;
}

function runOnce(podnet: string, seed: number, runs: number): LoopRun {
  const out = mkdtempSync(join(tmpdir(), 'podnet-bench-loop-'));
  try {
    const t0 = performance.now();
    const r = spawnSync(
      process.execPath,
      [
        podnet,
        'run',
        '--seed',
        String(seed),
        '--runs',
        String(runs),
        '--budget',
        '30m',
        '--size',
        'small',
        '-o',
        out,
      ],
      { encoding: 'utf8', maxBuffer: 64 << 20 },
    );
    const seconds = (performance.now() - t0) / 1000;
    const file = join(out, 'results.json');
    if (!existsSync(file))
      throw new Error(`${podnet} run failed (exit ${r.status}): ${(r.stderr ?? '').slice(-600)}`);
    const summary = (
      JSON.parse(readFileSync(file, 'utf8')) as { summary: { scenarios: number; probes: number } }
    ).summary;
    return { scenarios: summary.scenarios, probes: summary.probes, seconds };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? (s[mid] as number) : ((s[mid - 1] as number) + (s[mid] as number)) / 2;
}

export async function main(args: readonly string[]): Promise<number> {
  const runs = positiveInt(args, 'runs', 30);
  const seed = positiveInt(args, 'seed', 1);
  const rounds = positiveInt(args, 'rounds', 1);
  const given = option(args, 'podnet').map((p) => resolve(p));
  const checkouts = given.length > 0 ? given : [join(ROOT, 'bin/podnet.js')];
  for (const p of checkouts)
    if (!existsSync(p)) throw new PodnetInputError('PODNET_BENCH_OPTION', `--podnet ${p}: no such file`);
  const rates = new Map<string, number[]>(checkouts.map((p) => [p, []]));
  for (let round = 0; round < rounds; round++) {
    for (const podnet of checkouts) {
      const r = runOnce(podnet, seed, runs);
      const perMin = (r.scenarios / r.seconds) * 60;
      rates.get(podnet)?.push(perMin);
      process.stdout.write(
        `loop podnet=${podnet} scenarios=${r.scenarios} seconds=${r.seconds.toFixed(1)} scenarios_per_min=${perMin.toFixed(1)} probes_per_s=${(r.probes / r.seconds).toFixed(0)}\n`,
      );
    }
  }
  if (checkouts.length >= 2) {
    const base = median(rates.get(checkouts[0] as string) ?? []);
    for (const p of checkouts.slice(1)) {
      process.stdout.write(
        `loop ratio ${p} / ${checkouts[0]} = ${(median(rates.get(p) ?? []) / base).toFixed(2)}\n`,
      );
    }
  }
  return 0;
}
