/**
 * What the lab's flannel agent means to program on each node (docs/research/flannel.md §3, §5, §10), as data.
 * The programming code turns this into `ip` commands; the read-back tests compare the kernel with it.
 */
import type { FaultName } from '../faults.ts';
import { type Cidr, formatCidr, hostOf } from '../ipv4.ts';
import { formatCidr6, hostOf6 } from '../ipv6.ts';
import type { LabNetConf } from '../netConf.ts';
import { UNDERLAY_MTU } from '../netConf.ts';
import type { LabNode } from '../topology.ts';

const ANNOTATION_PREFIX = 'flannel.alpha.coreos.com';
/** Where pods plug in (the CNI bridge plugin's default). */
export const BRIDGE = 'cni0';

interface PlannedDevice {
  readonly name: string;
  readonly kind: 'vxlan' | 'tun';
  readonly mtu: number;
  /** `<lease>.0/32` (flannel-v6.<VNI>: `<lease6>::/128`). */
  readonly address: string;
  readonly mac?: string;
  readonly vni?: number;
  readonly port?: number;
  readonly local?: string;
  /** The underlay device the VTEP is bound to (flannel: the external interface). */
  readonly dev?: string;
}

interface PlannedRoute {
  readonly dst: string;
  readonly gateway?: string;
  readonly dev: string;
  readonly onlink: boolean;
}

interface PlannedNeighbour {
  readonly dst: string;
  readonly lladdr: string;
  readonly dev: string;
}

interface PlannedFdb {
  readonly mac: string;
  readonly dev: string;
  readonly dst: string;
}

export interface NodeFlannelPlan {
  readonly node: string;
  readonly backend: LabNetConf['backend'];
  /** FLANNEL_MTU: cni0, veths and pod eth0 get it too. */
  readonly mtu: number;
  readonly device?: PlannedDevice;
  readonly routes: readonly PlannedRoute[];
  readonly neighbours: readonly PlannedNeighbour[];
  readonly fdb: readonly PlannedFdb[];
  readonly subnetEnv: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** For udp: remote subnet → peer address the forwarder sends to. */
  readonly udpPeers: readonly { readonly subnet: string; readonly ip: string; readonly port: number }[];
  /**
   * flannel's IPv6 side (EnableIPv6: the lab's dual or ipv6 family): vxlan's `flannel-v6.<VNI>` with its
   * per-peer route, neighbour and FDB entry for each peer's IPv6 lease; host-gw's routes via the peers'
   * public-ipv6. Absent for an IPv4 lab.
   */
  readonly ipv6?: {
    readonly device?: PlannedDevice;
    readonly routes: readonly PlannedRoute[];
    readonly neighbours: readonly PlannedNeighbour[];
    readonly fdb: readonly PlannedFdb[];
  };
}

/** The kernel caps a VTEP bound to an IPv6 underlay at lower MTU − 70 (vxlan_config_apply, VXLAN6_HEADROOM). */
const VXLAN6_HEADROOM = 70;

/** The IPv6 half of a node's plan (vxlan_network.go / route_network.go with the lease's IPv6 fields). */
function planIPv6(
  self: LabNode,
  peers: readonly LabNode[],
  conf: LabNetConf,
  mtu: number,
  faults: readonly FaultName[],
): NodeFlannelPlan['ipv6'] {
  const own = self.ipv6;
  if (!own) return undefined;
  const routes: PlannedRoute[] = [];
  const neighbours: PlannedNeighbour[] = [];
  const fdb: PlannedFdb[] = [];
  const faultNode = self.index === 0;
  // Fault flannel-v6-route-missing: the route to the first peer's IPv6 lease is not written on node 0.
  const routeDropped = (i: number): boolean =>
    faultNode && i === 0 && faults.includes('flannel-v6-route-missing');
  const v6peers = peers.filter(
    (p) => p.ipv6 !== undefined && formatCidr6(p.ipv6.lease) !== formatCidr6(own.lease),
  );
  if (conf.backend === 'vxlan') {
    const dev = `flannel-v6.${conf.vni}`;
    const device: PlannedDevice = {
      name: dev,
      kind: 'vxlan',
      mtu: Math.min(mtu, UNDERLAY_MTU - VXLAN6_HEADROOM),
      address: `${hostOf6(own.lease, 0)}/128`,
      mac: own.vtepMac,
      vni: conf.vni,
      port: conf.port,
      local: own.ip,
      dev: 'eth0',
    };
    v6peers.forEach((peer, i) => {
      const p6 = peer.ipv6 as NonNullable<LabNode['ipv6']>;
      if (conf.directRouting && peer.segment === self.segment) {
        if (!routeDropped(i))
          routes.push({ dst: formatCidr6(p6.lease), gateway: p6.ip, dev: 'eth0', onlink: false });
        return;
      }
      const gw = hostOf6(p6.lease, 0);
      if (!routeDropped(i)) routes.push({ dst: formatCidr6(p6.lease), gateway: gw, dev, onlink: true });
      neighbours.push({ dst: gw, lladdr: p6.vtepMac, dev });
      fdb.push({ mac: p6.vtepMac, dev, dst: p6.ip });
    });
    return { device, routes, neighbours, fdb };
  }
  // host-gw: a route per adjacent peer via its public-ipv6.
  v6peers
    .filter((p) => p.segment === self.segment)
    .forEach((peer, i) => {
      const p6 = peer.ipv6 as NonNullable<LabNode['ipv6']>;
      if (!routeDropped(i))
        routes.push({ dst: formatCidr6(p6.lease), gateway: p6.ip, dev: 'eth0', onlink: false });
    });
  return { routes, neighbours, fdb };
}

