/** Sends probes through the target, retrying machinery errors, so an exec failure is never taken for a block. */
import type { ProbeRequest, ProbeResult, Target } from '../spec/target.ts';

export interface ProbeRunOptions {
  readonly concurrency: number;
  readonly retries: number;
  readonly signal?: AbortSignal;
}

/** Probe all requests; those that come back `error` are retried up to `retries` times. */
export async function runProbes(
  target: Target,
  requests: readonly ProbeRequest[],
  options: ProbeRunOptions,
): Promise<Map<string, ProbeResult>> {
  const results = new Map<string, ProbeResult>();
  let pending = requests;
  for (let attempt = 0; attempt <= options.retries && pending.length > 0; attempt++) {
    const got = await target.probe(pending, {
      concurrency: options.concurrency,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    for (const r of got) results.set(r.id, r);
    pending = pending.filter((p) => results.get(p.id)?.outcome === 'error' || !results.has(p.id));
  }
  for (const p of pending) {
    if (!results.has(p.id)) {
      results.set(p.id, {
        id: p.id,
        outcome: 'error',
        detail: 'the target returned no result for this probe',
        durationMs: 0,
      });
    }
  }
  return results;
}
