/**
 * Expectation versus observation for one probe (DESIGN.md "Findings"): allow/connected and
 * deny/refused|timeout conform; deny/connected is a leak; allow/refused|timeout is a block; machinery
 * errors are inconclusive; undefined is recorded, not judged. Model-area checks ride on the same probes.
 */
import type { Cluster, ObjectKey, Pod, Protocol, Service } from '../spec/model.ts';
import { keyOf } from '../spec/model.ts';
import type { Realized } from '../spec/scenario.ts';
import type { ProbeResult } from '../spec/target.ts';
import { nodeOfSource } from '../spec/target.ts';
import type { FindingKind, Verdict } from '../spec/verdict.ts';
import type { PolicyOracle } from './policyOracle.ts';
import type { PlannedProbe } from './probePlan.ts';

type JudgementKind = FindingKind | 'conforms' | 'unsupported';

export interface ProbeJudgement {
  readonly probe: PlannedProbe;
  readonly expected: Verdict;
  readonly result: ProbeResult;
  readonly kind: JudgementKind;
  readonly rule: string;
  readonly explanation: readonly string[];
  /** For model-area mismatches: what was wrong. */
  readonly detail?: string;
}

/** Judge one probe result against the oracle. */
export function judgeProbe(
  probe: PlannedProbe,
  result: ProbeResult,
  cluster: Cluster,
  realized: Realized,
  oracle: PolicyOracle,
): ProbeJudgement {
  const { request, dest } = probe;
  const node = nodeOfSource(request.from);
  if (node !== undefined && dest.kind === 'pod') return judgeNodeToPod(probe, result, node, dest.pod);
  if (dest.kind === 'pod') {
    const j = oracle.judge(request.from, dest.pod, request.port, request.protocol);
    const base = classify(j.verdict, result);
    const rule = policyRule(base, j.egressAllowed);
    if (base === 'conforms' && result.outcome === 'connected') {
      const model = modelCheckPodProbe(probe, result, realized);
      if (model)
        return {
          probe,
          expected: j.verdict,
          result,
          kind: 'mismatch',
          rule: model.rule,
          explanation: j.explanation,
          detail: model.detail,
        };
    }
    return { probe, expected: j.verdict, result, kind: base, rule, explanation: j.explanation };
  }
  if (dest.kind === 'outside') {
    const j = oracle.judge(request.from, { ip: request.host }, request.port, request.protocol);
    const base = classify(j.verdict, result);
    if (base === 'conforms' && result.outcome === 'connected') {
      const srcPod = findPod(cluster, request.from);
      const nodeIP = srcPod?.nodeName ? realized.nodeIPs[srcPod.nodeName] : undefined;
      if (nodeIP !== undefined && result.sourceSeen !== nodeIP) {
        return {
          probe,
          expected: j.verdict,
          result,
          kind: 'mismatch',
          rule: 'MODEL-MASQUERADE',
          explanation: j.explanation,
          detail: `the outside server saw ${result.sourceSeen ?? 'nothing'}, expected the node IP ${nodeIP}`,
        };
      }
    }
    return {
      probe,
      expected: j.verdict,
      result,
      kind: base,
      rule: policyRule(base, j.egressAllowed),
      explanation: j.explanation,
    };
  }
  // Service: policy applies to the backend chosen after DNAT.
  const svc = cluster.services.find((s) => keyOf(s) === dest.service);
  const backends = svc ? serviceBackends(cluster, svc, dest.port, request.protocol) : [];
  if (result.outcome === 'connected' && result.servedBy !== undefined) {
    const chosen = backends.find((b) => b.pod === result.servedBy);
    if (!chosen) {
      return {
        probe,
        expected: 'deny',
        result,
        kind: 'leak',
        rule: 'NP-ALLOW',
        explanation: [`${result.servedBy} is not an eligible backend of ${dest.service}:${dest.port}`],
        detail: 'served by a pod that is not a ready endpoint of the Service',
      };
    }
    const j = oracle.judge(request.from, chosen.pod, chosen.port, request.protocol);
    const kind = classify(j.verdict, result);
    return {
      probe,
      expected: j.verdict,
      result,
      kind,
      rule: policyRule(kind, j.egressAllowed),
      explanation: [`backend chosen after DNAT: ${chosen.pod} port ${chosen.port}`, ...j.explanation],
    };
  }
  const verdicts = backends.map((b) => oracle.judge(request.from, b.pod, b.port, request.protocol));
  let expected: Verdict;
  if (backends.length === 0) expected = 'deny';
  else if (verdicts.some((v) => v.verdict === 'undefined')) expected = 'undefined';
  else if (verdicts.every((v) => v.verdict === 'allow')) expected = 'allow';
  else if (verdicts.every((v) => v.verdict === 'deny')) expected = 'deny';
  else expected = 'undefined';
  const explanation =
    backends.length === 0
      ? [`${dest.service}:${dest.port} has no ready endpoint: the Service rejects`]
      : backends.map((b, i) => `backend ${b.pod}:${b.port} → ${verdicts[i]?.verdict}`);
  const kind = classify(expected, result);
  return {
    probe,
    expected,
    result,
    kind,
    rule: kind === 'block' ? 'NP-ALLOW' : 'NP-INGRESS-ISOLATION',
    explanation,
  };
}

