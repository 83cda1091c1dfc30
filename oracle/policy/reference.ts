/**
 * The reference evaluator: the NetworkPolicy rules of docs/research/netpol.md §7, written out one after the
 * other for readability, not speed. The fast engine (fast.ts) must agree with it on every probe.
 */
import type { Cluster, NetworkPolicyPort, Pod } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import type {
  Decision,
  Direction,
  DirectionExplanation,
  PolicyProbe,
  RuleMatch,
  RuleMiss,
  ShortCircuit,
} from './decision.ts';
import {
  type Endpoint,
  endpointName,
  findPod,
  podEndpoint,
  probeFamily,
  resolveDestination,
} from './endpoint.ts';
import { explanationLines } from './explain.ts';
import { isolatingPolicies, rulesOf } from './isolation.ts';
import { describePeer, peerMatches } from './peerMatches.ts';
import { describePort, type PortMatch, portMatches } from './portMatches.ts';

/** Judge one direction: egress of the source towards `peer`, or ingress of the destination from `peer`. */
function judgeDirection(
  cluster: Cluster,
  direction: Direction,
  subject: Pod,
  peer: Endpoint,
  portDestination: Endpoint,
  probe: Pick<PolicyProbe, 'port' | 'protocol'>,
  profile: SemanticProfile,
): DirectionExplanation {
  const policies = isolatingPolicies(cluster, subject, direction);
  const allowedBy: RuleMatch[] = [];
  const undecidedBy: RuleMatch[] = [];
  const misses: RuleMiss[] = [];
  for (const policy of policies) {
    const policyKey = keyOf(policy);
    rulesOf(policy, direction).forEach((rule, ruleIndex) => {
      // Rule 7: an empty or missing peer list means every peer; an empty or missing port list every port.
      const peers = rule.peers ?? [];
      const peerIndex =
        peers.length === 0 ? -1 : peers.findIndex((p) => peerMatches(p, policy.namespace, peer, profile));
      const peerOk = peers.length === 0 || peerIndex >= 0;
      const ports = rule.ports ?? [];
      const { result: portResult, index: portIndex } = firstPortMatch(ports, probe, portDestination, profile);
      if (peerOk && portResult !== 'no') {
        const entry = portIndex >= 0 ? ports[portIndex] : undefined;
        const peerEntry = peerIndex >= 0 ? peers[peerIndex] : undefined;
        const match: RuleMatch = {
          policy: policyKey,
          direction,
          ruleIndex,
          ...(peerEntry ? { peerIndex } : {}),
          ...(entry ? { portIndex } : {}),
          peer: peerEntry ? describePeer(peerEntry, policy.namespace) : 'any peer',
          port: entry ? describePort(entry) : 'any port',
          ...(portResult === 'unknown' && entry
            ? { unsupported: typeof entry.port === 'string' ? ('namedPorts' as const) : ('endPort' as const) }
            : {}),
        };
        (portResult === 'yes' ? allowedBy : undecidedBy).push(match);
        return;
      }
      const reason = !peerOk && portResult === 'no' ? 'peer-and-port' : !peerOk ? 'peer' : 'port';
      const tried: string[] = [];
      if (!peerOk)
        tried.push(
          `no peer matches ${endpointName(peer)} (${peers.map((p) => describePeer(p, policy.namespace)).join('; ')})`,
        );
      if (portResult === 'no')
        tried.push(`no port matches ${probe.port}/${probe.protocol} (${ports.map(describePort).join('; ')})`);
      misses.push({ policy: policyKey, direction, ruleIndex, reason, detail: tried.join(', and ') });
    });
  }
  const outcome =
    policies.length === 0
      ? 'not-isolated'
      : allowedBy.length > 0
        ? 'allow'
        : undecidedBy.length > 0
          ? 'undefined'
          : 'deny';
  return {
    direction,
    subject: keyOf(subject),
    isolatedBy: policies.map(keyOf),
    outcome,
    allowedBy,
    undecidedBy,
    misses,
  };
}

