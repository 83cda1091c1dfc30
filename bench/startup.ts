/**
 * `npm run bench -- startup`: CPU and peak memory of short podnet commands against a bare `node -e 0`,
 * measured in turns (node, podnet, node, podnet, …) so that the ratio holds on a noisy machine. Each process
 * runs under GNU time (`/usr/bin/time`, Debian package `time`), which reports the finished child's user and
 * system seconds and its peak resident set. Options: `--runs N` (default 9), `--podnet PATH` (a
 * bin/podnet.js to measure instead of this checkout's; give it twice to compare two checkouts in one run).
 */

import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PodnetInputError } from '../spec/errors.ts';

const ROOT = resolve(import.meta.dirname, '..');
const GNU_TIME = '/usr/bin/time';

/** The commands issue 17 sets targets for, and the two other light ones. */
const COMMANDS: readonly { readonly name: string; readonly argv: readonly string[] }[] = [
  { name: 'version', argv: ['--version'] },
  { name: 'predict', argv: ['predict', '-f', join(ROOT, 'examples/seed-policy'), '--format', 'json'] },
  { name: 'flannel_validate', argv: ['flannel', 'validate', join(ROOT, 'examples/flannel/vxlan.json')] },
  { name: 'help', argv: ['--help'] },
];

interface Sample {
  readonly cpuSeconds: number;
  readonly peakMiB: number;
}

function measure(argv: readonly string[]): Sample {
  const r = spawnSync(GNU_TIME, ['-f', '%U %S %M', ...argv], { encoding: 'utf8', maxBuffer: 64 << 20 });
  const last = r.stderr.trim().split('\n').at(-1) ?? '';
  const [user, sys, kib] = last.split(' ').map(Number);
  if (r.status !== 0 || user === undefined || sys === undefined || kib === undefined || Number.isNaN(kib)) {
    throw new Error(`${argv.join(' ')} failed (exit ${r.status}): ${r.stderr.slice(-400)}`);
  }
  return { cpuSeconds: user + sys, peakMiB: kib / 1024 };
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

function parseArgs(argv: readonly string[]): { runs: number; podnets: string[] } {
  let runs = 9;
  const podnets: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--runs' && value !== undefined && /^[1-9][0-9]?$/.test(value)) runs = Number(value);
    else if (flag === '--podnet' && value !== undefined && existsSync(value)) podnets.push(resolve(value));
    else {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `bench startup: bad argument ${JSON.stringify(flag)}`,
        {},
        'use --runs 1..99 and --podnet PATH/bin/podnet.js (an existing file)',
      );
    }
    i++;
  }
  return { runs, podnets: podnets.length > 0 ? podnets : [join(ROOT, 'bin/podnet.js')] };
}

export async function main(argv: readonly string[]): Promise<number> {
  if (!existsSync(GNU_TIME)) {
    process.stderr.write('bench startup needs GNU time at /usr/bin/time (apt-get install time)\n');
    return 2;
  }
  const { runs, podnets } = parseArgs(argv);
  const baseline = ['node', '-e', '0'];
  const rows: string[] = [];
  const figures: string[] = [];
  for (const [p, podnet] of podnets.entries()) {
    for (const command of COMMANDS) {
      const argvOf = ['node', podnet, ...command.argv];
      measure(argvOf); // warm-up: file cache
      const node: Sample[] = [];
      const ours: Sample[] = [];
      for (let run = 0; run < runs; run++) {
        node.push(measure(baseline));
        ours.push(measure(argvOf));
      }
      const ratios = ours.map((s, i) => s.cpuSeconds / Math.max(node[i]!.cpuSeconds, 0.001));
      const cpu = median(ours.map((s) => s.cpuSeconds));
      const peak = median(ours.map((s) => s.peakMiB));
      const ratio = median(ratios);
      rows.push(
        `${String(p + 1).padEnd(3)} ${command.name.padEnd(18)} cpu ${cpu.toFixed(3)} s  node -e 0 ${median(node.map((s) => s.cpuSeconds)).toFixed(3)} s  ratio ${ratio.toFixed(2)}×  peak ${peak.toFixed(1)} MiB`,
      );
      const key = `${p > 0 ? `p${p + 1}_` : ''}${command.name}`;
      figures.push(`${key}_cpu_ratio=${ratio.toFixed(2)}`, `${key}_peak_mib=${peak.toFixed(1)}`);
    }
  }
  process.stdout.write(
    `podnet start-up against node -e 0, ${runs} runs each in turns, medians (ratio: median of per-pair ratios)\n`,
  );
  for (const [p, podnet] of podnets.entries()) process.stdout.write(`  ${p + 1}: ${podnet}\n`);
  process.stdout.write(`${rows.join('\n')}\nstartup ${figures.join(' ')}\n`);
  return 0;
}
