/**
 * Pod-to-pod probes across nodes, for every backend: the data plane must carry traffic, not only look
 * right. Each pod probes a pod on every other node (the first pod over TCP, the second over UDP). The
 * oracle's peer table says whether a path exists: host-gw peers on another L2 segment have none, so a
 * probe to them must not connect. On a dual-stack target the IPv6 addresses are probed the same way,
 * against the oracle's IPv6 peer table. Pure: planning and judging; the caller sends the probes.
 */
import type { ExpectedNodeState } from '../../../spec/flannelExpectation.ts';
import type { Protocol } from '../../../spec/model.ts';
import type { ProbeRequest, ProbeResult } from '../../../spec/target.ts';
import type { FlannelRow } from './nodeTable.ts';

export interface PlannedProbe {
  readonly request: ProbeRequest;
  readonly fromNode: string;
  readonly toNode: string;
  readonly toPod: string;
  /** `reachable`, `unreachable` (no path by design), or `undefined` (not judged). */
  readonly expected: 'reachable' | 'unreachable' | 'undefined';
  readonly reason?: string;
  /** The address family probed (IPv4 unless a dual-stack target's IPv6 addresses are). */
  readonly family: 4 | 6;
}

export interface ProbePod {
  readonly key: string;
  readonly node: string;
  readonly ip: string;
}

export interface DataplanePorts {
  readonly tcp: number;
  readonly udp: number;
}

export function planDataplaneProbes(
  pods: readonly ProbePod[],
  expected: readonly ExpectedNodeState[],
  ambiguousNodes: readonly string[],
  ports: DataplanePorts,
  timeoutMs: number,
  family: 4 | 6 = 4,
): PlannedProbe[] {
  const byNode = new Map<string, ProbePod[]>();
  for (const p of pods) byNode.set(p.node, [...(byNode.get(p.node) ?? []), p]);
  const ambiguous = new Set(ambiguousNodes);
  const plan: PlannedProbe[] = [];
  for (const [fromNode, sources] of byNode) {
    const self = expected.find((e) => e.node === fromNode);
    for (const [toNode, targets] of byNode) {
      if (toNode === fromNode) continue;
      const peer = (family === 6 ? self?.ipv6?.peers : self?.peers)?.find((p) => p.node === toNode);
      sources.forEach((src, j) => {
        const dst = targets[j % targets.length] as ProbePod;
        const protocol: Protocol = j === 0 ? 'TCP' : 'UDP';
        const undefinedReason =
          !self || !peer
            ? `the oracle has no expectation for ${fromNode} → ${toNode} (no ${family === 6 ? 'IPv6 ' : ''}lease)`
            : peer.path === 'shared-lease'
              ? (peer.reason ?? 'the peer shares a lease')
              : ambiguous.has(fromNode) || ambiguous.has(toNode)
                ? 'the two nodes hold overlapping leases: which pod answers is not defined'
                : undefined;
        plan.push({
          request: {
            id: `${src.key}>${dst.key}/${protocol}${family === 6 ? '/IPv6' : ''}`,
            from: src.key,
            host: dst.ip,
            port: protocol === 'TCP' ? ports.tcp : ports.udp,
            protocol,
            timeoutMs,
            // Which pod answered is part of the verdict (a packet delivered to the wrong pod is a failure).
            reply: true,
          },
          fromNode,
          toNode,
          toPod: dst.key,
          family,
          expected: undefinedReason ? 'undefined' : peer?.reachable ? 'reachable' : 'unreachable',
          ...(undefinedReason
            ? { reason: undefinedReason }
            : peer?.reason
              ? { reason: peer.reason }
              : peer
                ? { reason: `path: ${peer.path}` }
                : {}),
        });
      });
    }
  }
  return plan;
}

type DataplaneVerdict = 'ok' | 'block' | 'mismatch' | 'inconclusive' | 'undefined';

export interface DataplaneJudgement {
  readonly probe: PlannedProbe;
  readonly result: ProbeResult | undefined;
  readonly verdict: DataplaneVerdict;
  readonly expectedText: string;
  readonly observedText: string;
}

export function judgeDataplaneProbe(
  probe: PlannedProbe,
  result: ProbeResult | undefined,
): DataplaneJudgement {
  const expectedText =
    probe.expected === 'reachable'
      ? `connected, answered by ${probe.toPod}`
      : probe.expected === 'unreachable'
        ? 'no connection (no path: host-gw peer not L2-adjacent)'
        : 'not judged';
  const observedText = !result
    ? 'not probed'
    : result.outcome === 'connected'
      ? `connected, answered by ${result.servedBy ?? '?'}`
      : `${result.outcome}${result.detail ? ` (${result.detail})` : ''}`;
  const base = { probe, result, expectedText, observedText };
  if (probe.expected === 'undefined') return { ...base, verdict: 'undefined' };
  if (!result || result.outcome === 'error' || result.outcome === 'unsupported')
    return { ...base, verdict: 'inconclusive' };
  if (probe.expected === 'reachable') {
    if (result.outcome !== 'connected') return { ...base, verdict: 'block' };
    return { ...base, verdict: result.servedBy === probe.toPod ? 'ok' : 'mismatch' };
  }
  return { ...base, verdict: result.outcome === 'connected' ? 'mismatch' : 'ok' };
}

export function isDataplaneFailure(j: DataplaneJudgement): boolean {
  return j.verdict === 'block' || j.verdict === 'mismatch';
}

/** Table rows (on the source node) for the probes. */
export function dataplaneRows(judgements: readonly DataplaneJudgement[]): FlannelRow[] {
  return judgements.map((j) => ({
    node: j.probe.fromNode,
    object: 'dataplane',
    key: `${j.probe.request.from} → ${j.probe.toPod} ${j.probe.request.port}/${j.probe.request.protocol}${j.probe.family === 6 ? ' IPv6' : ''}`,
    expected: j.expectedText,
    observed: j.observedText,
    differs: isDataplaneFailure(j),
  }));
}
