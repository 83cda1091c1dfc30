/**
 * What podnet expects of a flannel network: the effective net-conf.json, the per-node state flannel should
 * program, and the differences and lease violations a check reports. Filled by `oracle/flannel`, compared
 * with `NodeNetworkState` (spec/nodeState.ts). A field that is `undefined` in an expectation is one where a
 * live cluster may legitimately differ (docs/research/flannel.md §10): it is not judged.
 */

export type FlannelSubnetManager = 'kube' | 'etcd';

/** Backends flannel registers (`backend.Register` calls); podnet models the data plane of the first three. */
export const FLANNEL_BACKEND_TYPES = [
  'vxlan',
  'host-gw',
  'udp',
  'ipip',
  'wireguard',
  'ipsec',
  'alloc',
  'extension',
  'tencent-vpc',
] as const;

export type FlannelBackendName = (typeof FLANNEL_BACKEND_TYPES)[number];

export type FlannelBackendConfig =
  | {
      readonly type: 'vxlan';
      readonly vni: number;
      /** As configured; 0 means "let the kernel choose" (8472). */
      readonly port: number;
      /** The UDP port the device uses: `port`, or the kernel default 8472 when 0. */
      readonly effectivePort: number;
      /**
       * `Backend.MTU` as decoded, 0 and negative values included (flannel then writes FLANNEL_MTU = MTU − 50
       * all the same); absent when the key is absent, or before flannel read it (v0.21.3): the external
       * interface's MTU is used.
       */
      readonly mtu?: number;
      readonly gbp: boolean;
      readonly learning: boolean;
      readonly directRouting: boolean;
    }
  | { readonly type: 'host-gw' }
  | { readonly type: 'udp'; readonly port: number }
  /** A registered backend whose data plane podnet does not model. */
  | { readonly type: Exclude<FlannelBackendName, 'vxlan' | 'host-gw' | 'udp'> };

/** net-conf.json after flannel's decoding, defaults and (etcd mode) CheckNetworkConfig. */
export interface EffectiveNetConf {
  readonly subnetManager: FlannelSubnetManager;
  /** The flannel release the config was read as (`vX.Y.Z`); node-state predictions follow it too. */
  readonly flannelVersion: string;
  readonly enableIPv4: boolean;
  readonly enableIPv6: boolean;
  readonly enableNFTables: boolean;
  /** Normalised (host bits masked off); absent when not set. */
  readonly network?: string;
  readonly ipv6Network?: string;
  /** Etcd manager only: the kube manager takes each node's podCIDR and never reads these. */
  readonly subnetLen?: number;
  readonly subnetMin?: string;
  readonly subnetMax?: string;
  /** Etcd manager only: how many leases SubnetMin..SubnetMax holds. */
  readonly subnetCount?: number;
  readonly ipv6SubnetLen?: number;
  readonly ipv6SubnetMin?: string;
  readonly ipv6SubnetMax?: string;
  readonly backend: FlannelBackendConfig;
  /** True when `Backend` was absent: flannel's code then uses udp, while its docs say vxlan. */
  readonly backendDefaulted: boolean;
  /** Things the user should know (ignored fields, doc/code disagreements). */
  readonly notes: readonly string[];
  /**
   * Why podnet cannot predict the node state flannel programs for this config although flannel runs it
   * (IPv6-only, v0.20.x's Networks key): expectedNodeState refuses it with this reason.
   */
  readonly unmodelled?: string;
}

/** One node as the oracle needs it. */
export interface FlannelNodeInput {
  readonly name: string;
  /** The address other nodes reach it at (flannel's public-ip). */
  readonly publicIP: string;
  /**
   * flannel's ExtAddr (`--public-ip`, else the interface address); defaults to `publicIP`, from which it
   * differs only with a public-ip-overwrite annotation.
   */
  readonly localIP?: string;
  /** The external interface's own address (IfaceAddr); defaults to `localIP`, differs only with --public-ip. */
  readonly interfaceIP?: string;
  readonly extInterface: { readonly name: string; readonly mtu: number };
  /** The underlay L2 segment; nodes on one segment reach each other without a router. */
  readonly segment: number;
  /** The VtepMAC the node announced in its backend-data annotation (random per node); unknown → not judged. */
  readonly vtepMac?: string;
  /**
   * The IPv6 address other nodes reach it at (flannel's public-ipv6, ExtV6Addr); absent on a single-stack
   * node, whose IPv6 side is then not predicted.
   */
  readonly publicIPv6?: string;
  /** The VtepMAC of `flannel-v6.<VNI>` the node announced in backend-v6-data; unknown → not judged. */
  readonly vtepMacV6?: string;
}

/** flanneld flags that change node state (defaults of the shipped kube-flannel.yml). */
export interface FlannelAgentOptions {
  /** `--ip-masq` (the shipped manifest sets it; flanneld's own default is false). */
  readonly ipMasq: boolean;
  /** `--iptables-forward-rules` (default true). */
  readonly forwardRules: boolean;
  /** `--kube-annotation-prefix` (default flannel.alpha.coreos.com). */
  readonly annotationPrefix: string;
}

export interface ExpectedLink {
  readonly name: string;
  readonly kind: string;
  readonly mtu: number | undefined;
  readonly mac: string | undefined;
  readonly vxlan?: {
    readonly id: number;
    readonly port: number;
    readonly local: string | undefined;
    readonly learning: boolean;
    readonly dev: string | undefined;
  };
  /** False for devices created lazily (cni0 appears with the first pod): judged only when present. */
  readonly required: boolean;
}