/** The first port entry that matches (`yes` before `unknown`); an empty list matches every port. */
function firstPortMatch(
  ports: readonly NetworkPolicyPort[],
  probe: Pick<PolicyProbe, 'port' | 'protocol'>,
  destination: Endpoint,
  profile: SemanticProfile,
): { result: PortMatch; index: number } {
  if (ports.length === 0) return { result: 'yes', index: -1 };
  let unknownIndex = -1;
  for (let i = 0; i < ports.length; i++) {
    const entry = ports[i];
    if (!entry) continue;
    const m = portMatches(entry, probe.port, probe.protocol, destination, profile);
    if (m === 'yes') return { result: 'yes', index: i };
    if (m === 'unknown' && unknownIndex < 0) unknownIndex = i;
  }
  return unknownIndex >= 0 ? { result: 'unknown', index: unknownIndex } : { result: 'no', index: -1 };
}

/** Combine the two directions: both must allow (rule 3); a direction in doubt makes the verdict undefined. */
function combineDirections(outcomes: readonly DirectionExplanation['outcome'][]): Verdict {
  if (outcomes.includes('deny')) return 'deny';
  if (outcomes.includes('undefined')) return 'undefined';
  return 'allow';
}

/** The verdict for `probe` in `cluster`, with its explanation, computed straight from the rules. */
export function evaluateReference(
  cluster: Cluster,
  probe: PolicyProbe,
  profile: SemanticProfile = DEFAULT_PROFILE,
): Decision {
  const sourcePod = findPod(cluster, probe.from, 'source');
  const target = resolveDestination(cluster, probe.to);
  const family = probeFamily(probe.to, probe.family);
  const source = podEndpoint(cluster, sourcePod, undefined, family) as Endpoint & { kind: 'pod' };
  const destination: Endpoint =
    'containers' in target
      ? podEndpoint(cluster, target, undefined, family)
      : { kind: 'ip', text: typeof probe.to === 'string' ? probe.to : probe.to.ip, ip: target };
  const base = { probe, source, destination };

  const shortCircuit = shortCircuitOf(source, destination, probe, profile);
  if (shortCircuit) return decide(base, shortCircuit.verdict, shortCircuit.reason);

  const egress = judgeDirection(cluster, 'egress', sourcePod, destination, destination, probe, profile);
  // Rule: traffic to an address outside the pods is judged by the source's egress only.
  const ingress =
    destination.kind === 'pod'
      ? judgeDirection(cluster, 'ingress', destination.pod, source, destination, probe, profile)
      : undefined;
  const verdict = combineDirections(ingress ? [egress.outcome, ingress.outcome] : [egress.outcome]);
  return decide(base, verdict, undefined, egress, ingress);
}

/** Verdicts decided before any policy: loopback (rule 27), hostNetwork (rule 28), unsupported protocol or family. */
function shortCircuitOf(
  source: Endpoint & { kind: 'pod' },
  destination: Endpoint,
  probe: PolicyProbe,
  profile: SemanticProfile,
): { verdict: Verdict; reason: ShortCircuit } | undefined {
  const sourcePod = source.pod;
  if (destination.kind === 'pod' && destination.pod === sourcePod) {
    if (profile.loopback === 'undefined') return { verdict: 'undefined', reason: 'loopback' };
    if (profile.loopback === 'allow') return { verdict: 'allow', reason: 'loopback' };
  }
  if (
    profile.hostNetwork === 'undefined' &&
    (sourcePod.hostNetwork || (destination.kind === 'pod' && destination.pod.hostNetwork))
  )
    return { verdict: 'undefined', reason: 'hostNetwork' };
  if (probe.protocol === 'SCTP' && !profile.support.sctp)
    return { verdict: 'undefined', reason: 'unsupported-sctp' };
  if (!profile.support.ipv6) {
    if (source.ip?.family === 6 || destination.ip?.family === 6)
      return { verdict: 'undefined', reason: 'unsupported-ipv6' };
  }
  return undefined;
}

function decide(
  base: { probe: PolicyProbe; source: Endpoint; destination: Endpoint },
  verdict: Verdict,
  shortCircuit?: ShortCircuit,
  egress?: DirectionExplanation,
  ingress?: DirectionExplanation,
): Decision {
  const summary = `${endpointName(base.source)} -> ${endpointName(base.destination)} ${base.probe.port}/${base.probe.protocol}`;
  const structured = {
    summary,
    verdict,
    ...(shortCircuit ? { shortCircuit } : {}),
    ...(egress ? { egress } : {}),
    ...(ingress ? { ingress } : {}),
  };
  return { verdict, explanation: { ...structured, lines: explanationLines(structured) } };
}
