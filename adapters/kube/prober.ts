/**
 * Runs probes through `kubectl exec`. Session (default): one long-lived `kubectl exec --stdin` per source
 * pod takes each batch of that pod's probes as a stdin line (probeSessions.ts); a batch whose session
 * breaks runs as a batched exec instead. Batched: one exec per source pod per batch runs all of its probes
 * concurrently inside the pod (probeScript.ts). Per-probe: one exec per probe, the way Cyclonus and the
 * upstream e2e tests do it. Either way a failed exec is `error` (inconclusive, retried by the runner),
 * never a verdict, and outcomes come from agnhost's own messages, not from exit codes alone.
 */
import { setMaxListeners } from 'node:events';
import type { ObjectKey } from '../../spec/model.ts';
import type { ProbeRequest, ProbeResult } from '../../spec/target.ts';
import { classifyConnect, classifyReply } from './classifyConnect.ts';
import type { ExecOutcome, ExecRunner, ExecTarget, KubectlConnection } from './kubectlExec.ts';
import { kubectlExecArgv } from './kubectlExec.ts';
import { pool } from './pool.ts';
import type { ProbeMode, ScriptProbe } from './probeScript.ts';
import { parseScriptOutput, probeScriptArgv, sessionLine, timeoutArgs } from './probeScript.ts';
import type { ProbeSessions } from './probeSessions.ts';

export type ExecMode = 'session' | 'batched' | 'per-probe';

export interface ProberOptions {
  readonly mode: ExecMode;
  /** Probes in flight inside one pod (batched) or execs in flight (per-probe). */
  readonly concurrency: number;
  /** `kubectl exec` processes in flight at once in batched mode (default 8). */
  readonly execConcurrency: number;
  /** Batches in flight at once in session mode, each in its own pod's session (default 32). */
  readonly sessionConcurrency: number;
  /** Upper bound on probes in flight inside one pod (default 16: each is an agnhost process). */
  readonly podParallelism: number;
  /** Time allowed on top of the probes' own timeouts before an exec is killed (default 20 s). */
  readonly execSlackMs: number;
  readonly agnhost: string;
  readonly nc: string;
  readonly signal?: AbortSignal;
}

export const DEFAULT_PROBER_OPTIONS: Omit<ProberOptions, 'signal'> = {
  mode: 'session',
  concurrency: 64,
  execConcurrency: 8,
  sessionConcurrency: 32,
  podParallelism: 16,
  execSlackMs: 20_000,
  agnhost: '/agnhost',
  nc: 'nc',
};

export interface ProberEnv {
  readonly run: ExecRunner;
  readonly connection: KubectlConnection;
  /** Where a probe's source runs: a pod's first container, or a node's reader pod for `node:<name>`. */
  readonly sourceOf: (from: ObjectKey) => ExecTarget | undefined;
  /** `r` where the answering backend matters (Service addresses), `c` otherwise. */
  readonly modeOf: (request: ProbeRequest) => ProbeMode;
  /** The pod a reply names (serve-hostname answers with the pod's hostname). */
  readonly servedByOf: (reply: string) => ObjectKey | undefined;
  /** The sessions of session mode; without them session mode runs batched execs. */
  readonly sessions?: ProbeSessions;
}

/** Runs `requests`; one result per request, in request order. */
export async function runKubeProbes(
  requests: readonly ProbeRequest[],
  env: ProberEnv,
  options: ProberOptions,
): Promise<ProbeResult[]> {
  const byId = new Map<string, ProbeResult>();
  const groups = new Map<ObjectKey, ProbeRequest[]>();
  for (const r of requests) {
    if (!env.sourceOf(r.from)) {
      byId.set(r.id, {
        id: r.id,
        outcome: 'error',
        detail: `no running pod for source ${r.from}`,
        durationMs: 0,
      });
      continue;
    }
    const g = groups.get(r.from) ?? [];
    g.push(r);
    groups.set(r.from, g);
  }
  const batches: ProbeRequest[][] =
    options.mode === 'per-probe' ? [...groups.values()].flat().map((r) => [r]) : [...groups.values()];
  const execsInFlight =
    options.mode === 'per-probe'
      ? options.concurrency
      : options.mode === 'session' && env.sessions
        ? options.sessionConcurrency
        : options.execConcurrency;
  // Every exec and session batch in flight listens for the abort: up to 32 at once, past Node's default
  // warning threshold of 10 listeners on one signal. They listen on a signal of the prober's own, which
  // follows the caller's, so the caller's signal keeps one listener and no warning is printed.
  const inner = new AbortController();
  setMaxListeners(Math.max(10, execsInFlight + 1), inner.signal);
  const follow = () => inner.abort(options.signal?.reason);
  if (options.signal?.aborted) follow();
  else options.signal?.addEventListener('abort', follow, { once: true });
  try {
    await pool(batches, Math.max(1, execsInFlight), async (batch) => {
      for (const r of await runBatch(batch, env, { ...options, signal: inner.signal })) byId.set(r.id, r);
    });
  } finally {
    options.signal?.removeEventListener('abort', follow);
  }
  return requests.map(
    (r) => byId.get(r.id) ?? { id: r.id, outcome: 'error', detail: 'no result', durationMs: 0 },
  );
}

