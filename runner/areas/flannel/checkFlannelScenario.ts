/**
 * Runs one flannel scenario on a target: realize it, read every node's state back, judge it against the
 * oracle, probe pod to pod across nodes, and lay the result out as per-node tables.
 */

import { keyOf } from '../../../spec/model.ts';
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { ProbeResult, Target } from '../../../spec/target.ts';
import type { DataplaneJudgement, PlannedProbe } from './dataplane.ts';
import { dataplaneRows, judgeDataplaneProbe, planDataplaneProbes } from './dataplane.ts';
import { flannelFailed } from './flannelFindings.ts';
import type { FlannelScenario } from './flannelScenario.ts';
import {
  flannelCluster,
  nodeMaskOf,
  nodeMaskOfIPv6,
  PROBE_TCP_PORT,
  PROBE_UDP_PORT,
} from './flannelScenario.ts';
import type { FlannelJudgement } from './judgeNodeStates.ts';
import { judgeNodeStates, segmentsFromAddresses } from './judgeNodeStates.ts';
import type { FlannelRow, NodeTable } from './nodeTable.ts';
import { nodeTable } from './nodeTable.ts';

export interface FlannelCheckSettings {
  readonly probeTimeoutMs: number;
  readonly concurrency: number;
  /** Times a probe whose machinery failed is re-sent before it counts as inconclusive. */
  readonly retries: number;
  readonly signal?: AbortSignal;
}

export interface FlannelScenarioOutcome {
  readonly scenario: FlannelScenario;
  readonly realized: Realized;
  readonly states: readonly NodeNetworkState[];
  readonly judgement: FlannelJudgement;
  readonly dataplane: readonly DataplaneJudgement[];
  readonly tables: readonly NodeTable[];
  readonly failed: boolean;
  readonly probesSent: number;
}

export async function checkFlannelScenario(
  target: Target,
  scenario: FlannelScenario,
  settings: FlannelCheckSettings,
): Promise<FlannelScenarioOutcome> {
  const cluster = flannelCluster(scenario);
  const realized = await target.sync(cluster, {
    netConf: scenario.netConf,
    ...(settings.signal ? { signal: settings.signal } : {}),
  });
  const states = await target.nodeStates();
  const judgement = judgeNodeStates({
    netConf: scenario.netConf,
    ...(scenario.cluster
      ? { netConfText: scenario.cluster.netConfText, flannelVersion: scenario.cluster.flannelVersion }
      : {}),
    segments: scenario.cluster
      ? segmentsFromAddresses(realized.nodeIPs, states)
      : Object.fromEntries(cluster.nodes.map((n) => [n.name, n.segment])),
    nodeIPs: realized.nodeIPs,
    leases: realized.nodeSubnets,
    states,
    nodeCidrMaskSize: scenario.cluster?.nodeMask ?? nodeMaskOf(scenario.netConf),
    ...(realized.ipv6
      ? {
          ipv6: {
            nodeIPs: realized.ipv6.nodeIPs,
            leases: realized.ipv6.nodeSubnets,
            // A cluster's IPv6 node mask is its allocator's (KCM's default /64 unless known).
            ...(scenario.cluster ? {} : { nodeCidrMaskSize: nodeMaskOfIPv6(scenario.netConf) }),
          },
        }
      : {}),
  });
  // Every pod address is probed across nodes: the IPv4 one, and on a dual-stack target the IPv6 one too.
  const podsOf = (family: 4 | 6) =>
    cluster.pods.flatMap((p) => {
      const ip = realized.podIPs[keyOf(p)]?.find((a) => a.includes(':') === (family === 6));
      return ip && p.nodeName ? [{ key: keyOf(p), node: p.nodeName, ip }] : [];
    });
  const families: (4 | 6)[] = realized.ipv6 ? [4, 6] : [4];
  const plan = families.flatMap((family) =>
    planDataplaneProbes(
      podsOf(family),
      judgement.expected,
      family === 6 ? judgement.ambiguousNodesIPv6 : judgement.ambiguousNodes,
      { tcp: PROBE_TCP_PORT, udp: PROBE_UDP_PORT },
      settings.probeTimeoutMs,
      family,
    ),
  );
  const { results, sent } = await probeWithRetries(target, plan, settings);
  const dataplane = plan.map((p) => judgeDataplaneProbe(p, results.get(p.request.id)));
  const extra: FlannelRow[] = [...leaseRows(judgement, realized), ...dataplaneRows(dataplane)];
  const byNode = new Map(states.map((s) => [s.node, s]));
  const tables = judgement.expected.map((e) =>
    nodeTable(e, byNode.get(e.node), judgement.differences, extra),
  );
  return {
    scenario,
    realized,
    states,
    judgement,
    dataplane,
    tables,
    failed: flannelFailed(judgement.differences, judgement.leaseViolations, dataplane),
    probesSent: sent,
  };
}

async function probeWithRetries(
  target: Target,
  plan: readonly PlannedProbe[],
  settings: FlannelCheckSettings,
): Promise<{ results: Map<string, ProbeResult>; sent: number }> {
  const results = new Map<string, ProbeResult>();
  let pending = plan.map((p) => p.request);
  let sent = 0;
  for (let attempt = 0; attempt <= settings.retries && pending.length > 0; attempt++) {
    const batch = await target.probe(pending, {
      concurrency: settings.concurrency,
      ...(settings.signal ? { signal: settings.signal } : {}),
    });
    sent += pending.length;
    for (const r of batch) results.set(r.id, r);
    pending = pending.filter((p) => results.get(p.id)?.outcome === 'error');
  }
  return { results, sent };
}

/** One row per node and lease (IPv4, and IPv6 on a dual-stack node): the invariants it breaks, if any. */
function leaseRows(judgement: FlannelJudgement, realized: Realized): FlannelRow[] {
  return judgement.expected.flatMap((e) => {
    const row = (family: 4 | 6, key: string): FlannelRow => {
      const broken = judgement.leaseViolations.filter((v) => v.family === family && v.nodes.includes(e.node));
      return {
        node: e.node,
        object: 'lease',
        key,
        expected: `aligned, inside ${family === 6 ? 'IPv6Network' : 'Network'}, disjoint from every other lease`,
        observed: broken.length > 0 ? broken.map((v) => v.message).join('; ') : 'holds',
        differs: broken.length > 0,
      };
    };
    const v6 = realized.ipv6?.nodeSubnets[e.node] ?? e.ipv6?.lease;
    return [row(4, realized.nodeSubnets[e.node] ?? e.lease), ...(v6 ? [row(6, v6)] : [])];
  });
}
