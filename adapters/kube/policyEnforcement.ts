/**
 * Is NetworkPolicy enforced at all? Plain flannel enforces none, and then every deny cell of every
 * scenario would come back "connected": a thousand leaks that all say one thing. This check says it
 * once. It works on any Target: realize two pods, check the client reaches the server, add a deny-all
 * ingress policy, and poll for a bounded settle time. Still connected: not enforced. Blocked: enforced.
 * The baseline not connecting at all: unknown (the network itself is broken; the run will say so).
 */
import type { Cluster, Namespace, Pod } from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import type { Realized } from '../../spec/scenario.ts';
import type { ProbeResult, Target } from '../../spec/target.ts';

export interface EnforcementCheckOptions {
  /** How long the deny-all may take to take effect (policies are eventually consistent). Default 15 s. */
  readonly settleMs?: number;
  readonly pollMs?: number;
  readonly probeTimeoutMs?: number;
  /** Scenario node names to place the two pods on (default node-1, node-2). */
  readonly nodes?: readonly [string, string];
  readonly signal?: AbortSignal;
}

export interface EnforcementCheck {
  readonly policyEnforced: boolean | 'unknown';
  /** One sentence for the report. */
  readonly evidence: string;
}

/** The finding text the runner reports once when `policyEnforced` is false. */
export const NOT_ENFORCED_TITLE = 'NetworkPolicy is not enforced in this cluster';

const NS = 'podnet-enforce';
const PORT = 8080;

function fixture(nodes: readonly [string, string], withPolicy: boolean): Cluster {
  const ns: Namespace = { name: NS, labels: { [NAMESPACE_NAME_LABEL]: NS } };
  const pod = (name: string, node: string, ports: boolean): Pod => ({
    namespace: NS,
    name,
    labels: { pod: name },
    nodeName: node,
    hostNetwork: false,
    containers: [{ name: 'c', ports: ports ? [{ containerPort: PORT, protocol: 'TCP' }] : [] }],
    ips: [],
    ready: true,
  });
  return {
    nodes: nodes.map((name) => ({ name, labels: {}, segment: 0 })),
    namespaces: [ns],
    pods: [pod('server', nodes[0], true), pod('client', nodes[1], false)],
    services: [],
    policies: withPolicy
      ? [{ namespace: NS, name: 'deny-all-ingress', podSelector: {}, policyTypes: ['Ingress'], ingress: [] }]
      : [],
  };
}

async function probeOnce(
  target: Target,
  realized: Realized,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<ProbeResult | undefined> {
  const host = realized.podIPs[`${NS}/server`]?.[0];
  if (host === undefined) return undefined;
  const [r] = await target.probe(
    [{ id: 'enforce', from: `${NS}/client`, host, port: PORT, protocol: 'TCP', timeoutMs }],
    {
      concurrency: 1,
      ...(signal ? { signal } : {}),
    },
  );
  return r;
}

/** Runs the check on `target`; leaves the target holding an empty cluster on the same nodes. */
export async function checkPolicyEnforcement(
  target: Target,
  options: EnforcementCheckOptions = {},
): Promise<EnforcementCheck> {
  const nodes = options.nodes ?? ['node-1', 'node-2'];
  const settleMs = options.settleMs ?? 15_000;
  const pollMs = options.pollMs ?? 500;
  const timeoutMs = options.probeTimeoutMs ?? 1000;
  const signalOpt = options.signal ? { signal: options.signal } : {};
  try {
    let realized = await target.sync(fixture(nodes, false), signalOpt);
    let baseline: ProbeResult | undefined;
    for (let i = 0; i < 5; i++) {
      baseline = await probeOnce(target, realized, timeoutMs, options.signal);
      if (baseline?.outcome === 'connected') break;
      await new Promise((r) => setTimeout(r, pollMs));
    }
    if (baseline?.outcome !== 'connected') {
      return {
        policyEnforced: 'unknown',
        evidence: `without any policy, a pod could not reach another (${baseline?.outcome ?? 'no result'}${baseline?.detail ? `: ${baseline.detail}` : ''})`,
      };
    }
    realized = await target.sync(fixture(nodes, true), signalOpt);
    const deadline = Date.now() + settleMs;
    let last: ProbeResult | undefined;
    do {
      last = await probeOnce(target, realized, timeoutMs, options.signal);
      if (last && (last.outcome === 'refused' || last.outcome === 'timeout')) {
        return {
          policyEnforced: true,
          evidence: `a deny-all ingress policy blocked pod-to-pod traffic (${last.outcome})`,
        };
      }
      if (options.signal?.aborted) break;
      await new Promise((r) => setTimeout(r, pollMs));
    } while (Date.now() < deadline);
    if (last?.outcome === 'connected') {
      return {
        policyEnforced: false,
        evidence: `a pod still reached another ${Math.round(settleMs / 1000)}s after a deny-all ingress policy selected it`,
      };
    }
    return {
      policyEnforced: 'unknown',
      evidence: `probes under the deny-all policy did not conclude (${last?.outcome ?? 'no result'})`,
    };
  } finally {
    await target.sync(
      {
        nodes: nodes.map((name) => ({ name, labels: {}, segment: 0 })),
        namespaces: [],
        pods: [],
        services: [],
        policies: [],
      },
      signalOpt,
    );
  }
}
