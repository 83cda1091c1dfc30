/**
 * Expectation versus observation for one probe (docs/design.md "Findings"): allow/connected and
 * deny/refused|timeout conform; deny/connected is a leak; allow/refused|timeout is a block; machinery
 * errors are inconclusive; undefined is recorded, not judged. The expectations come from the policy oracle
 * and the network-model oracle (`oracle/model`); this module only compares.
 */
import type { ModelRule, ModelViolation } from '../../../oracle/model/index.ts';
import {
  masqueradeChecks,
  masqueradeViolation,
  NODE_TO_POD_RULE,
  nodeToPodChecks,
  nodeToPodExplanation,
  nodeToPodViolation,
  podToPodChecks,
  podToPodViolation,
  serviceBackends,
  serviceVerdict,
} from '../../../oracle/model/index.ts';
import { declaredPorts, type PolicyDecided } from '../../../oracle/policy/index.ts';
import { addressFamily } from '../../../spec/ipFamily.ts';
import type { Cluster, ObjectKey, Pod } from '../../../spec/model.ts';
import { keyOf } from '../../../spec/model.ts';
import { podAddressOf } from '../../../spec/resolve.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { ProbeResult } from '../../../spec/target.ts';
import { nodeOfSource } from '../../../spec/target.ts';
import type { FindingKind, Verdict } from '../../../spec/verdict.ts';
import type { PolicyJudgement, PolicyOracle } from '../../policyOracle.ts';
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
  /** The policy rules and features that decided `expected` (coverage); absent when none did. */
  readonly decided?: PolicyDecided;
  /** The network-model rules the observation was judged by (coverage); absent when none was. */
  readonly modelChecks?: readonly ModelRule[];
}

/** Judge one probe result against the oracles. */
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
    const family = addressFamily(request.host);
    const j = oracle.judge(request.from, dest.pod, request.port, request.protocol, family);
    const sourceIP = podAddressOf(realized, request.from, family);
    return judgeDirect(probe, result, j, {
      violation: (answer) => podToPodViolation(dest.pod, request.host, request.from, sourceIP, answer),
      checks: (answer) => podToPodChecks(sourceIP, answer),
    });
  }
  if (dest.kind === 'outside') {
    const j = oracle.judge(request.from, { ip: request.host }, request.port, request.protocol);
    const srcPod = findPod(cluster, request.from);
    // Masqueraded to the node's address of the connection's family (flannel: iptables and ip6tables).
    const nodeIPs =
      addressFamily(request.host) === 6 && realized.ipv6 ? realized.ipv6.nodeIPs : realized.nodeIPs;
    const nodeIP = srcPod?.nodeName ? nodeIPs[srcPod.nodeName] : undefined;
    return judgeDirect(probe, result, j, {
      violation: (answer) => masqueradeViolation(nodeIP, answer),
      checks: () => masqueradeChecks(nodeIP),
    });
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
    const j = oracle.judge(
      request.from,
      chosen.pod,
      chosen.port,
      request.protocol,
      addressFamily(request.host),
    );
    const kind = classify(j.verdict, result);
    return {
      probe,
      expected: j.verdict,
      result,
      kind,
      rule: policyRule(kind, j.egressAllowed),
      explanation: [`backend chosen after DNAT: ${chosen.pod} port ${chosen.port}`, ...j.explanation],
      ...(j.decided ? { decided: j.decided } : {}),
    };
  }
  const family = addressFamily(request.host);
  // A pod serves exactly its declared ports (agnhost serve-hostname per containerPort, the lab's agent
  // likewise); a numeric targetPort still makes it an endpoint, and a connection DNATed to a port it does not
  // serve is refused whatever the policies say.
  const verdicts = backends.map((b): PolicyJudgement => {
    const pod = findPod(cluster, b.pod);
    if (pod && !declaredPorts(pod).some((d) => d.port === b.port && d.protocol === request.protocol))
      return { verdict: 'deny', explanation: [`${b.pod} serves nothing on ${b.port}/${request.protocol}`] };
    return oracle.judge(request.from, b.pod, b.port, request.protocol, family);
  });
  const expected = serviceVerdict(verdicts.map((v) => v.verdict));
  const explanation =
    backends.length === 0
      ? [`${dest.service}:${dest.port} has no ready endpoint: the Service rejects`]
      : backends.map((b, i) => {
          const v = verdicts[i];
          const why = v?.decided === undefined && v?.verdict === 'deny' ? ` (${v.explanation[0]})` : '';
          return `backend ${b.pod}:${b.port} → ${v?.verdict}${why}`;
        });
  const kind = classify(expected, result);
  const decided = expected === 'undefined' ? undefined : everyBackend(verdicts);
  return {
    probe,
    expected,
    result,
    kind,
    rule: kind === 'block' ? 'NP-ALLOW' : 'NP-INGRESS-ISOLATION',
    explanation,
    ...(decided ? { decided } : {}),
  };
}

