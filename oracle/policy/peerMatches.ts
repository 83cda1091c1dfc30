/**
 * Whether one NetworkPolicy peer matches the other end of a probe (docs/research/netpol.md §7 rules 8–11,
 * 14–15, 17–18):
 * - podSelector alone: pods in the policy's namespace;
 * - namespaceSelector alone: every pod of the matching namespaces (`{}`: every namespace; never outside addresses);
 * - both in one peer: AND;
 * - ipBlock: the address is in cidr and in no except; a pod's IP counts only when the profile says
 *   ipBlocks match pod IPs (upstream e2e cases 31–33; Cilium does not).
 */
import type { NetworkPolicyPeer } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import { ipBlockContains } from './cidr.ts';
import type { Endpoint } from './endpoint.ts';
import { describeSelector, selectorMatches } from './selectorMatches.ts';

/** Whether `peer`, written in a policy of `policyNamespace`, matches `endpoint`. */
export function peerMatches(
  peer: NetworkPolicyPeer,
  policyNamespace: string,
  endpoint: Endpoint,
  profile: SemanticProfile,
): boolean {
  if (peer.ipBlock) {
    if (!endpoint.ip) return false;
    if (endpoint.kind === 'pod' && !profile.ipBlockMatchesPodIPs) return false;
    return ipBlockContains(peer.ipBlock.cidr, peer.ipBlock.except, endpoint.ip);
  }
  // A peer with neither selector nor ipBlock is rejected by the API server; it matches nothing here.
  if (!peer.podSelector && !peer.namespaceSelector) return false;
  if (endpoint.kind !== 'pod') return false;
  const namespaceOk = peer.namespaceSelector
    ? selectorMatches(peer.namespaceSelector, endpoint.namespaceLabels)
    : endpoint.pod.namespace === policyNamespace;
  if (!namespaceOk) return false;
  return peer.podSelector ? selectorMatches(peer.podSelector, endpoint.pod.labels) : true;
}

/** A peer in plain words: `podSelector pod=b (namespace x)`, `ipBlock 10.0.0.0/24 except 10.0.0.8/29`. */
export function describePeer(peer: NetworkPolicyPeer, policyNamespace: string): string {
  if (peer.ipBlock) {
    const except = peer.ipBlock.except ?? [];
    return `ipBlock ${peer.ipBlock.cidr}${except.length > 0 ? ` except ${except.join(', ')}` : ''}`;
  }
  const parts: string[] = [];
  if (peer.namespaceSelector) parts.push(`namespaceSelector ${describeSelector(peer.namespaceSelector)}`);
  if (peer.podSelector) {
    const where = peer.namespaceSelector ? '' : ` in namespace ${policyNamespace}`;
    parts.push(`podSelector ${describeSelector(peer.podSelector)}${where}`);
  }
  return parts.length === 0 ? 'empty peer (matches nothing)' : parts.join(' AND ');
}
