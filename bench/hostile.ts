/**
 * `npm run bench -- hostile [--podnet PATH/bin/podnet.js] [--json FILE] [--kind K]...`: runs the real
 * podnet CLI on 300+ hostile or careless inputs (bench/hostile/cases), each in a fresh temp folder and
 * its own sandbox (bench/hostile/sandbox.ts), and judges each against what a user of a conformance kit
 * must get (bench/hostile/judge.ts). Prints a table by kind (cases, right, wrong), the wrong cases with
 * what they printed, and a last line `hostile cases=… right=… wrong=… skipped=…`. Exit code 0 when every
 * case is right, 1 when some are wrong, 2 on bad usage.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { allCases } from './hostile/cases/index.ts';
import { printable } from './hostile/judge.ts';
import { removeLiveFolders, runCase } from './hostile/runCase.ts';
import { killAllSandboxes, sandboxProblem } from './hostile/sandbox.ts';
import { type CaseResult, KINDS, type Kind } from './hostile/types.ts';

/** Named options and their defaults, printed with every run. */
const DEFAULTS = { timeoutSeconds: 20, maxCpuSeconds: 60, maxSeconds: 900, concurrency: 2 } as const;

const USAGE = `usage: npm run bench -- hostile [--podnet PATH/bin/podnet.js] [--json FILE] [--kind K]...
                                  [--case TEXT] [--timeout S] [--max-cpu S] [--max-time S] [--concurrency N] [--list]
  --podnet       the podnet to measure (default: this checkout's bin/podnet.js)
  --json         write per-case verdicts (and why each wrong one is wrong) to FILE
  --kind         only these kinds (repeatable or comma-separated): ${KINDS.join(', ')}
  --case         only cases whose name contains TEXT
  --timeout      seconds after which a case whose processes use no CPU for 10 s is hung (default ${DEFAULTS.timeoutSeconds})
  --max-cpu      CPU seconds after which a case is a runaway (default ${DEFAULTS.maxCpuSeconds})
  --max-time     wall seconds after which any case is stopped, a last resort (default ${DEFAULTS.maxSeconds});
                 a case that builds a lab for bad input is stopped 30 s after the lab appears
  --concurrency  cases run at once (default ${DEFAULTS.concurrency})
  --list         print the cases and exit
`;

function fail(message: string): number {
  process.stderr.write(`hostile: ${message}\n${USAGE}`);
  return 2;
}

