/**
 * The vocabulary of podnet: the Kubernetes objects the kit reasons about, after API defaulting.
 * Every other folder speaks in these types. Optional fields follow the API: absent and empty differ
 * where the API says they differ (a nil namespaceSelector is not `{}`; a missing `ports` list is "all").
 */

export type Protocol = 'TCP' | 'UDP' | 'SCTP';
export const PROTOCOLS: readonly Protocol[] = ['TCP', 'UDP', 'SCTP'];

export type Labels = Readonly<Record<string, string>>;

export type SelectorOperator = 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';

export interface LabelSelectorRequirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values?: readonly string[];
}

export interface LabelSelector {
  readonly matchLabels?: Labels;
  readonly matchExpressions?: readonly LabelSelectorRequirement[];
}

/** The label every namespace carries (set by the API server since Kubernetes 1.21). */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export interface Namespace {
  readonly name: string;
  /** Labels after defaulting: always holds `kubernetes.io/metadata.name`. */
  readonly labels: Labels;
}

export interface ContainerPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: Protocol;
}

export interface Container {
  readonly name: string;
  readonly ports: readonly ContainerPort[];
}

export interface Pod {
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  readonly nodeName?: string;
  readonly hostNetwork: boolean;
  readonly containers: readonly Container[];
  /** Pod IPs as the target assigned them (status.podIPs); empty before realization. */
  readonly ips: readonly string[];
  /** Readiness, for Service endpoints. Defaults to true. */
  readonly ready: boolean;
}

export interface Node {
  readonly name: string;
  readonly labels: Labels;
  /** spec.podCIDR, when known (a live cluster, or after the lab allocated leases). */
  readonly podCIDR?: string;
  /** The node's InternalIP / flannel public-ip, when known. */
  readonly internalIP?: string;
  /** Which underlay L2 segment the node sits on (lab topologies); 0 when unset. */
  readonly segment: number;
}

export interface IPBlock {
  readonly cidr: string;
  readonly except?: readonly string[];
}

interface NetworkPolicyPeerOf<B> {
  readonly podSelector?: LabelSelector;
  readonly namespaceSelector?: LabelSelector;
  readonly ipBlock?: B;
}

export interface NetworkPolicyPort {
  /** Defaulted to TCP by the API server. */
  readonly protocol: Protocol;
  /** A number or an IANA_SVC_NAME (named port). Absent means every port of the protocol. */
  readonly port?: number | string;
  readonly endPort?: number;
}

export interface NetworkPolicyRuleOf<B> {
  /** `from` for ingress, `to` for egress. Absent or empty: every peer. */
  readonly peers?: readonly NetworkPolicyPeerOf<B>[];
  /** Absent or empty: every port and protocol. */
  readonly ports?: readonly NetworkPolicyPort[];
}

export type PolicyType = 'Ingress' | 'Egress';

export interface NetworkPolicyOf<B> {
  readonly namespace: string;
  readonly name: string;
  readonly podSelector: LabelSelector;
  /** After defaulting: never empty. */
  readonly policyTypes: readonly PolicyType[];
  /**
   * True when the source omitted `policyTypes` and the value above is the API's defaulting of it
   * (Ingress always, Egress iff `egress` is non-empty). Writers may then omit the field again.
   */
  readonly policyTypesDefaulted?: boolean;
  /** Absent and `[]` both mean "no ingress rule" (deny when Ingress is in policyTypes). */
  readonly ingress?: readonly NetworkPolicyRuleOf<B>[];
  readonly egress?: readonly NetworkPolicyRuleOf<B>[];
}

export type NetworkPolicyPeer = NetworkPolicyPeerOf<IPBlock>;
export type NetworkPolicyRule = NetworkPolicyRuleOf<IPBlock>;
export type NetworkPolicy = NetworkPolicyOf<IPBlock>;

export interface ServicePort {
  readonly name?: string;
  readonly protocol: Protocol;
  readonly port: number;
  /** A number or the name of a container port. Defaults to `port`. */
  readonly targetPort: number | string;
}

export type SessionAffinity = 'None' | 'ClientIP';

/** Default sessionAffinityConfig.clientIP.timeoutSeconds (3 hours). */
export const DEFAULT_AFFINITY_TIMEOUT_SECONDS = 10800;

export interface Service {
  readonly namespace: string;
  readonly name: string;
  /** Absent: a Service without selector (no endpoints managed by Kubernetes). */
  readonly selector?: Labels;
  readonly ports: readonly ServicePort[];
  readonly sessionAffinity: SessionAffinity;
  /** Only meaningful with ClientIP affinity. */
  readonly affinityTimeoutSeconds: number;
  /** The ClusterIP, once the target assigned one. */
  readonly clusterIP?: string;
  /** spec.ipFamilyPolicy as written (absent: SingleStack, core/v1 defaults). */
  readonly ipFamilyPolicy?: IPFamilyPolicy;
  /** spec.ipFamilies as written, primary first (absent: the cluster's primary family, or both per the policy). */
  readonly ipFamilies?: readonly ServiceIPFamily[];
}

/** A Service's ipFamilyPolicy (core/v1 types.go IPFamilyPolicy). */
export type IPFamilyPolicy = 'SingleStack' | 'PreferDualStack' | 'RequireDualStack';
export const IP_FAMILY_POLICIES: readonly IPFamilyPolicy[] = [
  'SingleStack',
  'PreferDualStack',
  'RequireDualStack',
];
/** An entry of a Service's ipFamilies (core/v1 types.go IPFamily). */
export type ServiceIPFamily = 'IPv4' | 'IPv6';

/** A whole cluster as one value. */
export interface ClusterOf<B> {
  readonly nodes: readonly Node[];
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
  readonly services: readonly Service[];
  readonly policies: readonly NetworkPolicyOf<B>[];
}

export type Cluster = ClusterOf<IPBlock>;

/** `ns/name`, the key podnet uses for pods, Services and policies. */
export type ObjectKey = string;

export function keyOf(o: { readonly namespace: string; readonly name: string }): ObjectKey {
  return `${o.namespace}/${o.name}`;
}
