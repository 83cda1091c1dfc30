/**
 * The contract between the lab's node builder and its netfilter agents (policy agent and service proxy).
 * The builder describes one node as it stands; `applyNodeNetfilter` (netfilter/apply.ts) programs that
 * node's iptables/ipset to match, replacing what it programmed before. Nothing here knows the oracle.
 */
import type {
  ContainerPort,
  Labels,
  Namespace,
  NetworkPolicy,
  ObjectKey,
  Service,
} from '../../../spec/model.ts';
import type { ProxyMode } from '../../../spec/target.ts';
import type { FaultName } from '../faults.ts';

/** What a denied packet meets: `reject` (ICMP port-unreachable) or `drop`. */
export type PolicyAction = 'drop' | 'reject';

export interface NetfilterPod {
  readonly key: ObjectKey;
  readonly namespace: string;
  readonly name: string;
  readonly labels: Labels;
  /** The pod's IP (its node's IP when hostNetwork). */
  readonly ip: string;
  /** A dual-stack lab's pod: its IPv6 address (its node's public-ipv6 when hostNetwork). */
  readonly ip6?: string;
  readonly node: string;
  readonly hostNetwork: boolean;
  readonly ready: boolean;
  readonly ports: readonly ContainerPort[];
  /** Host-side veth name in the node namespace (absent for hostNetwork pods). */
  readonly hostVeth?: string;
}

export interface NodeNetfilterView {
  /** This node. */
  readonly node: string;
  /** The node namespace to program (e.g. `pn1a2b-n1`). */
  readonly netns: string;
  readonly nodeIP: string;
  /** This node's pod subnet lease. */
  readonly podCIDR: string;
  /** flannel's Network. */
  readonly clusterCIDR: string;
  /** The bridge pods hang off (`cni0`). */
  readonly bridge: string;
  /** Every node's public IP (traffic from a pod's own node is always allowed). */
  readonly nodeIPs: Readonly<Record<string, string>>;
  /** The whole cluster, so selectors and Service endpoints can be evaluated. */
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly NetfilterPod[];
  readonly policies: readonly NetworkPolicy[];
  /** Services with their assigned ClusterIP. */
  readonly services: readonly (Service & { readonly clusterIP: string })[];
  readonly proxyMode: ProxyMode;
  /** `none` turns the policy agent off (a CNI without NetworkPolicy support). */
  readonly policyMode: 'enforce' | 'none';
  readonly faults: readonly FaultName[];
  /**
   * What the policy agent does with a denied packet (added by the netfilter agent; optional).
   * `reject` (the default) answers ICMP port-unreachable, so a blocked probe fails fast as `refused`;
   * `drop` discards it silently, so a blocked probe ends in `timeout`. Kubernetes leaves this open.
   */
  readonly policyAction?: PolicyAction;
  /** Whether this node is the one a node-scoped fault lands on (faults hit one node, as real bugs do). */
  readonly faultNode: boolean;
  /**
   * An IPv6-only node: the top-level addresses are its IPv6 ones (as in `ipv6`), pods hold only IPv6
   * addresses, and the agents program ip6tables only (no iptables program, no service proxy).
   */
  readonly ipv6Only?: boolean;
  /**
   * The IPv6 side of a dual-stack or IPv6-only node: the policy agent then also programs ip6tables (ipsets `family
   * inet6`) from the pods' `ip6`, and the service proxy programs ip6tables for `services`.
   */
  readonly ipv6?: {
    readonly nodeIP: string;
    readonly podCIDR: string;
    readonly clusterCIDR: string;
    readonly nodeIPs: Readonly<Record<string, string>>;
    /** Services with an IPv6 ClusterIP (`clusterIP` here is that address); absent: none. */
    readonly services?: NodeNetfilterView['services'];
  };
}

/** Runs a command (argument array) inside the lab; `input` goes to stdin. Rejects on non-zero exit. */
export type LabExec = (argv: readonly string[], input?: string) => Promise<string>;
