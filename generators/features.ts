/**
 * The NetworkPolicy (and Service) features a scenario exercises, named as in the generator's
 * contract, so `podnet generate --stats` can show how often each appears. Counts the initial
 * policies and those created or updated by steps.
 */
import type { LabelSelector } from '../spec/model.ts';
import type { CidrRef, Scenario, ScenarioIPBlock, ScenarioPolicy } from '../spec/scenario.ts';
import { isSymbolicIPBlock } from '../spec/scenario.ts';

/** Every feature, in display order, with a one-line description. */
export const FEATURES = {
  'podSelector {}': 'spec.podSelector empty (every pod of the namespace)',
  'podSelector matchLabels': 'spec.podSelector with matchLabels',
  'podSelector matchExpressions': 'spec.podSelector with matchExpressions',
  'operator In': 'a matchExpressions requirement with In (any selector)',
  'operator NotIn': 'a requirement with NotIn',
  'operator Exists': 'a requirement with Exists',
  'operator DoesNotExist': 'a requirement with DoesNotExist',
  'policyTypes explicit': 'spec.policyTypes written out',
  'policyTypes omitted': 'spec.policyTypes omitted (defaulted by the API)',
  'policyTypes Egress only': 'spec.policyTypes [Egress]',
  'policyTypes Ingress+Egress': 'spec.policyTypes [Ingress, Egress]',
  'ingress missing': 'spec.ingress absent',
  'ingress []': 'spec.ingress: []',
  'ingress [{}]': 'spec.ingress: [{}] (allow all)',
  'ingress rules': 'spec.ingress with rules',
  'egress missing': 'spec.egress absent',
  'egress []': 'spec.egress: []',
  'egress [{}]': 'spec.egress: [{}] (allow all)',
  'egress rules': 'spec.egress with rules',
  'peers missing': 'a rule without from/to (every peer)',
  'peers []': 'a rule with from/to: []',
  'peer podSelector': 'a peer with podSelector only',
  'peer namespaceSelector': 'a peer with namespaceSelector only',
  'peer namespaceSelector {}': 'a peer with namespaceSelector: {} (every namespace)',
  'peer podSelector+namespaceSelector': 'a peer with both selectors (AND)',
  'peer ipBlock': 'a peer with an ipBlock',
  'ipBlock except': 'an ipBlock with except',
  'ipBlock covers pod': 'ipBlock from a pod IP (/32, /24 or /16)',
  'ipBlock node subnet': "ipBlock of a node's pod subnet",
  'ipBlock node IP': "ipBlock of a node's own IP",
  'ipBlock cluster network': 'ipBlock of the whole cluster network',
  'ipBlock outside': 'ipBlock of a range outside the cluster',
  'ipBlock 0.0.0.0/0': 'ipBlock of every address',
  'ports missing': 'a rule without ports (every port)',
  'port numeric': 'a port entry with a number',
  'port named': 'a port entry with a name',
  'port protocol only': 'a port entry with a protocol and no port',
  'port endPort': 'a port range with endPort',
  'port UDP': 'a port entry for UDP',
  'port SCTP': 'a port entry for SCTP',
  'service named targetPort': 'a Service port whose targetPort is a name',
  'service numeric targetPort': 'a Service port whose targetPort is a number',
  'service ClientIP affinity': 'a Service with sessionAffinity: ClientIP',
  'pod not ready': 'a pod that is not ready (not a Service endpoint)',
} as const;

export type Feature = keyof typeof FEATURES;
export const FEATURE_NAMES = Object.keys(FEATURES) as Feature[];

function selectorFeatures(s: LabelSelector, out: Set<Feature>): void {
  for (const e of s.matchExpressions ?? []) out.add(`operator ${e.operator}`);
}