function backendMtu(conf: LabNetConf, faults: readonly FaultName[]): number {
  if (conf.backend === 'vxlan') return faults.includes('mtu-no-overhead') ? conf.mtuBase : conf.mtuBase - 50;
  if (conf.backend === 'udp') return UNDERLAY_MTU - 28;
  return UNDERLAY_MTU;
}

/**
 * The plan of every node. `faults` bends it the way the named bug would (the fault node is node 0);
 * pass no faults to get what a correct flannel programs.
 */
export function planFlannel(
  nodes: readonly LabNode[],
  conf: LabNetConf,
  faults: readonly FaultName[] = [],
): NodeFlannelPlan[] {
  const mtu = backendMtu(conf, faults);
  return nodes.map((self) => {
    const v4 = conf.enableIPv4 ? planIPv4(self, nodes, conf, mtu, faults) : undefined;
    // flannel drops events for its own lease (LeaseWatcher sameSubnet), so a duplicate lease is ignored.
    const peers6 = nodes.filter(
      (p) => p !== self && !(self.lease && p.lease && formatCidr(p.lease) === formatCidr(self.lease)),
    );
    const ipv6 = conf.ipv6 ? planIPv6(self, peers6, conf, mtu, faults) : undefined;
    const own6 = self.ipv6;
    const ownIPv4 =
      v4 && self.lease && self.ip !== undefined ? { lease: self.lease, ip: self.ip } : undefined;
    return {
      node: self.name,
      backend: conf.backend,
      mtu,
      ...(v4?.device ? { device: v4.device } : {}),
      routes: v4?.routes ?? [],
      neighbours: v4?.neighbours ?? [],
      fdb: v4?.fdb ?? [],
      // An IPv6-only net-conf (EnableIPv4 false) writes no IPv4 key (pkg/subnet WriteSubnetFile).
      subnetEnv: {
        ...(ownIPv4
          ? {
              FLANNEL_NETWORK: conf.networkText,
              FLANNEL_SUBNET: `${hostOf(ownIPv4.lease, 1)}/${ownIPv4.lease.prefixLength}`,
            }
          : {}),
        ...(conf.ipv6 && own6
          ? {
              FLANNEL_IPV6_NETWORK: conf.ipv6.networkText,
              FLANNEL_IPV6_SUBNET: `${hostOf6(own6.lease, 1)}/${own6.lease.prefixLength}`,
            }
          : {}),
        FLANNEL_MTU: String(mtu),
        FLANNEL_IPMASQ: 'true',
      },
      // IPv4's backend-data and public-ip are written only when IPv4 is enabled (pkg/subnet/kube, §3.1).
      annotations: {
        ...(ownIPv4 ? { [`${ANNOTATION_PREFIX}/backend-data`]: v4?.backendData ?? 'null' } : {}),
        [`${ANNOTATION_PREFIX}/backend-type`]: conf.backend === 'udp' ? '' : conf.backend,
        [`${ANNOTATION_PREFIX}/kube-subnet-manager`]: 'true',
        ...(ownIPv4 ? { [`${ANNOTATION_PREFIX}/public-ip`]: ownIPv4.ip } : {}),
        ...(own6
          ? {
              // vxlan: flannel-v6.N's VNI and MAC; host-gw: null (pkg/subnet/kube/annotations).
              [`${ANNOTATION_PREFIX}/backend-v6-data`]:
                conf.backend === 'vxlan' ? JSON.stringify({ VNI: conf.vni, VtepMAC: own6.vtepMac }) : 'null',
              [`${ANNOTATION_PREFIX}/public-ipv6`]: own6.ip,
            }
          : {}),
      },
      udpPeers: v4?.udpPeers ?? [],
      ...(ipv6 ? { ipv6 } : {}),
    };
  });
}