export interface ExpectedAddress {
  readonly dev: string;
  readonly local: string;
  readonly prefixLength: number;
  readonly required: boolean;
}

export interface ExpectedRoute {
  readonly dst: string;
  readonly gateway: string | undefined;
  readonly dev: string | undefined;
  readonly onlink: boolean;
  /** The peer the route leads to, when it is a per-peer route. */
  readonly peer?: string;
}

export interface ExpectedNeighbour {
  readonly dst: string;
  readonly dev: string;
  /** The peer's announced VtepMAC; undefined when the peer did not announce one. */
  readonly lladdr: string | undefined;
  readonly peer: string;
}

export interface ExpectedFdb {
  readonly mac: string | undefined;
  readonly dev: string;
  readonly dst: string;
  readonly peer: string;
}

/** One NAT rule, in flannel's order (pkg/trafficmngr). `!` negations are explicit. */
export interface MasqueradeRule {
  readonly action: 'RETURN' | 'MASQUERADE';
  readonly mark?: string;
  readonly source?: { readonly cidr: string; readonly negated: boolean };
  readonly destination?: { readonly cidr: string; readonly negated: boolean };
  readonly fullyRandom?: boolean;
}

export interface ForwardRule {
  readonly action: 'ACCEPT';
  readonly source?: string;
  readonly destination?: string;
}

/** How a node reaches a peer's pods. */
export interface ExpectedPeer {
  readonly node: string;
  readonly lease: string;
  readonly reachable: boolean;
  /**
   * `shared-lease`: the peer holds this node's own lease, which flannel ignores, or a lease another peer
   * holds too, where which of them the entries point at depends on event order: the path is not defined.
   */
  readonly path: 'vxlan' | 'vxlan-direct' | 'host-gw' | 'udp' | 'none' | 'shared-lease';
  readonly reason?: string;
}

/** A lease several peers announce: what a node programs for it depends on the order of their events. */
export interface SharedLease {
  readonly lease: string;
  readonly nodes: readonly string[];
  readonly publicIPs: readonly string[];
  readonly reason: string;
}

export interface ExpectedNodeState {
  readonly node: string;
  readonly lease: string;
  readonly backend: FlannelBackendConfig['type'];
  readonly subnetEnv: Readonly<Record<string, string>>;
  readonly links: readonly ExpectedLink[];
  readonly addresses: readonly ExpectedAddress[];
  readonly routes: readonly ExpectedRoute[];
  /** Destinations that must have no route (host-gw peers that are not L2 neighbours). */
  readonly absentRoutes: readonly { readonly dst: string; readonly reason: string }[];
  readonly neighbours: readonly ExpectedNeighbour[];
  readonly fdb: readonly ExpectedFdb[];
  /** Annotation → value; undefined = must exist, value not judged. Empty for the etcd manager. */
  readonly annotations: Readonly<Record<string, string | undefined>>;
  readonly masquerade: {
    readonly engine: 'iptables' | 'nftables';
    readonly rules: readonly MasqueradeRule[];
  };
  readonly forward: readonly ForwardRule[];
  /** cni0 as the CNI plugin makes it; `mtu` undefined when FLANNEL_MTU is no MTU the plugin accepts. */
  readonly cni0: {
    readonly address: string;
    readonly prefixLength: number;
    readonly mtu: number | undefined;
  };
  /** The CIDR whose routes, neighbours and FDB entries are flannel's (anything else is not judged). */
  readonly network: string;
  readonly peers: readonly ExpectedPeer[];
  /** Leases several peers announce: routes, neighbours and FDB entries for them are not judged. */
  readonly sharedLeases: readonly SharedLease[];
  /**
   * The IPv6 side (EnableIPv6 with an IPv6Network, and an IPv6 lease and public-ipv6 on the node): its
   * devices, addresses, routes, neighbours, FDB entries, subnet.env keys, annotations and shared leases
   * sit in the fields above beside the IPv4 ones; what is per family is here.
   */
  readonly ipv6?: ExpectedIPv6Side;
}

/** What a node holds for IPv6 apart from the entries it shares with IPv4 (docs/research/flannel.md §5, §6). */
export interface ExpectedIPv6Side {
  /** The node's IPv6 lease (FLANNEL_IPV6_SUBNET's network). */
  readonly lease: string;
  /** IPv6Network: routes, neighbours and FDB entries inside it are flannel's. */
  readonly network: string;
  readonly masquerade: {
    readonly engine: 'iptables' | 'nftables';
    readonly rules: readonly MasqueradeRule[];
  };
  readonly forward: readonly ForwardRule[];
  readonly cni0: { readonly address: string; readonly prefixLength: number };
  /** How the node reaches each peer's IPv6 pod addresses. */
  readonly peers: readonly ExpectedPeer[];
}

export type NodeStateObject =
  | 'route'
  | 'neigh'
  | 'fdb'
  | 'link'
  | 'mtu'
  | 'lease'
  | 'subnet.env'
  | 'annotation';

export interface NodeStateDifference {
  readonly node: string;
  readonly object: NodeStateObject;
  readonly key: string;
  readonly expected: string | undefined;
  readonly observed: string | undefined;
}

type LeaseRule =
  | 'lease-valid-cidr'
  | 'lease-aligned'
  | 'lease-inside-network'
  | 'lease-length'
  | 'lease-disjoint'
  | 'lease-within-min-max';

export interface LeaseViolation {
  readonly rule: LeaseRule;
  /** Which of a node's leases: its IPv4 one, or a dual-stack node's IPv6 one. */
  readonly family: 4 | 6;
  readonly nodes: readonly string[];
  readonly message: string;
}
