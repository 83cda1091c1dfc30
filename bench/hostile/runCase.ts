/** Runs one case: a fresh temp folder, the setup, podnet in a sandbox, what it left, the verdict, cleanup. */
import { spawnSync } from 'node:child_process';
import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { judge, printable } from './judge.ts';
import { runSandboxed } from './sandbox.ts';
import type { CaseContext, CaseResult, HostileCase, Outcome } from './types.ts';

/** How long a lab built for bad input may run before the harness stops it. */
const LAB_GRACE_MS = 30_000;

/** Text kept of each file podnet wrote (for secret and injection checks). */
const MAX_FILE_TEXT = 4 * 1024 * 1024;

export interface RunOptions {
  /** Absolute path of bin/podnet.js of the podnet under test. */
  readonly podnet: string;
  /** After this long, a case whose processes use no CPU is hung. */
  readonly idleAfterMs: number;
  /** CPU time after which a case is a runaway. */
  readonly maxCpuMs: number;
  /** Longest a case runs, unless it sets its own. */
  readonly maxMs: number;
}

/** A fresh case folder: work (cwd), run (the sandbox's /run), home, tmp, canary. */
function makeContext(): CaseContext {
  const root = mkdtempSync(join(tmpdir(), 'pnhostile-'));
  const work = join(root, 'work');
  for (const dir of ['work', 'run', 'home', 'tmp', 'canary']) mkdirSync(join(root, dir));
  // nobody (the unreadable-file case) must reach work and write its tsx cache in tmp.
  chmodSync(root, 0o755);
  chmodSync(work, 0o755);
  chmodSync(join(root, 'tmp'), 0o1777);
  return { root, work, canary: join(root, 'canary'), path: (name) => join(work, name) };
}

type Snapshot = Map<string, string>;

/** Regular files under `dir` (never opened: FIFOs and devices stay untouched), with a change stamp. */
function snapshot(dir: string): Snapshot {
  const files: Snapshot = new Map();
  const walk = (at: string, depth: number): void => {
    let entries: string[];
    try {
      entries = readdirSync(at);
    } catch {
      return;
    }
    for (const name of entries) {
      const full = join(at, name);
      let info: ReturnType<typeof lstatSync>;
      try {
        info = lstatSync(full);
      } catch {
        continue;
      }
      if (info.isDirectory() && depth < 12) walk(full, depth + 1);
      else if (info.isFile()) files.set(relative(dir, full), `${info.ino}:${info.size}:${info.mtimeMs}`);
    }
  };
  walk(dir, 0);
  return files;
}

/** Every entry under `dir`, files and folders, as relative paths (`depth` levels deep). */
function entries(dir: string, depth: number): string[] {
  const found: string[] = [];
  const walk = (at: string, level: number): void => {
    let names: string[];
    try {
      names = readdirSync(at);
    } catch {
      return;
    }
    for (const name of names) {
      const full = join(at, name);
      found.push(relative(dir, full));
      try {
        if (level < depth && lstatSync(full).isDirectory()) walk(full, level + 1);
      } catch {
        // gone meanwhile
      }
    }
  };
  walk(dir, 1);
  return found;
}

function writtenSince(dir: string, before: Snapshot): Map<string, string> {
  const written = new Map<string, string>();
  for (const [path, stamp] of snapshot(dir)) {
    if (before.get(path) === stamp) continue;
    let text = '';
    try {
      const bytes = readFileSync(join(dir, path));
      text = bytes.subarray(0, MAX_FILE_TEXT).toString('utf8');
    } catch {
      // unreadable: recorded with empty text
    }
    written.set(path, text);
  }
  return written;
}

