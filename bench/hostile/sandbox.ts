/**
 * One podnet invocation in a sandbox of its own: new pid, mount and network namespaces (unshare), the
 * case's run folder bind-mounted on /run. A lab that podnet builds by mistake for bad input therefore
 * gets its state folder and network namespaces inside the case's temp folder, is invisible to the
 * labs other people run on this machine (their /run/netns, their /run/podnet, their processes: lab
 * teardown finds processes through /proc, which here shows only the sandbox's own), and dies with the
 * sandbox: killing unshare kills its pid 1 (--kill-child), which takes every process of the namespace,
 * and with them the namespaces. Nothing is sent outside: the network namespace has loopback only.
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const ENTRY = join(import.meta.dirname, 'sandboxEntry.mjs');
/** Output kept per stream; the rest is counted, not stored. */
const MAX_CAPTURE = 4 * 1024 * 1024;

/** Sandboxes running now, so that Ctrl-C can kill them (and everything in them) at once. */
const live = new Set<ChildProcess>();

/** Kills every running sandbox: unshare dies, its pid 1 gets SIGKILL, the namespaces go with it. */
export function killAllSandboxes(): void {
  for (const child of live) child.kill('SIGKILL');
}

export interface Invocation {
  /** The case's temp root: `run/` is mounted on /run, the entry's report goes here. */
  readonly root: string;
  readonly cwd: string;
  /** `node` and its arguments. */
  readonly command: readonly string[];
  /** Raw bytes of the whole command line, when it must carry non-UTF-8 bytes. */
  readonly rawCommand?: readonly Buffer[];
  readonly env: Readonly<Record<string, string>>;
  readonly asNobody: boolean;
  readonly readOnly: readonly string[];
  /** After this long, a sandbox that uses no CPU is hung (blocked on something), not slow. */
  readonly idleAfterMs: number;
  /** A sandbox that used this much CPU time is a runaway, however long it ran. */
  readonly maxCpuMs: number;
  /** Whatever it does, the sandbox is killed after this long. */
  readonly maxMs: number;
  /** When set, the sandbox is stopped this long after a lab shows up in its /run (bad input built one). */
  readonly labGraceMs?: number;
}

export interface Finished {
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Why the harness killed it, when it did: `hung: …` or `stopped: …`. */
  readonly hang?: string;
  readonly durationMs: number;
  /** CPU time the sandbox's processes used (sampled once a second). */
  readonly cpuMs: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly leftoverProcesses: readonly string[];
  readonly sandboxError?: string;
}

