/**
 * Probe sessions: ONE long-lived `kubectl exec --stdin` per source container runs SESSION_SCRIPT
 * (probeScript.ts), and each later batch from that source is one stdin line and its answer. A batched
 * exec pays, per batch, a kubectl process, a new exec stream (API server and kubelet) and a new shell;
 * a state of a scenario probes from every pod, and a scenario has several states, so those costs are
 * most of a kube run's time. Sessions pay them once per pod.
 *
 * A session that breaks (the stream cut, kubectl gone, no end marker within the batch's time) is closed
 * and reported as a failure; the prober then runs that batch as a batched exec, so a broken session
 * costs time, never a verdict. Sessions of pods that go away are closed by the target (`closeWhere`);
 * all of them on teardown. Closing ends stdin, so the remote shell's `read` ends and kubectl exits; a
 * session that does not end in 2 s is killed. If podnet itself dies, the pipes close and the same happens.
 */
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { redactUrlCredentials } from '../../spec/redact.ts';
import type { ExecOutcome, ExecTarget, KubectlConnection } from './kubectlExec.ts';
import { kubectlExecArgv } from './kubectlExec.ts';
import { SESSION_SCRIPT } from './probeScript.ts';

/** Starts the process behind a session; the default spawns the argv (no shell). Tests substitute it. */
export type SessionSpawner = (argv: readonly string[]) => ChildProcess;

const spawnArgv: SessionSpawner = (argv) =>
  spawn(argv[0] as string, argv.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });

/** Bound on the stderr kept per session (the last bytes, for error messages). */
const STDERR_KEEP = 2048;
/** How long a closed session may take to end before it is killed. */
const CLOSE_GRACE_MS = 2000;

export interface SessionSettings {
  /** Path of agnhost inside the pod. */
  readonly agnhost: string;
  /** The netcat used for replies. */
  readonly nc: string;
}

export class ProbeSessions {
  private readonly sessions = new Map<string, Session>();
  private batches = 0;

  constructor(
    private readonly connection: KubectlConnection,
    private readonly settings: SessionSettings,
    private readonly spawner: SessionSpawner = spawnArgv,
  ) {}

  /**
   * Runs one batch in `target`'s session (opened on first use): writes `line(batchNumber)` and resolves
   * with the output up to the batch's end marker. Batches to one session run one after the other.
   */
  run(
    target: ExecTarget,
    line: (batch: number) => string,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<ExecOutcome> {
    const key = keyOf(target);
    let session = this.sessions.get(key);
    if (!session || session.ended) {
      const argv = kubectlExecArgv(
        this.connection,
        target,
        ['/bin/sh', '-c', SESSION_SCRIPT, 'podnet-session', this.settings.agnhost, this.settings.nc],
        { stdin: true },
      );
      session = new Session(this.spawner(argv));
      this.sessions.set(key, session);
    }
    const batch = this.batches++;
    const current = session;
    return current.enqueue(batch, line(batch), options).then((outcome) => {
      if (outcome.failure !== undefined && this.sessions.get(key) === current) this.sessions.delete(key);
      return outcome;
    });
  }

  /** Closes the sessions whose target matches (pods about to be deleted or replaced). */
  async closeWhere(matches: (target: ExecTarget) => boolean): Promise<void> {
    const closing: Promise<void>[] = [];
    for (const [key, session] of this.sessions) {
      if (!matches(targetOf(key))) continue;
      this.sessions.delete(key);
      closing.push(session.close());
    }
    await Promise.all(closing);
  }

  async closeAll(): Promise<void> {
    await this.closeWhere(() => true);
  }

  /** Open sessions (tests, progress). */
  get size(): number {
    return this.sessions.size;
  }
}

function keyOf(t: ExecTarget): string {
  return JSON.stringify([t.namespace, t.pod, t.container]);
}

function targetOf(key: string): ExecTarget {
  const [namespace, pod, container] = JSON.parse(key) as [string, string, string];
  return { namespace, pod, container };
}

/** One `kubectl exec --stdin` running SESSION_SCRIPT. */
class Session {
  ended = false;
  private stdout = '';
  private stderr = '';
  private exitNote = '';
  private queue: Promise<unknown> = Promise.resolve();
  private waiting: { readonly marker: RegExp; readonly finish: (failure?: string) => void } | undefined;

  constructor(private readonly child: ChildProcess) {
    child.stdout?.setEncoding('utf8');
    child.stderr?.setEncoding('utf8');
    child.stdout?.on('data', (d: string) => {
      this.stdout += d;
      if (this.waiting?.marker.test(this.stdout)) this.waiting.finish();
    });
    child.stderr?.on('data', (d: string) => {
      this.stderr = (this.stderr + d).slice(-STDERR_KEEP);
    });
    child.stdin?.on('error', () => {}); // EPIPE once the remote end is gone: reported through 'exit'
    child.on('error', (error) => this.end(`kubectl could not run: ${error.message}`));
    child.on('exit', (code, signal) => this.end(`the exec session ended (${signal ?? `exit code ${code}`})`));
  }

  enqueue(
    batch: number,
    line: string,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<ExecOutcome> {
    const result = this.queue.then(() => this.runOne(batch, line, options));
    this.queue = result.catch(() => {});
    return result;
  }

  private runOne(
    batch: number,
    line: string,
    options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
  ): Promise<ExecOutcome> {
    const started = performance.now();
    const outcome = (stdout: string, failure?: string): ExecOutcome => ({
      exitCode: failure === undefined ? 0 : -1,
      stdout,
      stderr: redactUrlCredentials(this.stderr),
      ...(failure !== undefined ? { failure: redactUrlCredentials(failure) } : {}),
      durationMs: performance.now() - started,
    });
    if (this.ended) return Promise.resolve(outcome('', this.exitNote));
    if (options.signal?.aborted) return Promise.resolve(outcome('', 'aborted'));
    return new Promise<ExecOutcome>((resolve) => {
      const marker = new RegExp(`(?:^|\\n)PODNET-END\\t\\d+\\t${batch}\\n`);
      this.stdout = '';
      const finish = (failure?: string) => {
        if (!this.waiting) return;
        this.waiting = undefined;
        clearTimeout(timer);
        options.signal?.removeEventListener('abort', onAbort);
        const m = marker.exec(this.stdout);
        const cut = m ? m.index + m[0].length : this.stdout.length;
        const text = this.stdout.slice(0, cut);
        this.stdout = this.stdout.slice(cut);
        if (!m) this.kill();
        resolve(outcome(text, m ? undefined : (failure ?? this.exitNote)));
      };
      const timer = setTimeout(
        () => finish(`no answer from the exec session in ${options.timeoutMs} ms`),
        options.timeoutMs,
      );
      const onAbort = () => finish('aborted');
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting = { marker, finish };
      this.child.stdin?.write(line);
    });
  }

  /** The process ended: a batch in flight fails with why. */
  private end(note: string): void {
    if (this.ended) return;
    this.ended = true;
    const why = this.stderr.trim().split('\n').at(-1);
    this.exitNote = why ? `${note}: ${why}` : note;
    this.waiting?.finish(this.exitNote);
  }

  private kill(): void {
    this.ended = true;
    this.child.kill('SIGKILL');
  }

  /** Ends stdin (the remote shell's `read` ends, then kubectl); kills after a grace period. */
  close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.kill();
        resolve();
      }, CLOSE_GRACE_MS);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
      this.ended = true;
      this.child.stdin?.end();
    });
  }
}