/**
 * What decided a Service probe whose backend is not known: every backend agreed, so each backend's deciding
 * rules and features did; none without backends (the Service rejects, no policy decides).
 */
function everyBackend(verdicts: readonly PolicyJudgement[]): PolicyDecided | undefined {
  const decided = verdicts.map((v) => v.decided);
  const first = decided[0];
  if (!first || decided.some((d) => d === undefined)) return undefined;
  const all = decided as readonly PolicyDecided[];
  return {
    verdict: first.verdict,
    rules: [...new Set(all.flatMap((d) => d.rules))],
    features: [...new Set(all.flatMap((d) => d.features))],
  };
}

/**
 * A probe straight to an address (a pod, or outside the cluster): the policy verdict, and on a conforming
 * connection the model rule `model` checks what answered.
 */
function judgeDirect(
  probe: PlannedProbe,
  result: ProbeResult,
  j: PolicyJudgement,
  model: ModelCheck,
): ProbeJudgement {
  const kind = classify(j.verdict, result);
  const judgement: ProbeJudgement = {
    probe,
    expected: j.verdict,
    result,
    kind,
    rule: policyRule(kind, j.egressAllowed),
    explanation: j.explanation,
    ...(j.decided ? { decided: j.decided } : {}),
  };
  return kind === 'conforms' && result.outcome === 'connected'
    ? withModel(judgement, model, result)
    : judgement;
}

/** A network-model rule on what answered a connection: what is wrong, and which rules it could judge. */
interface ModelCheck {
  readonly violation: (answer: ProbeResult) => ModelViolation | undefined;
  readonly checks: (answer: ProbeResult) => readonly ModelRule[];
}

/** The model check of a conforming connection; a violation turns the judgement into a model-area mismatch. */
function withModel(j: ProbeJudgement, model: ModelCheck, result: ProbeResult): ProbeJudgement {
  const checks = model.checks(result);
  const judged = checks.length > 0 ? { ...j, modelChecks: checks } : j;
  const violation = model.violation(result);
  return violation ? { ...judged, kind: 'mismatch', rule: violation.rule, detail: violation.detail } : judged;
}

/** A probe from a pod's own node: always allowed by the model (`oracle/model` MODEL-NODE-TO-POD). */
function judgeNodeToPod(
  probe: PlannedProbe,
  result: ProbeResult,
  node: string,
  pod: ObjectKey,
): ProbeJudgement {
  const explanation = [nodeToPodExplanation(pod, node)];
  const kind = classify('allow', result);
  const judgement: ProbeJudgement = {
    probe,
    expected: 'allow',
    result,
    kind,
    rule: NODE_TO_POD_RULE,
    explanation,
  };
  // Its verdict is the model's own (MODEL-NODE-TO-POD); what answered is judged when it connected.
  if (kind === 'block') return { ...judgement, modelChecks: [NODE_TO_POD_RULE] };
  if (kind !== 'conforms') return judgement;
  return withModel(
    judgement,
    {
      violation: (answer) => nodeToPodViolation(pod, probe.request.host, node, answer),
      checks: nodeToPodChecks,
    },
    result,
  );
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

function findPod(cluster: Cluster, key: ObjectKey): Pod | undefined {
  return cluster.pods.find((p) => keyOf(p) === key);
}
