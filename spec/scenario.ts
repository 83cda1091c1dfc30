/**
 * A scenario is one generated value: a cluster whose ipBlocks may be symbolic, a flannel network
 * config, the traffic to probe and the steps to apply mid-run. Parts that only the target decides
 * (pod IPs, Service IPs, node leases) are filled in after realization; symbolic CIDRs are resolved
 * then, so a shrunk scenario still means what it meant.
 */
import type { IPFamily } from './ipNum.ts';
import type { ClusterOf, IPBlock, NetworkPolicyOf, ObjectKey, Pod, Protocol } from './model.ts';

/**
 * A CIDR described by what it should cover, resolved once the target assigned addresses. `family` picks
 * the address family on a dual-stack target (6: the pod's IPv6 address, the node's IPv6 lease, …); absent,
 * the primary one (the first of a pod's `podIPs`, flannel's `Network`, or `IPv6Network` on an IPv6-only target).
 */
export type CidrRef =
  | { readonly ref: 'literal'; readonly cidr: string }
  /**
   * The pod's address, widened to `prefixLength` counted as for IPv4 (32 = exactly the pod); an IPv6
   * address is widened to 96 + `prefixLength` (128 = exactly the pod).
   */
  | {
      readonly ref: 'pod';
      readonly pod: ObjectKey;
      readonly prefixLength: number;
      readonly family?: IPFamily;
    }
  /** The pod subnet (lease) of a node. */
  | { readonly ref: 'nodeSubnet'; readonly node: string; readonly family?: IPFamily }
  /** The node's own address (its public IP), widened to `prefixLength` (as for `pod`). */
  | {
      readonly ref: 'nodeIP';
      readonly node: string;
      readonly prefixLength: number;
      readonly family?: IPFamily;
    }
  /** The whole cluster network (flannel's Network, or IPv6Network). */
  | { readonly ref: 'clusterNetwork'; readonly family?: IPFamily }
  /** A range that holds no cluster address at all. */
  | { readonly ref: 'outside'; readonly family?: IPFamily };

export interface SymbolicIPBlock {
  readonly cidr: CidrRef;
  readonly except?: readonly CidrRef[];
}

export type ScenarioIPBlock = IPBlock | SymbolicIPBlock;
export type ScenarioPolicy = NetworkPolicyOf<ScenarioIPBlock>;
export type ScenarioCluster = ClusterOf<ScenarioIPBlock>;

export function isSymbolicIPBlock(b: ScenarioIPBlock): b is SymbolicIPBlock {
  return typeof b.cidr !== 'string';
}

export type FlannelBackendType = 'vxlan' | 'host-gw' | 'udp';

/** net-conf.json as flannel reads it (keys as flannel spells them). */
export interface FlannelNetConf {
  readonly Network: string;
  readonly SubnetLen?: number;
  readonly SubnetMin?: string;
  readonly SubnetMax?: string;
  readonly EnableIPv4?: boolean;
  readonly EnableIPv6?: boolean;
  readonly Backend?: {
    readonly Type: FlannelBackendType | string;
    readonly VNI?: number;
    readonly Port?: number;
    readonly DirectRouting?: boolean;
    readonly MTU?: number;
    readonly [option: string]: unknown;
  };
  readonly [key: string]: unknown;
}

/** What to probe besides every (source pod, destination pod, declared port): each Service port too. */
export interface TrafficSpec {
  readonly viaServices: boolean;
}

/** A change applied mid-run. Policies here are symbolic too. */
export type Step =
  | { readonly kind: 'createPolicy'; readonly policy: ScenarioPolicy }
  | { readonly kind: 'updatePolicy'; readonly policy: ScenarioPolicy }
  | { readonly kind: 'deletePolicy'; readonly namespace: string; readonly name: string }
  | {
      readonly kind: 'relabelPod';
      readonly pod: ObjectKey;
      readonly labels: Readonly<Record<string, string>>;
    }
  | {
      readonly kind: 'relabelNamespace';
      readonly namespace: string;
      readonly labels: Readonly<Record<string, string>>;
    }
  | { readonly kind: 'addPod'; readonly pod: Pod }
  | { readonly kind: 'deletePod'; readonly pod: ObjectKey };

export interface Scenario {
  readonly cluster: ScenarioCluster;
  readonly netConf: FlannelNetConf;
  readonly traffic: TrafficSpec;
  readonly steps: readonly Step[];
}

/** The node addresses and networks of one address family. */
export interface RealizedNetwork {
  /** node → public IP (flannel's public-ip; the node's InternalIP). */
  readonly nodeIPs: Readonly<Record<string, string>>;
  /** node → pod subnet lease (CIDR). */
  readonly nodeSubnets: Readonly<Record<string, string>>;
  /** The cluster network (flannel's Network, or IPv6Network for the IPv6 side). */
  readonly clusterNetwork: string;
  /** A CIDR that no cluster address falls in, and that probes may target as "outside". */
  readonly outsideNetwork: string;
  /** A server outside the cluster that answers like a pod agent (`outside <source seen>`), when the target has one. */
  readonly outsideServer?: { readonly ip: string; readonly port: number; readonly protocol: Protocol };
}

/** What the target decided when it realized a cluster; the networks of the primary family at the top level. */
export interface Realized extends RealizedNetwork {
  /** `ns/pod` → IPs (first is the primary; a dual-stack pod has one of each family). hostNetwork pods carry their node's IP. */
  readonly podIPs: Readonly<Record<ObjectKey, readonly string[]>>;
  /** `ns/svc` → ClusterIP (spec.clusterIP: the primary family's). */
  readonly serviceIPs: Readonly<Record<ObjectKey, string>>;
  /** `ns/svc` → the other family's ClusterIP of a dual-stack Service (spec.clusterIPs[1]); absent: none has one. */
  readonly secondaryServiceIPs?: Readonly<Record<ObjectKey, string>>;
  /** A dual-stack target's IPv6 networks (the top level holds the IPv4 ones); absent on a single-stack target. */
  readonly ipv6?: RealizedNetwork;
  /** A server outside the cluster that answers like a pod agent (`outside <source seen>`), when the target has one. */
  readonly outsideServer?: { readonly ip: string; readonly port: number; readonly protocol: Protocol };
}

/** A Service's ClusterIPs as the target assigned them, primary first (spec.clusterIPs); empty if none. */
export function clusterIPsOf(
  realized: Pick<Realized, 'serviceIPs' | 'secondaryServiceIPs'>,
  key: ObjectKey,
): string[] {
  const primary = realized.serviceIPs[key];
  const secondary = realized.secondaryServiceIPs?.[key];
  return primary === undefined ? [] : secondary === undefined ? [primary] : [primary, secondary];
}