const scriptId = (index: number): string => `p${index + 1}`;

/** One exec for `batch` (all from the same source). */
async function runBatch(
  batch: readonly ProbeRequest[],
  env: ProberEnv,
  options: ProberOptions,
): Promise<ProbeResult[]> {
  const first = batch[0];
  if (!first) return [];
  const target = env.sourceOf(first.from) as ExecTarget;
  if (options.signal?.aborted)
    return batch.map((r) => ({ id: r.id, outcome: 'error', detail: 'aborted', durationMs: 0 }));
  const timeoutMs = Math.max(...batch.map((r) => r.timeoutMs));
  const parallel = Math.max(1, Math.min(options.concurrency, options.podParallelism, batch.length));
  // The script sees batch-local ids (`p1`, `p2`, …): a caller's id may hold any character (the flannel
  // area's are `ns/pod>ns/pod/TCP`), and only [A-Za-z0-9_.:-] may travel as a script word.
  const scriptProbes: ScriptProbe[] = batch.map((r, i) => ({
    id: scriptId(i),
    host: r.host,
    port: r.port,
    protocol: r.protocol,
    mode: env.modeOf(r),
  }));
  let argv: string[];
  try {
    argv = kubectlExecArgv(
      env.connection,
      target,
      probeScriptArgv(scriptProbes, { agnhost: options.agnhost, nc: options.nc, timeoutMs, parallel }),
    );
  } catch (error) {
    return batch.map((r) => ({
      id: r.id,
      outcome: 'error',
      detail: (error as Error).message,
      durationMs: 0,
    }));
  }
  const waves = Math.ceil(batch.length / parallel);
  const perProbeMs = timeoutMs + Number(timeoutArgs(timeoutMs).ncWait) * 1000;
  const execOptions = {
    timeoutMs: waves * perProbeMs + options.execSlackMs,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  let outcome: ExecOutcome | undefined;
  if (options.mode === 'session' && env.sessions) {
    // The probes passed probeScriptArgv's checks above, the same ones sessionLine makes.
    const line = (n: number) => sessionLine(n, scriptProbes, { timeoutMs, parallel });
    outcome = await env.sessions.run(target, line, execOptions);
    // A broken session costs time, never a verdict: the batch runs again as a batched exec.
    if (outcome.failure !== undefined && !options.signal?.aborted) outcome = undefined;
  }
  outcome ??= await env.run(argv, execOptions);
  const parsed = parseScriptOutput(outcome.stdout);
  const execProblem =
    outcome.failure ??
    (outcome.exitCode !== 0
      ? `kubectl exec exited ${outcome.exitCode}`
      : parsed.endCount === undefined
        ? 'output ended before the end marker'
        : undefined);
  const stderrLine = outcome.stderr.trim().split('\n')[0] ?? '';
  return batch.map((r, i): ProbeResult => {
    const line = parsed.lines.get(scriptId(i));
    const durationMs = Math.round(outcome.durationMs);
    if (!line) {
      const why = execProblem ?? 'the batch printed no line for this probe';
      return {
        id: r.id,
        outcome: 'error',
        detail: `exec in ${target.namespace}/${target.pod}: ${why}${stderrLine ? `: ${stderrLine}` : ''}`,
        durationMs,
      };
    }
    if (line.kind === 'r') {
      const c = classifyReply(line.exitCode, line.text, r.protocol);
      const servedBy = c.reply ? env.servedByOf(c.reply) : undefined;
      return {
        id: r.id,
        outcome: c.outcome,
        ...(c.reply ? { reply: c.reply } : {}),
        ...(servedBy !== undefined ? { servedBy } : {}),
        ...(c.detail !== undefined ? { detail: c.detail } : {}),
        durationMs,
      };
    }
    const c = classifyConnect(line.exitCode, line.text);
    return {
      id: r.id,
      outcome: c.outcome,
      ...(c.detail !== undefined ? { detail: c.detail } : {}),
      durationMs,
    };
  });
}
