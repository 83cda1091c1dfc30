/** Runs probes through the lab agent, from each probe's source, at most `concurrency` at once. */
import type { ObjectKey } from '../../spec/model.ts';
import type { ProbeRequest, ProbeResult } from '../../spec/target.ts';
import type { AgentAnswer, AgentProbe } from './podAgent/labAgent.ts';

/** Parses an agent reply `<ns>/<pod> <source address>`. */
export function parseReply(reply: string): { servedBy?: ObjectKey; sourceSeen?: string } {
  const m = /^(\S+\/\S+) (\S+)$/.exec(reply.trim());
  return m ? { servedBy: m[1] as string, sourceSeen: m[2] as string } : {};
}

export async function runProbes(
  probes: readonly ProbeRequest[],
  senderOf: (source: ObjectKey) => ((p: AgentProbe) => Promise<AgentAnswer>) | undefined,
  concurrency: number,
  signal?: AbortSignal,
): Promise<ProbeResult[]> {
  const results: ProbeResult[] = new Array(probes.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < probes.length) {
      const index = next++;
      const p = probes[index] as ProbeRequest;
      if (signal?.aborted) {
        results[index] = { id: p.id, outcome: 'error', detail: 'aborted', durationMs: 0 };
        continue;
      }
      if (p.protocol === 'SCTP') {
        results[index] = {
          id: p.id,
          outcome: 'unsupported',
          detail: 'this kernel has no SCTP',
          durationMs: 0,
        };
        continue;
      }
      const send = senderOf(p.from);
      if (!send) {
        results[index] = {
          id: p.id,
          outcome: 'error',
          detail: `no agent for source pod ${p.from}`,
          durationMs: 0,
        };
        continue;
      }
      const a = await send({
        host: p.host,
        port: p.port,
        protocol: p.protocol,
        timeoutMs: p.timeoutMs,
      });
      const parsed = a.reply !== undefined ? parseReply(a.reply) : {};
      results[index] = {
        id: p.id,
        outcome: a.outcome,
        ...(a.reply !== undefined ? { reply: a.reply } : {}),
        ...parsed,
        ...(a.detail !== undefined ? { detail: a.detail } : {}),
        durationMs: a.durationMs,
      };
    }
  };
  const workers = Array.from({ length: Math.max(1, Math.min(concurrency, probes.length)) }, () => worker());
  await Promise.all(workers);
  return results;
}