/**
 * A probe from a pod's own node: the network model says the node can always reach it, whatever the
 * policies (the NetworkPolicy concept page: "traffic to and from the node where a Pod is running is always
 * allowed"; networking/v1 types.go). The pod sees the node's address on its bridge, so no NAT check here.
 */
function judgeNodeToPod(
  probe: PlannedProbe,
  result: ProbeResult,
  node: string,
  pod: ObjectKey,
): ProbeJudgement {
  const explanation = [`${pod} runs on ${node}: a pod's own node can always reach it, whatever the policies`];
  const kind = classify('allow', result);
  if (kind === 'conforms' && result.servedBy !== undefined && result.servedBy !== pod) {
    return {
      probe,
      expected: 'allow',
      result,
      kind: 'mismatch',
      rule: 'MODEL-UNIQUE-IP',
      explanation,
      detail: `${probe.request.host} answered node ${node} as ${result.servedBy}, expected ${pod}`,
    };
  }
  return { probe, expected: 'allow', result, kind, rule: 'MODEL-NODE-TO-POD', explanation };
}

/** allow/deny/undefined against connected/refused/timeout/error/unsupported. */
function classify(expected: Verdict, result: ProbeResult): JudgementKind {
  if (result.outcome === 'unsupported') return 'unsupported';
  if (result.outcome === 'error') return 'inconclusive';
  if (expected === 'undefined') return 'undefined';
  const connected = result.outcome === 'connected';
  if (expected === 'allow') return connected ? 'conforms' : 'block';
  return connected ? 'leak' : 'conforms';
}

function policyRule(kind: JudgementKind, egressAllowed: boolean | undefined): string {
  if (kind === 'leak') return egressAllowed === false ? 'NP-EGRESS-ISOLATION' : 'NP-INGRESS-ISOLATION';
  return 'NP-ALLOW';
}

function modelCheckPodProbe(
  probe: PlannedProbe,
  result: ProbeResult,
  realized: Realized,
): { rule: string; detail: string } | undefined {
  if (probe.dest.kind !== 'pod') return undefined;
  if (result.servedBy !== undefined && result.servedBy !== probe.dest.pod) {
    return {
      rule: 'MODEL-UNIQUE-IP',
      detail: `${probe.request.host} answered as ${result.servedBy}, expected ${probe.dest.pod}`,
    };
  }
  const srcIP = realized.podIPs[probe.request.from]?.[0];
  if (srcIP !== undefined && result.sourceSeen !== undefined && result.sourceSeen !== srcIP) {
    return {
      rule: 'MODEL-NO-NAT',
      detail: `${probe.dest.pod} saw source ${result.sourceSeen}, expected ${probe.request.from}'s own IP ${srcIP}`,
    };
  }
  return undefined;
}

function findPod(cluster: Cluster, key: ObjectKey): Pod | undefined {
  return cluster.pods.find((p) => keyOf(p) === key);
}

/** Ready pods selected by the Service, with the targetPort resolved on each (by number, or by name per pod). */
function serviceBackends(
  cluster: Cluster,
  svc: Service,
  port: number,
  protocol: Protocol,
): { pod: ObjectKey; port: number }[] {
  const sp = svc.ports.find((p) => p.port === port && p.protocol === protocol);
  if (!sp || !svc.selector) return [];
  const selector = svc.selector;
  const out: { pod: ObjectKey; port: number }[] = [];
  for (const pod of cluster.pods) {
    if (pod.namespace !== svc.namespace || !pod.ready) continue;
    if (!Object.entries(selector).every(([k, v]) => pod.labels[k] === v)) continue;
    let target: number | undefined;
    if (typeof sp.targetPort === 'number') target = sp.targetPort;
    else {
      for (const c of pod.containers) {
        const named = c.ports.find((p) => p.name === sp.targetPort && p.protocol === protocol);
        if (named) target = named.containerPort;
      }
    }
    if (target !== undefined) out.push({ pod: keyOf(pod), port: target });
  }
  return out;
}
