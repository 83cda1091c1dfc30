/**
 * Check one cluster state on the target: probe, judge, and poll what differs until it matches or the
 * convergence bound runs out (policies are eventually consistent; results during convergence are not
 * violations). Static model invariants (unique pod IPs inside their node's lease) are checked here too.
 */
import type { Cluster } from '../spec/model.ts';
import { keyOf } from '../spec/model.ts';
import type { Realized } from '../spec/scenario.ts';
import type { Target } from '../spec/target.ts';
import type { ProbeJudgement } from './judge.ts';
import { judgeProbe } from './judge.ts';
import type { PolicyOracle } from './policyOracle.ts';
import type { PlannedProbe } from './probePlan.ts';
import { runProbes } from './probeRunner.ts';

export interface StateCheckOptions {
  readonly concurrency: number;
  readonly retries: number;
  readonly convergeTimeoutMs: number;
  readonly pollIntervalMs: number;
  readonly signal?: AbortSignal;
}

interface StaticViolation {
  readonly rule: 'MODEL-UNIQUE-IP' | 'MODEL-IP-IN-LEASE';
  readonly detail: string;
  readonly pods: readonly string[];
}

export interface StateCheck {
  readonly judgements: readonly ProbeJudgement[];
  readonly staticViolations: readonly StaticViolation[];
  readonly probesSent: number;
  /** Time from the first probe until every polled probe matched; undefined when nothing needed polling. */
  readonly convergenceMs?: number;
  /** Whether some probe still differed when the convergence bound ran out. */
  readonly converged: boolean;
}

const FAILING_KINDS = new Set(['leak', 'block', 'mismatch', 'distribution']);

export function isFailing(j: ProbeJudgement): boolean {
  return FAILING_KINDS.has(j.kind);
}

export async function checkState(
  target: Target,
  cluster: Cluster,
  realized: Realized,
  oracle: PolicyOracle,
  probes: readonly PlannedProbe[],
  options: StateCheckOptions,
  checkModel: boolean,
): Promise<StateCheck> {
  const started = Date.now();
  const probeOpts = {
    concurrency: options.concurrency,
    retries: options.retries,
    ...(options.signal ? { signal: options.signal } : {}),
  };
  const results = await runProbes(
    target,
    probes.map((p) => p.request),
    probeOpts,
  );
  let probesSent = probes.length;
  const judgements = new Map<string, ProbeJudgement>();
  for (const p of probes) {
    judgements.set(p.request.id, judgeProbe(p, results.get(p.request.id)!, cluster, realized, oracle));
  }
  let failing = probes.filter((p) => isFailing(judgements.get(p.request.id)!));
  let convergenceMs: number | undefined;
  if (failing.length > 0) {
    const deadline = Date.now() + options.convergeTimeoutMs;
    while (failing.length > 0 && Date.now() < deadline && !options.signal?.aborted) {
      await sleep(options.pollIntervalMs);
      const again = await runProbes(
        target,
        failing.map((p) => p.request),
        probeOpts,
      );
      probesSent += failing.length;
      for (const p of failing)
        judgements.set(p.request.id, judgeProbe(p, again.get(p.request.id)!, cluster, realized, oracle));
      failing = failing.filter((p) => isFailing(judgements.get(p.request.id)!));
    }
    convergenceMs = Date.now() - started;
  }
  const staticViolations = checkModel ? staticModelViolations(cluster, realized) : [];
  return {
    judgements: probes.map((p) => judgements.get(p.request.id)!),
    staticViolations,
    probesSent,
    ...(convergenceMs !== undefined ? { convergenceMs } : {}),
    converged: failing.length === 0,
  };
}

/** Unique pod IPs, each inside its node's lease (the Kubernetes network model, seed notes 网络模型). */
function staticModelViolations(cluster: Cluster, realized: Realized): StaticViolation[] {
  const out: StaticViolation[] = [];
  const byIP = new Map<string, string[]>();
  for (const pod of cluster.pods) {
    if (pod.hostNetwork) continue;
    const ip = realized.podIPs[keyOf(pod)]?.[0];
    if (ip === undefined) continue;
    byIP.set(ip, [...(byIP.get(ip) ?? []), keyOf(pod)]);
    const lease = pod.nodeName ? realized.nodeSubnets[pod.nodeName] : undefined;
    if (lease !== undefined && !ipv4InCidr(ip, lease)) {
      out.push({
        rule: 'MODEL-IP-IN-LEASE',
        detail: `${keyOf(pod)} has IP ${ip}, outside its node ${pod.nodeName}'s lease ${lease}`,
        pods: [keyOf(pod)],
      });
    }
  }
  for (const [ip, pods] of byIP) {
    if (pods.length > 1)
      out.push({ rule: 'MODEL-UNIQUE-IP', detail: `${pods.join(' and ')} share the IP ${ip}`, pods });
  }
  return out;
}

function ipv4ToInt(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    const v = Number(p);
    if (!Number.isInteger(v) || v < 0 || v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

function ipv4InCidr(ip: string, cidr: string): boolean {
  const [net, lenText] = cidr.split('/');
  const a = ipv4ToInt(ip);
  const b = net === undefined ? undefined : ipv4ToInt(net);
  const len = Number(lenText);
  if (a === undefined || b === undefined || !Number.isInteger(len)) return true; // IPv6 or unparsable: not judged here
  const size = 2 ** (32 - len);
  return Math.floor(a / size) === Math.floor(b / size);
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