/** `abc1234 subject` of the checkout holding `podnet`, with a mark when it has uncommitted changes. */
function commitOf(podnet: string): string {
  const root = dirname(dirname(podnet));
  try {
    const head = execFileSync('git', ['-C', root, 'log', '--oneline', '-1'], { encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['-C', root, 'status', '--porcelain', '--untracked-files=no'], {
      encoding: 'utf8',
    }).trim();
    return dirty ? `${head} (with uncommitted changes)` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

/** Lab ids on the host (/run/podnet and `ip netns list`): other people's labs, only reported. */
function hostLabs(): Set<string> {
  const ids = new Set<string>();
  try {
    for (const name of readdirSync('/run/podnet')) ids.add(name);
  } catch {
    // no state root
  }
  try {
    for (const name of readdirSync('/run/netns')) {
      const m = /^pn([0-9a-f]+)-/.exec(name);
      if (m?.[1]) ids.add(m[1]);
    }
  } catch {
    // no namespaces
  }
  return ids;
}

async function pool<T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T, i: number) => Promise<R>,
): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

function table(results: readonly CaseResult[]): string {
  const rows = KINDS.map((kind) => {
    const of = results.filter((r) => r.kind === kind);
    return {
      kind,
      cases: of.length,
      right: of.filter((r) => r.verdict === 'right').length,
      wrong: of.filter((r) => r.verdict === 'wrong').length,
      skipped: of.filter((r) => r.verdict === 'skipped').length,
    };
  }).filter((r) => r.cases > 0);
  const total = {
    kind: 'total',
    cases: results.length,
    right: results.filter((r) => r.verdict === 'right').length,
    wrong: results.filter((r) => r.verdict === 'wrong').length,
    skipped: results.filter((r) => r.verdict === 'skipped').length,
  };
  const showSkipped = total.skipped > 0;
  const head = ['kind', 'cases', 'right', 'wrong', ...(showSkipped ? ['skipped'] : [])];
  const line = (r: typeof total) => [
    r.kind.padEnd(10),
    String(r.cases).padStart(5),
    String(r.right).padStart(5),
    String(r.wrong).padStart(5),
    ...(showSkipped ? [String(r.skipped).padStart(7)] : []),
  ];
  return [
    `| ${head.map((h, i) => (i === 0 ? h.padEnd(10) : h.padStart(i === 4 ? 7 : 5))).join(' | ')} |`,
    `|${head.map((_, i) => (i === 0 ? '-'.repeat(12) : `${'-'.repeat(i === 4 ? 8 : 6)}:`)).join('|')}|`,
    ...rows.map((r) => `| ${line(r).join(' | ')} |`),
    `| ${line(total).join(' | ')} |`,
  ].join('\n');
}

function wrongList(results: readonly CaseResult[]): string {
  const lines: string[] = [];
  for (const kind of KINDS) {
    const wrong = results.filter((r) => r.kind === kind && r.verdict !== 'right');
    if (wrong.length === 0) continue;
    lines.push('', `## ${kind}: ${wrong.length} not right`);
    for (const r of wrong) {
      lines.push(
        `- [${r.verdict}] ${printable(r.name, 160)}`,
        `    podnet ${printable(r.argv.join(' '), 160)}  → exit ${r.exitCode ?? '-'} in ${(r.durationMs / 1000).toFixed(1)} s (${(r.cpuMs / 1000).toFixed(1)} s CPU)`,
        ...r.problems.map((p) => `    * ${printable(p, 300)}`),
      );
      // stdout and stderr are stored printable already (newlines as \n).
      const said = r.stderr || r.stdout;
      if (said) lines.push(`    printed: ${said.slice(0, 300)}`);
    }
  }
  return lines.join('\n');
}

const OPTIONS = {
  podnet: { type: 'string' },
  json: { type: 'string' },
  kind: { type: 'string', multiple: true },
  case: { type: 'string' },
  timeout: { type: 'string' },
  'max-cpu': { type: 'string' },
  'max-time': { type: 'string' },
  concurrency: { type: 'string' },
  list: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

export async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs<{ options: typeof OPTIONS; strict: true }>>;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, strict: true });
  } catch (error) {
    return fail((error as Error).message);
  }
  const { values } = parsed;
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const podnet = resolve(values.podnet ?? join(import.meta.dirname, '..', 'bin', 'podnet.js'));
  if (!existsSync(podnet)) return fail(`no podnet at ${podnet}`);
  const kinds = (values.kind ?? []).flatMap((k) => k.split(',')).filter(Boolean);
  for (const k of kinds) if (!(KINDS as readonly string[]).includes(k)) return fail(`unknown kind "${k}"`);
  const timeoutSeconds = Number(values.timeout ?? DEFAULTS.timeoutSeconds);
  const maxSeconds = Number(values['max-time'] ?? DEFAULTS.maxSeconds);
  const maxCpuSeconds = Number(values['max-cpu'] ?? DEFAULTS.maxCpuSeconds);
  const concurrency = Number(values.concurrency ?? DEFAULTS.concurrency);
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 1)
    return fail('--timeout must be a whole number of seconds');
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 16)
    return fail('--concurrency must be 1 to 16');
  const cases = allCases().filter(
    (c) =>
      (kinds.length === 0 || kinds.includes(c.kind as Kind)) &&
      (!values.case || c.name.includes(values.case)),
  );
  if (values.list) {
    for (const c of cases) process.stdout.write(`${c.kind.padEnd(10)} ${printable(c.name, 200)}\n`);
    process.stdout.write(`${cases.length} cases\n`);
    return 0;
  }
  const problem = sandboxProblem();
  if (problem) return fail(`cannot sandbox the cases: ${problem}`);
  const commit = commitOf(podnet);
  process.stdout.write(
    `hostile inputs: ${cases.length} cases against ${podnet}\n  commit ${commit}\n  hung: no CPU for 10 s after ${timeoutSeconds} s, over ${maxCpuSeconds} s of CPU, or running after ${maxSeconds} s; ${concurrency} at once\n`,
  );
  // Ctrl-C: kill the sandboxes (their namespaces and processes die with them), then remove the folders.
  const stop = (signal: NodeJS.Signals) => {
    killAllSandboxes();
    setTimeout(() => {
      removeLiveFolders();
      process.stderr.write(`hostile: stopped by ${signal}; sandboxes killed, temp folders removed\n`);
      process.exit(130);
    }, 500);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const labsBefore = hostLabs();
  const started = Date.now();
  let done = 0;
  const results = await pool(cases, concurrency, async (c) => {
    const r = await runCase(c, {
      podnet,
      idleAfterMs: timeoutSeconds * 1000,
      maxCpuMs: maxCpuSeconds * 1000,
      maxMs: maxSeconds * 1000,
    });
    done++;
    const why = r.verdict === 'right' ? '' : ` — ${printable(r.problems.join('; '), 240)}`;
    process.stderr.write(
      `[${done}/${cases.length}] ${r.verdict.padEnd(7)} ${c.kind}: ${printable(c.name, 100)}${why}\n`,
    );
    return r;
  });
  const appeared = [...hostLabs()].filter((id) => !labsBefore.has(id));
  const count = (v: string) => results.filter((r) => r.verdict === v).length;
  process.stdout.write(`\n${table(results)}\n${wrongList(results)}\n\n`);
  process.stdout.write(
    `host labs that appeared during the run (the cases' labs live in their sandboxes; these are other runs'): ${appeared.join(', ') || 'none'}\n`,
  );
  if (values.json) {
    writeFileSync(
      values.json,
      `${JSON.stringify(
        {
          podnet,
          commit,
          startedAt: new Date(started).toISOString(),
          durationMs: Date.now() - started,
          options: {
            timeoutSeconds,
            maxCpuSeconds,
            maxSeconds,
            concurrency,
            kinds: kinds.length > 0 ? kinds : [...KINDS],
          },
          totals: {
            cases: results.length,
            right: count('right'),
            wrong: count('wrong'),
            skipped: count('skipped'),
          },
          byKind: Object.fromEntries(
            KINDS.map((k) => {
              const of = results.filter((r) => r.kind === k);
              return [k, { cases: of.length, right: of.filter((r) => r.verdict === 'right').length }];
            }),
          ),
          cases: results,
        },
        null,
        2,
      )}\n`,
    );
  }
  process.stdout.write(
    `hostile cases=${results.length} right=${count('right')} wrong=${count('wrong')} skipped=${count('skipped')} seconds=${Math.round((Date.now() - started) / 1000)}\n`,
  );
  return count('wrong') > 0 ? 1 : 0;
}