/** The IPv4 half of a node's plan (EnableIPv4): flannel.<VNI>, host-gw routes or flannel0, per peer. */
function planIPv4(
  self: LabNode,
  nodes: readonly LabNode[],
  conf: LabNetConf,
  mtu: number,
  faults: readonly FaultName[],
): {
  device?: PlannedDevice;
  routes: PlannedRoute[];
  neighbours: PlannedNeighbour[];
  fdb: PlannedFdb[];
  backendData: string;
  udpPeers: NodeFlannelPlan['udpPeers'];
} {
  const vxlanDev = `flannel.${conf.vni}`;
  // Only called for an IPv4 lab, whose nodes all hold an IPv4 address and lease (topology.ts).
  const own = { ip: self.ip as string, lease: self.lease as Cidr };
  const v4peers = nodes.flatMap((p) =>
    p !== self && p.lease && p.ip !== undefined && formatCidr(p.lease) !== formatCidr(own.lease)
      ? [{ ...p, ip: p.ip, lease: p.lease }]
      : [],
  );
  const routes: PlannedRoute[] = [];
  const neighbours: PlannedNeighbour[] = [];
  const fdb: PlannedFdb[] = [];
  const faultNode = self.index === 0;
  let device: PlannedDevice | undefined;
  let backendData = 'null';
  if (conf.backend === 'vxlan') {
    device = {
      name: vxlanDev,
      kind: 'vxlan',
      mtu,
      address: `${hostOf(own.lease, 0)}/32`,
      mac: self.vtepMac,
      vni: conf.vni,
      port: conf.port,
      local: own.ip,
      // The kernel caps a bound VTEP at lower MTU − 50; the faulty agent leaves it unbound, so 1500 sticks.
      ...(faults.includes('mtu-no-overhead') ? {} : { dev: 'eth0' }),
    };
    backendData = JSON.stringify({ VNI: conf.vni, VtepMAC: self.vtepMac });
    v4peers.forEach((peer, i) => {
      if (conf.directRouting && peer.segment === self.segment) {
        routes.push({ dst: formatCidr(peer.lease), gateway: peer.ip, dev: 'eth0', onlink: false });
        return;
      }
      const gw = hostOf(peer.lease, 0);
      routes.push({ dst: formatCidr(peer.lease), gateway: gw, dev: vxlanDev, onlink: true });
      neighbours.push({ dst: gw, lladdr: peer.vtepMac, dev: vxlanDev });
      if (!(faultNode && i === 0 && faults.includes('vxlan-fdb-missing'))) {
        fdb.push({ mac: peer.vtepMac, dev: vxlanDev, dst: peer.ip });
      }
    });
  } else if (conf.backend === 'host-gw') {
    // The kernel rejects a gateway that is not on a connected subnet: no route for such peers.
    const adjacent = v4peers.filter((p) => p.segment === self.segment);
    adjacent.forEach((peer, i) => {
      if (faultNode && i === 0 && faults.includes('hostgw-route-missing')) return;
      routes.push({ dst: formatCidr(peer.lease), gateway: peer.ip, dev: 'eth0', onlink: false });
    });
  } else {
    device = { name: 'flannel0', kind: 'tun', mtu, address: `${hostOf(own.lease, 0)}/32` };
    routes.push({ dst: conf.networkText, dev: 'flannel0', onlink: false });
  }
  const udpPeers =
    conf.backend === 'udp'
      ? v4peers.map((p) => ({ subnet: formatCidr(p.lease), ip: p.ip, port: conf.port }))
      : [];
  return { ...(device ? { device } : {}), routes, neighbours, fdb, backendData, udpPeers };
}

/** subnet.env text, in flannel's key order. */
export function subnetEnvText(env: Readonly<Record<string, string>>): string {
  return `${[
    'FLANNEL_NETWORK',
    'FLANNEL_SUBNET',
    'FLANNEL_IPV6_NETWORK',
    'FLANNEL_IPV6_SUBNET',
    'FLANNEL_MTU',
    'FLANNEL_IPMASQ',
  ]
    .filter((k) => env[k] !== undefined)
    .map((k) => `${k}=${env[k]}`)
    .join('\n')}\n`;
}
