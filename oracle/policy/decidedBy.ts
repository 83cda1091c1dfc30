/**
 * What decided a verdict, read from the oracle's own explanation (docs/rules.md "Coverage"): the catalogue
 * rules and the features (spec/coverageFeatures.ts) on the deciding path. For allow, both sides are on it:
 * a side that is not isolated, or an isolated side with every rule that allowed (each is a sufficient reason),
 * its peer kind, port kind and the probe's protocol when a port entry was compared. For deny, only the
 * sides that denied are: their isolating policies' policyTypes and every rule that missed, with the
 * peers it tried (when the peers missed) and the ports it tried (when the ports missed). A verdict decided
 * before any policy was read (loopback, hostNetwork, an unsupported protocol or family) or left undefined
 * has no deciding rule.
 */

import type { PolicyFeature } from '../../spec/coverageFeatures.ts';
import type {
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyPort,
  ObjectKey,
  Protocol,
} from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { DirectionExplanation, Explanation, RuleMatch, RuleMiss } from './decision.ts';
import { rulesOf } from './isolation.ts';

type PolicyRule = 'NP-ALLOW' | 'NP-INGRESS-ISOLATION' | 'NP-EGRESS-ISOLATION';

export interface PolicyDecided {
  readonly verdict: 'allow' | 'deny';
  readonly rules: readonly PolicyRule[];
  readonly features: readonly PolicyFeature[];
}

/** Policies by key, built once per policy list (clusters are immutable values). */
const byKeyCache = new WeakMap<readonly NetworkPolicy[], ReadonlyMap<ObjectKey, NetworkPolicy>>();

function policyByKey(policies: readonly NetworkPolicy[]): ReadonlyMap<ObjectKey, NetworkPolicy> {
  let found = byKeyCache.get(policies);
  if (!found) {
    found = new Map(policies.map((p) => [keyOf(p), p]));
    byKeyCache.set(policies, found);
  }
  return found;
}

/**
 * The rules and features that decided `explanation`'s verdict for a probe over `protocol`, with `policies`
 * the cluster's policies it was computed on; undefined when no policy rule decided it.
 */
export function decidedBy(
  explanation: Explanation,
  policies: readonly NetworkPolicy[],
  protocol: Protocol,
): PolicyDecided | undefined {
  const { verdict, egress, ingress } = explanation;
  if (explanation.shortCircuit !== undefined || verdict === 'undefined' || !egress) return undefined;
  const rules = new Set<PolicyRule>();
  const features = new Set<PolicyFeature>();
  const lookup = policyByKey(policies);
  const sides = ingress ? [egress, ingress] : [egress];
  if (verdict === 'allow') rules.add('NP-ALLOW');
  features.add(ingress ? 'to pod' : 'to outside');
  for (const side of sides) {
    if (verdict === 'deny' && side.outcome !== 'deny') continue;
    const isolationRule = side.direction === 'ingress' ? 'NP-INGRESS-ISOLATION' : 'NP-EGRESS-ISOLATION';
    if (side.outcome === 'not-isolated') {
      features.add(side.direction === 'ingress' ? 'ingress not isolated' : 'egress not isolated');
      continue;
    }
    rules.add(isolationRule);
    features.add(side.direction === 'ingress' ? 'ingress isolated' : 'egress isolated');
    for (const key of side.isolatedBy) {
      const types = lookup.get(key)?.policyTypes ?? [];
      features.add(
        types.length === 2
          ? 'policyTypes Ingress+Egress'
          : types[0] === 'Egress'
            ? 'policyTypes Egress'
            : 'policyTypes Ingress',
      );
    }
    if (side.outcome === 'allow') for (const m of side.allowedBy) addMatch(m, lookup, protocol, features);
    else addMisses(side, lookup, protocol, features);
  }
  return { verdict, rules: [...rules], features: [...features] };
}

function ruleOf(
  lookup: ReadonlyMap<ObjectKey, NetworkPolicy>,
  at: Pick<RuleMatch, 'policy' | 'direction' | 'ruleIndex'>,
) {
  const policy = lookup.get(at.policy);
  return policy ? rulesOf(policy, at.direction)[at.ruleIndex] : undefined;
}

function addMatch(
  m: RuleMatch,
  lookup: ReadonlyMap<ObjectKey, NetworkPolicy>,
  protocol: Protocol,
  features: Set<PolicyFeature>,
): void {
  const rule = ruleOf(lookup, m);
  const peer = m.peerIndex === undefined ? undefined : rule?.peers?.[m.peerIndex];
  features.add(peer ? peerFeature(peer) : 'peer any');
  const port = m.portIndex === undefined ? undefined : rule?.ports?.[m.portIndex];
  if (!port) {
    features.add('port any');
    return;
  }
  features.add(portFeature(port));
  features.add(`protocol ${protocol}`);
}

function addMisses(
  side: DirectionExplanation,
  lookup: ReadonlyMap<ObjectKey, NetworkPolicy>,
  protocol: Protocol,
  features: Set<PolicyFeature>,
): void {
  if (side.misses.length === 0) features.add('no rules');
  for (const miss of side.misses) {
    features.add(MISS_FEATURE[miss.reason]);
    const rule = ruleOf(lookup, miss);
    if (miss.reason !== 'port') for (const peer of rule?.peers ?? []) features.add(peerFeature(peer));
    if (miss.reason !== 'peer') {
      for (const port of rule?.ports ?? []) features.add(portFeature(port));
      features.add(`protocol ${protocol}`);
    }
  }
}

const MISS_FEATURE: Readonly<Record<RuleMiss['reason'], PolicyFeature>> = {
  peer: 'miss peer',
  port: 'miss port',
  'peer-and-port': 'miss peer and port',
};

function peerFeature(peer: NetworkPolicyPeer): PolicyFeature {
  if (peer.ipBlock) return (peer.ipBlock.except ?? []).length > 0 ? 'peer ipBlock except' : 'peer ipBlock';
  if (peer.podSelector && peer.namespaceSelector) return 'peer podSelector+namespaceSelector';
  return peer.namespaceSelector ? 'peer namespaceSelector' : 'peer podSelector';
}

function portFeature(port: NetworkPolicyPort): PolicyFeature {
  if (port.port === undefined) return 'port protocol only';
  if (typeof port.port === 'string') return 'port name';
  return port.endPort !== undefined ? 'port range' : 'port number';
}