function isEmpty(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

const CIDR_FEATURE: Readonly<Record<CidrRef['ref'], Feature>> = {
  literal: 'ipBlock 0.0.0.0/0',
  pod: 'ipBlock covers pod',
  nodeSubnet: 'ipBlock node subnet',
  nodeIP: 'ipBlock node IP',
  clusterNetwork: 'ipBlock cluster network',
  outside: 'ipBlock outside',
};

function ipBlockFeatures(b: ScenarioIPBlock, out: Set<Feature>): void {
  out.add('peer ipBlock');
  if ((b.except ?? []).length > 0) out.add('ipBlock except');
  if (isSymbolicIPBlock(b)) out.add(CIDR_FEATURE[b.cidr.ref]);
}

/** Features of one policy, added to `out`. */
function policyFeatures(p: ScenarioPolicy, out: Set<Feature> = new Set()): Set<Feature> {
  if (isEmpty(p.podSelector)) out.add('podSelector {}');
  if (Object.keys(p.podSelector.matchLabels ?? {}).length > 0) out.add('podSelector matchLabels');
  if ((p.podSelector.matchExpressions ?? []).length > 0) out.add('podSelector matchExpressions');
  selectorFeatures(p.podSelector, out);
  out.add(p.policyTypesDefaulted ? 'policyTypes omitted' : 'policyTypes explicit');
  if (p.policyTypes.length === 2) out.add('policyTypes Ingress+Egress');
  else if (p.policyTypes[0] === 'Egress') out.add('policyTypes Egress only');
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = p[dir];
    if (rules === undefined) out.add(`${dir} missing`);
    else if (rules.length === 0) out.add(`${dir} []`);
    else if (rules.length === 1 && rules[0]!.peers === undefined && rules[0]!.ports === undefined)
      out.add(`${dir} [{}]`);
    else out.add(`${dir} rules`);
    for (const rule of rules ?? []) {
      if (rule.peers === undefined) out.add('peers missing');
      else if (rule.peers.length === 0) out.add('peers []');
      if (rule.ports === undefined) out.add('ports missing');
      for (const peer of rule.peers ?? []) {
        if (peer.podSelector !== undefined) selectorFeatures(peer.podSelector, out);
        if (peer.namespaceSelector !== undefined) {
          selectorFeatures(peer.namespaceSelector, out);
          if (isEmpty(peer.namespaceSelector)) out.add('peer namespaceSelector {}');
        }
        if (peer.podSelector !== undefined && peer.namespaceSelector !== undefined)
          out.add('peer podSelector+namespaceSelector');
        else if (peer.podSelector !== undefined) out.add('peer podSelector');
        else if (peer.namespaceSelector !== undefined) out.add('peer namespaceSelector');
        if (peer.ipBlock !== undefined) ipBlockFeatures(peer.ipBlock, out);
      }
      for (const port of rule.ports ?? []) {
        if (port.endPort !== undefined) out.add('port endPort');
        else if (typeof port.port === 'number') out.add('port numeric');
        else if (typeof port.port === 'string') out.add('port named');
        else out.add('port protocol only');
        if (port.protocol === 'UDP') out.add('port UDP');
        if (port.protocol === 'SCTP') out.add('port SCTP');
      }
    }
  }
  return out;
}

/** Every feature a scenario exercises (initial cluster and steps). */
export function scenarioFeatures(s: Scenario): Set<Feature> {
  const out = new Set<Feature>();
  for (const p of s.cluster.policies) policyFeatures(p, out);
  for (const step of s.steps) {
    if (step.kind === 'createPolicy' || step.kind === 'updatePolicy') policyFeatures(step.policy, out);
    if (step.kind === 'addPod' && !step.pod.ready) out.add('pod not ready');
  }
  for (const svc of s.cluster.services) {
    for (const p of svc.ports)
      out.add(typeof p.targetPort === 'string' ? 'service named targetPort' : 'service numeric targetPort');
    if (svc.sessionAffinity === 'ClientIP') out.add('service ClientIP affinity');
  }
  if (s.cluster.pods.some((p) => !p.ready)) out.add('pod not ready');
  return out;
}
