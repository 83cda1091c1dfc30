/**
 * The feature catalogue of coverage: per area, the features that can decide a verdict (a probe's, a
 * node-state entry's, a load-balancing test's), each with a stable id and a one-line description. A run
 * counts, per feature, the probes and scenarios where it was on the deciding path (docs/rules.md
 * "Coverage"); results.json lists every feature of the areas that ran, so the ones never exercised show.
 */
import type { Area } from './results.ts';

export interface FeatureInfo {
  readonly area: Area;
  /** Stable id, unique within its area (`peer ipBlock except`). */
  readonly feature: string;
  readonly description: string;
}

const POLICY = {
  'ingress isolated':
    'the destination is isolated for ingress, and its ingress rules decided (a rule allowed, or none did)',
  'ingress not isolated': 'no policy isolates the destination for ingress, so its ingress side allowed',
  'egress isolated':
    'the source is isolated for egress, and its egress rules decided (a rule allowed, or none did)',
  'egress not isolated': 'no policy isolates the source for egress, so its egress side allowed',
  'policyTypes Ingress': 'an isolating policy on a deciding side lists policyTypes [Ingress]',
  'policyTypes Egress': 'an isolating policy on a deciding side lists policyTypes [Egress]',
  'policyTypes Ingress+Egress': 'an isolating policy on a deciding side lists policyTypes [Ingress, Egress]',
  'peer any': 'an allowing rule lists no peers (from/to missing or empty: every peer)',
  'peer podSelector': 'a podSelector-only peer matched, or was tried and missed',
  'peer namespaceSelector': 'a namespaceSelector-only peer matched, or was tried and missed',
  'peer podSelector+namespaceSelector': 'a peer with both selectors (AND) matched, or was tried and missed',
  'peer ipBlock': 'an ipBlock peer without except matched, or was tried and missed',
  'peer ipBlock except': 'an ipBlock peer with except matched (outside the excepts), or was tried and missed',
  'port any': 'an allowing rule lists no ports (every port and protocol)',
  'port protocol only': 'a port entry with a protocol and no port matched, or was tried and missed',
  'port number': 'a numeric port entry matched, or was tried and missed',
  'port name': "a named port entry (resolved on the destination's container ports) matched, or missed",
  'port range': 'a port range (endPort) matched, or was tried and missed',
  'protocol TCP': 'a port entry was compared with a TCP probe',
  'protocol UDP': 'a port entry was compared with a UDP probe',
  'protocol SCTP': 'a port entry was compared with an SCTP probe',
  'miss peer': 'a rule of an isolating policy missed on its peers only',
  'miss port': 'a rule of an isolating policy missed on its ports only',
  'miss peer and port': 'a rule of an isolating policy missed on both peers and ports',
  'no rules': 'the isolating policies have no rule for the direction: everything is denied',
  'to pod': 'a probe to a pod IP',
  'to outside': 'a probe to an address outside the cluster (only the egress side applies)',
  'via Service': "a probe to a Service's ClusterIP, judged at the backend chosen after DNAT",
  IPv6: 'a probe with an IPv6 address on either end',
  'after create policy': "a probe whose verdict changed with the step before it, a policy's creation",
  'after update policy': "a probe whose verdict changed with the step before it, a policy's update",
  'after delete policy': "a probe whose verdict changed with the step before it, a policy's deletion",
  'after relabel pod': "a probe whose verdict changed with the step before it, a pod's new labels",
  'after relabel namespace':
    "a probe whose verdict changed with the step before it, a namespace's new labels",
  'after add pod': 'a probe to or from a pod that the step before it added',
} as const;

const MODEL = {
  'pod to pod, same node': 'a connected probe between two pods on one node, its answer judged',
  'pod to pod, across nodes': 'a connected probe between pods on two nodes, its answer judged',
  'node to local pod': "a probe from a pod's own node (always allowed)",
  'pod to outside': 'a connected probe from a pod to the server outside the cluster, its source judged',
  'pod IPs': "every pod IP of a state, judged unique and inside its node's lease",
} as const;

const FLANNEL = {
  'backend vxlan': 'a scenario with the vxlan backend',
  'backend host-gw': 'a scenario with the host-gw backend',
  'backend udp': 'a scenario with the udp backend',
  'Backend absent': "a net-conf without Backend (flannel's code then runs udp; its docs say vxlan)",
  DirectRouting: 'vxlan with DirectRouting, a peer on the same L2 segment reached by a direct route',
  'DirectRouting across segments':
    'vxlan with DirectRouting, a peer on the other L2 segment reached through the tunnel',
  'two segments': 'a topology whose nodes sit on two L2 segments joined by a router',
  'host-gw across segments': 'host-gw with a peer on the other L2 segment: no route, no path',
  'MTU from Backend.MTU': 'vxlan whose MTU comes from Backend.MTU − 50',
  'MTU from the interface': "the MTU comes from the external interface's MTU (minus the encapsulation)",
  'IPv6 vxlan (flannel-v6)':
    "vxlan with EnableIPv6: flannel-v6.<VNI>, its routes, neighbours and FDB entries to each peer's IPv6 lease, and IPv6 traffic",
  'IPv6 host-gw routes':
    "host-gw with EnableIPv6: each L2-adjacent peer's IPv6 lease routed via its public IPv6, and IPv6 traffic",
} as const;

const LB = {
  'mode random': 'random balancing (iptables statistic, nftables numgen)',
  'mode round-robin': 'round-robin balancing (ipvs rr)',
  'affinity ClientIP': 'a Service port with sessionAffinity ClientIP',
  'affinity None': 'a Service port without session affinity',
  'targetPort number': 'a Service port whose targetPort is a number',
  'targetPort name': "a Service port whose targetPort is a name, resolved on each backend's container ports",
  'endpoint not ready': 'a selected pod left out of the endpoints because it is not ready',
  'endpoint without the named port': 'a selected pod left out because it has no container port of that name',
  'policy after DNAT': 'a client that a NetworkPolicy admits on only some endpoints of the Service',
  'IPv6 ClusterIP': "a dual-stack or IPv6 Service's IPv6 ClusterIP, balanced by the IPv6 proxier",
} as const;

function entries(area: Area, table: Readonly<Record<string, string>>): FeatureInfo[] {
  return Object.entries(table).map(([feature, description]) => ({ area, feature, description }));
}

/** Every feature, by area in run order, then in display order. */
export const FEATURE_CATALOGUE: readonly FeatureInfo[] = [
  ...entries('policy', POLICY),
  ...entries('model', MODEL),
  ...entries('flannel', FLANNEL),
  ...entries('lb', LB),
];

export type PolicyFeature = keyof typeof POLICY;
export type ModelFeature = keyof typeof MODEL;
export type FlannelFeature = keyof typeof FLANNEL;
export type LbFeature = keyof typeof LB;

/** The catalogue entries of `area`. */
export function featuresOf(area: Area): readonly FeatureInfo[] {
  return FEATURE_CATALOGUE.filter((f) => f.area === area);
}
