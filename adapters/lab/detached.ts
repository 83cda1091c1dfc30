/** Starts the lab's long-lived processes (agents, forwarders): detached, so a lab outlives `podnet lab up`. */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { PodnetTargetError } from '../../spec/errors.ts';

/** How long a process may take to print `ready` (dozens may start at once on a loaded machine). */
const START_TIMEOUT_MS = 10_000;

/**
 * Runs `argv` detached with stderr appended to `logFile`, and resolves with its pid once it printed
 * `ready` on stdout (then its stdout is closed); kills it and rejects with `code` if it exits or is silent.
 */
export function startDetached(
  argv: readonly string[],
  logFile: string,
  code: string,
  what: string,
): Promise<number> {
  const [file, ...args] = argv;
  const log = openSync(logFile, 'a');
  const child = spawn(file as string, args, { detached: true, stdio: ['ignore', 'pipe', log] });
  closeSync(log);
  return new Promise((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      child.stdout?.destroy();
      try {
        if (child.pid) process.kill(child.pid, 'SIGKILL');
      } catch {}
      reject(new PodnetTargetError(code, `${what} did not start: ${why}`, `see ${logFile}`));
    };
    const timer = setTimeout(() => fail('timed out'), START_TIMEOUT_MS);
    child.on('error', (e) => fail(e.message));
    child.on('exit', (status) => fail(`exited with code ${status}`));
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n')) {
        clearTimeout(timer);
        child.removeAllListeners('exit');
        child.stdout?.destroy();
        child.unref();
        resolve(child.pid ?? 0);
      }
    });
  });
}