/** Runs `invocation` in a fresh sandbox; resolves when the sandbox is gone. */
export function runSandboxed(invocation: Invocation): Promise<Finished> {
  const report = join(invocation.root, 'sandbox-report.json');
  const own = ['--run', join(invocation.root, 'run'), '--report', report];
  for (const dir of invocation.readOnly) own.push('--ro', dir);
  if (invocation.asNobody) own.push('--as-nobody');
  if (invocation.rawCommand) {
    const file = join(invocation.root, 'argv.bin');
    writeFileSync(
      file,
      Buffer.concat(invocation.rawCommand.flatMap((b) => [b, Buffer.from([0])])).subarray(0, -1),
    );
    own.push('--argv-file', file);
  }
  const argv = [
    '--mount',
    '--pid',
    '--fork',
    '--kill-child=SIGKILL',
    '--mount-proc',
    '--net',
    '--propagation',
    'private',
    '--',
    process.execPath,
    ENTRY,
    ...own,
    '--',
    ...invocation.command,
  ];
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('unshare', argv, {
      cwd: invocation.cwd,
      env: invocation.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    live.add(child);
    const out = capture(child.stdout);
    const err = capture(child.stderr);
    let timedOut = false;
    let hang: string | undefined;
    const kill = (why: string) => {
      timedOut = true;
      hang = why;
      child.kill('SIGKILL');
    };
    // On a loaded, shared machine wall time says little: a sandbox is hung when it stopped using the
    // CPU (a process blocked on a FIFO uses none; a starved one still gets some), or when it used more
    // CPU than any sane answer needs; the wall-clock limit is only a last resort.
    const samples: { at: number; ticks: number }[] = [];
    let labSeenAt: number | undefined;
    const poll = setInterval(() => {
      const at = performance.now() - started;
      if (at >= invocation.maxMs)
        return kill(`hung: still running after ${Math.round(invocation.maxMs / 1000)} s`);
      if (invocation.labGraceMs !== undefined) {
        labSeenAt ??= labStarted(join(invocation.root, 'run')) ? at : undefined;
        if (labSeenAt !== undefined && at - labSeenAt >= invocation.labGraceMs) {
          return kill(
            `stopped: still running ${Math.round(invocation.labGraceMs / 1000)} s after it started a lab`,
          );
        }
      }
      if (child.pid === undefined) return;
      const ticks = treeCpuTicks(child.pid);
      samples.push({ at, ticks });
      if (ticks * 10 >= invocation.maxCpuMs) {
        return kill(
          `hung: used more than ${Math.round(invocation.maxCpuMs / 1000)} s of CPU (${Math.round(at / 1000)} s after it started)`,
        );
      }
      const windowStart = samples.find((s) => s.at >= at - IDLE_WINDOW_MS);
      const oldest = samples[0];
      if (at < invocation.idleAfterMs || !windowStart || !oldest || at - oldest.at < IDLE_WINDOW_MS) return;
      if (ticks - windowStart.ticks <= IDLE_TICKS) {
        kill(
          `hung: blocked, no CPU used for ${IDLE_WINDOW_MS / 1000} s, ${Math.round(at / 1000)} s after it started`,
        );
      }
    }, POLL_MS);
    child.on('error', (error) => {
      live.delete(child);
      clearInterval(poll);
      resolve({
        exitCode: null,
        timedOut: false,
        durationMs: performance.now() - started,
        cpuMs: 0,
        stdout: '',
        stderr: '',
        leftoverProcesses: [],
        sandboxError: `cannot start unshare: ${error.message}`,
      });
    });
    child.on('close', (code) => {
      live.delete(child);
      clearInterval(poll);
      const durationMs = performance.now() - started;
      const stdout = out.text();
      const stderr = err.text();
      let leftovers: string[] = [];
      let sandboxError: string | undefined;
      try {
        leftovers = (JSON.parse(readFileSync(report, 'utf8')) as { leftovers: string[] }).leftovers;
      } catch {
        if (!timedOut) sandboxError = `the sandbox did not report (exit ${code}): ${stderr.slice(0, 300)}`;
      }
      if (!timedOut && code === 125 && /^sandbox: /m.test(stderr)) sandboxError = stderr.slice(0, 300);
      resolve({
        exitCode: timedOut ? null : code,
        timedOut,
        ...(hang !== undefined ? { hang } : {}),
        cpuMs: (samples[samples.length - 1]?.ticks ?? 0) * 10,
        durationMs,
        stdout,
        stderr,
        leftoverProcesses: leftovers,
        ...(sandboxError !== undefined ? { sandboxError } : {}),
      });
    });
  });
}

function capture(stream: NodeJS.ReadableStream): { text: () => string } {
  const chunks: Buffer[] = [];
  let kept = 0;
  let dropped = 0;
  stream.on('data', (chunk: Buffer) => {
    if (kept < MAX_CAPTURE) {
      const part = chunk.subarray(0, MAX_CAPTURE - kept);
      chunks.push(part);
      kept += part.length;
      dropped += chunk.length - part.length;
    } else dropped += chunk.length;
  });
  return {
    text: () =>
      Buffer.concat(chunks).toString('utf8') +
      (dropped > 0 ? `\n[harness: ${dropped} more bytes not kept]` : ''),
  };
}

const POLL_MS = 1000;

/** Whether a lab was started under `runDir` (the sandbox's /run): `ip netns add` made netns/, or a lab folder. */
function labStarted(runDir: string): boolean {
  if (existsSync(join(runDir, 'netns'))) return true;
  try {
    return readdirSync(join(runDir, 'podnet')).length > 0;
  } catch {
    return false;
  }
}
const IDLE_WINDOW_MS = 10_000;
/** CPU ticks (1/100 s) a whole sandbox may use in the idle window and still count as idle. */
const IDLE_TICKS = 5;

/** CPU ticks used so far by `pid` and its descendants (live ones, plus children they reaped). */
function treeCpuTicks(pid: number): number {
  const children = new Map<number, number[]>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // Fields after the command name: state ppid … utime(14) stime(15) cutime(16) cstime(17).
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(entry));
    children.set(ppid, list);
    ticks.set(
      Number(entry),
      [11, 12, 13, 14].reduce((sum, i) => sum + Number(fields[i] ?? 0), 0),
    );
  }
  let total = 0;
  const stack = [pid];
  while (stack.length > 0) {
    const at = stack.pop() as number;
    total += ticks.get(at) ?? 0;
    stack.push(...(children.get(at) ?? []));
  }
  return total;
}

/** Why sandboxes cannot run here, or undefined when they can (root, unshare, mount namespaces). */
export function sandboxProblem(): string | undefined {
  if (typeof process.getuid === 'function' && process.getuid() !== 0) return 'the sandbox needs root';
  const r = spawnSync('unshare', ['--mount', '--pid', '--fork', '--mount-proc', '--net', '--', 'true'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  if (r.error) return `unshare is missing: ${r.error.message}`;
  if (r.status !== 0) return `unshare fails: ${String(r.stderr).trim()}`;
  return undefined;
}
