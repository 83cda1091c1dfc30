/**
 * An ExecHandle over a child process that leads its own process group: killing it kills the group, and
 * once the leader exits whatever it left in the group is killed too, so an exec never leaves orphans.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import type { ExecExit, ExecHandle, ExecStreams } from './types.ts';

/** Wraps `child` (spawned with `detached: true`, so its pid is its group id). */
export function handleOfChild(
  child: ChildProcess,
  notStarted?: (error: Error) => string | undefined,
): ExecHandle {
  const killGroup = (): void => {
    if (child.pid === undefined) return;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  const exited = new Promise<ExecExit>((resolve) => {
    let exit: ExecExit | undefined;
    child.once('error', (error) => {
      if (child.pid !== undefined) return;
      resolve({ kind: 'not-started', message: notStarted?.(error) ?? error.message });
    });
    child.once('exit', (code, signal) => {
      exit = signal ? { kind: 'signaled', signal } : { kind: 'exited', code: code ?? 0 };
      killGroup();
    });
    child.once('close', (code, signal) => {
      resolve(exit ?? (signal ? { kind: 'signaled', signal } : { kind: 'exited', code: code ?? 0 }));
    });
  });
  child.stdin?.on('error', () => {});
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    stderr: child.stderr,
    exited,
    kill: killGroup,
  };
}

/** What the Go runtime of a container reports for an executable it cannot find (runc's wording). */
export function notFoundMessage(file: string): string {
  return `exec: "${file}": executable file not found in $PATH`;
}

/**
 * Runs argv as a plain process of this machine (no sandbox): the exec protocol's tests use it; the lab
 * API runs commands through containers/sandbox.ts instead.
 */
export function spawnOnHost(argv: readonly string[], streams: ExecStreams): ExecHandle {
  const [file, ...args] = argv;
  const child = spawn(file ?? '', args, {
    detached: true,
    stdio: [
      streams.stdin ? 'pipe' : 'ignore',
      streams.stdout ? 'pipe' : 'ignore',
      streams.stderr ? 'pipe' : 'ignore',
    ],
  });
  return handleOfChild(child, (error) =>
    (error as NodeJS.ErrnoException).code === 'ENOENT' ? notFoundMessage(file ?? '') : undefined,
  );
}