async function invoke(
  c: HostileCase,
  ctx: CaseContext,
  argv: readonly string[],
  options: RunOptions,
  before: Snapshot,
): Promise<Outcome> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
    HOME: join(ctx.root, 'home'),
    TMPDIR: join(ctx.root, 'tmp'),
    LANG: 'C.UTF-8',
    ...(c.env?.(ctx) ?? {}),
  };
  const raw = c.rawArgv?.(ctx);
  const finished = await runSandboxed({
    root: ctx.root,
    cwd: ctx.work,
    command: [process.execPath, options.podnet, ...argv],
    ...(raw ? { rawCommand: [Buffer.from(process.execPath), Buffer.from(options.podnet), ...raw] } : {}),
    env,
    asNobody: c.asNobody ?? false,
    readOnly: c.readOnly?.(ctx) ?? [],
    idleAfterMs: options.idleAfterMs,
    maxCpuMs: c.maxCpuMs ?? options.maxCpuMs,
    maxMs: c.maxMs ?? options.maxMs,
    // A lab built for bad input already makes the case wrong: watch it a while (for writes through
    // forged names), then stop it.
    ...(c.expect.labAllowed ? {} : { labGraceMs: LAB_GRACE_MS }),
  });
  const runDir = join(ctx.root, 'run');
  return {
    argv,
    exitCode: finished.exitCode,
    timedOut: finished.timedOut,
    ...(finished.hang !== undefined ? { hang: finished.hang } : {}),
    durationMs: finished.durationMs,
    cpuMs: finished.cpuMs,
    stdout: finished.stdout,
    stderr: finished.stderr,
    written: writtenSince(ctx.work, before),
    runEntries: entries(runDir, 3),
    labLeftovers: [
      ...entries(join(runDir, 'podnet'), 1).map((e) => `/run/podnet/${e}`),
      ...entries(join(runDir, 'netns'), 1).map((e) => `/run/netns/${e}`),
    ],
    canaryEntries: entries(ctx.canary, 4),
    leftoverProcesses: finished.leftoverProcesses,
    ...(finished.sandboxError !== undefined ? { sandboxError: finished.sandboxError } : {}),
  };
}

/** Case folders in use, so that Ctrl-C can remove them. */
const liveFolders = new Set<string>();

/** Removes the folders of cases still running (after their sandboxes were killed). */
export function removeLiveFolders(): void {
  for (const root of liveFolders) removeCaseFolder(root);
}

/** One try of `c` in a fresh folder: its result, and whether a hang is the only thing wrong with it. */
async function attempt(
  c: HostileCase,
  options: RunOptions,
): Promise<{ readonly result: CaseResult; readonly onlyHung: boolean }> {
  const ctx = makeContext();
  liveFolders.add(ctx.root);
  const label = c.argv(ctx);
  const base = { kind: c.kind, name: c.name, argv: label };
  try {
    try {
      c.setup?.(ctx);
    } catch (error) {
      return { result: skipped(base, `setup failed: ${(error as Error).message}`), onlyHung: false };
    }
    const before = snapshot(ctx.work);
    const first = await invoke(c, ctx, label, options, before);
    if (first.sandboxError !== undefined)
      return { result: skipped(base, first.sandboxError), onlyHung: false };
    const problems = [...judge(c.expect, first), ...(c.check?.(first, ctx) ?? [])];
    if (c.followUp && !first.timedOut) {
      const next = c.followUp.argv(ctx, first);
      if ('problem' in next) problems.push(next.problem);
      else {
        const second = await invoke(c, ctx, next, options, before);
        problems.push(...c.followUp.check(second, first).map((p) => `second run: ${p}`));
      }
    }
    const result: CaseResult = {
      ...base,
      verdict: problems.length === 0 ? 'right' : 'wrong',
      problems,
      exitCode: first.exitCode,
      durationMs: Math.round(first.durationMs),
      cpuMs: first.cpuMs,
      stdout: printable(first.stdout, 400),
      stderr: printable(first.stderr, 700),
    };
    return {
      result,
      onlyHung: first.timedOut && (first.hang ?? '').startsWith('hung') && problems.length === 1,
    };
  } finally {
    removeCaseFolder(ctx.root);
    liveFolders.delete(ctx.root);
  }
}

/**
 * Runs `c` against the podnet at `options.podnet` and judges it. A case whose only fault is a hang is
 * tried once more in a fresh folder, so that one stall of a loaded, shared machine is not called a hang.
 * Leaves nothing behind.
 */
export async function runCase(c: HostileCase, options: RunOptions): Promise<CaseResult> {
  const first = await attempt(c, options);
  if (!first.onlyHung) return first.result;
  const second = await attempt(c, options);
  if (!second.onlyHung) return second.result;
  return { ...second.result, problems: [`${second.result.problems[0]} (twice)`] };
}

function skipped(base: Pick<CaseResult, 'kind' | 'name' | 'argv'>, why: string): CaseResult {
  return {
    ...base,
    verdict: 'skipped',
    problems: [why],
    exitCode: null,
    durationMs: 0,
    cpuMs: 0,
    stdout: '',
    stderr: '',
  };
}

/** Removes the case folder; a read-only bit left by a case does not stop root. */
function removeCaseFolder(root: string): void {
  try {
    rmSync(root, { recursive: true, force: true });
  } catch {
    spawnSync('rm', ['-rf', '--one-file-system', '--', root]);
  }
}
