/**
 * A node's network state as read back from it (`ip -j`, `bridge -j`, subnet.env, flannel annotations).
 * One shape for the lab and for live nodes; one parser fills it (adapters/common/nodeState).
 */

export interface LinkState {
  readonly name: string;
  /** `vxlan`, `bridge`, `veth`, `tun`, `device`… (ip -d link's linkinfo.info_kind, or `device`). */
  readonly kind: string;
  readonly mtu: number;
  readonly mac?: string;
  readonly up: boolean;
  readonly vxlan?: {
    readonly id: number;
    readonly port: number;
    readonly local?: string;
    readonly learning: boolean;
    readonly dev?: string;
  };
}

export interface AddressState {
  readonly dev: string;
  readonly family: 'inet' | 'inet6';
  readonly local: string;
  readonly prefixLength: number;
}

export interface RouteState {
  /** `default` or a CIDR (a host route is written as /32 or /128). */
  readonly dst: string;
  readonly gateway?: string;
  readonly dev?: string;
  readonly onlink: boolean;
  readonly table?: string;
  /** Route type when not unicast (`blackhole`, `unreachable`…), as `ip -j route` prints it. */
  readonly type?: string;
}

export interface NeighbourState {
  readonly dst: string;
  readonly lladdr?: string;
  readonly dev: string;
  readonly permanent: boolean;
}

export interface FdbState {
  readonly mac: string;
  readonly dev: string;
  readonly dst?: string;
  readonly permanent: boolean;
}

export interface NodeNetworkState {
  readonly node: string;
  readonly links: readonly LinkState[];
  readonly addresses: readonly AddressState[];
  readonly routes: readonly RouteState[];
  readonly neighbours: readonly NeighbourState[];
  readonly fdb: readonly FdbState[];
  /** /run/flannel/subnet.env as key → value; absent when the file is missing. */
  readonly subnetEnv?: Readonly<Record<string, string>>;
  /** flannel.alpha.coreos.com/* annotations of the node. */
  readonly annotations: Readonly<Record<string, string>>;
}
