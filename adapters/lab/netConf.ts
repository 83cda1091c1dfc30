/** flannel's net-conf.json as the lab's flannel agent reads it, with flannel's defaults. */
import { PodnetInputError } from '../../spec/errors.ts';
import type { FlannelBackendType, FlannelNetConf } from '../../spec/scenario.ts';
import type { LabIpFamily } from './ipFamily.ts';
import { type Cidr, formatCidr, parseCidr } from './ipv4.ts';
import { type Cidr6, formatCidr6, parseCidr6 } from './ipv6.ts';

/** The net-conf the lab uses when none is given (kube-flannel.yml's). */
export const DEFAULT_NET_CONF: FlannelNetConf = {
  Network: '10.244.0.0/16',
  Backend: { Type: 'vxlan' },
};

/** The pod IPv6 network when the net-conf names none (flannel's e2e dual-stack IPv6Network). */
const DEFAULT_IPV6_NETWORK = 'fd00:10:244::/56';
/** The IPv6 lease length: kube-controller-manager's --node-cidr-mask-size-ipv6 default. */
const DEFAULT_IPV6_SUBNET_LEN = 64;

/** The node NIC MTU in the lab (ext iface MTU in flannel's terms). */
export const UNDERLAY_MTU = 1500;

export interface LabNetConf {
  readonly network: Cidr;
  /** The Network with host bits cleared, as flannel's ip.IP4Net prints it (FLANNEL_NETWORK). */
  readonly networkText: string;
  readonly subnetLen: number;
  readonly backend: FlannelBackendType;
  readonly vni: number;
  /** UDP port of the tunnel (vxlan: 8472 when 0; udp: 8285). */
  readonly port: number;
  readonly directRouting: boolean;
  /** Backend.MTU, or the NIC MTU. */
  readonly mtuBase: number;
  /** flannel's EnableIPv4: false for the lab's ipFamily ipv6 (then `Network` is read but nothing IPv4 is built). */
  readonly enableIPv4: boolean;
  /** flannel's EnableIPv6 side (the lab's ipFamily dual or ipv6): IPv6Network and the lease length. */
  readonly ipv6?: {
    readonly network: Cidr6;
    /** IPv6Network as flannel prints it (FLANNEL_IPV6_NETWORK). */
    readonly networkText: string;
    readonly subnetLen: number;
  };
}

const BACKENDS: readonly FlannelBackendType[] = ['vxlan', 'host-gw', 'udp'];

/**
 * Reads a net-conf. A net-conf without `Backend` means udp, as in flannel (docs/research/flannel.md §10.1);
 * `backendOverride` (the lab's --backend) wins over both.
 */
export function readNetConf(
  conf: FlannelNetConf | undefined,
  backendOverride?: FlannelBackendType,
  ipFamily: LabIpFamily = 'ipv4',
): LabNetConf {
  const c = conf ?? DEFAULT_NET_CONF;
  const where = { object: 'net-conf.json' };
  let network: Cidr;
  try {
    network = parseCidr(c.Network);
  } catch {
    throw new PodnetInputError('PODNET_LAB_NETCONF', `Network "${c.Network}" is not an IPv4 CIDR`, {
      ...where,
      field: 'Network',
    });
  }
  const subnetLen = c.SubnetLen ?? (network.prefixLength <= 24 ? 24 : network.prefixLength + 1);
  if (!Number.isInteger(subnetLen) || subnetLen <= network.prefixLength || subnetLen > 30) {
    throw new PodnetInputError(
      'PODNET_LAB_NETCONF',
      `SubnetLen ${subnetLen} does not fit inside Network ${c.Network}`,
      { ...where, field: 'SubnetLen' },
      'SubnetLen must be longer than the Network prefix and at most 30',
    );
  }
  const type = backendOverride ?? c.Backend?.Type ?? 'udp';
  if (!BACKENDS.includes(type as FlannelBackendType)) {
    throw new PodnetInputError(
      'PODNET_LAB_BACKEND',
      `the lab does not implement flannel backend "${type}"`,
      { ...where, field: 'Backend.Type' },
      'use vxlan, host-gw or udp',
    );
  }
  const backend = type as FlannelBackendType;
  const ipv6 = ipFamily === 'ipv4' ? undefined : readIPv6(c, backend);
  const rawPort = typeof c.Backend?.Port === 'number' ? c.Backend.Port : 0;
  const port = rawPort !== 0 ? rawPort : backend === 'udp' ? 8285 : 8472;
  return {
    network,
    networkText: formatCidr(network),
    subnetLen,
    backend,
    vni: typeof c.Backend?.VNI === 'number' ? c.Backend.VNI : 1,
    port,
    directRouting: c.Backend?.DirectRouting === true,
    mtuBase: typeof c.Backend?.MTU === 'number' && c.Backend.MTU > 0 ? c.Backend.MTU : UNDERLAY_MTU,
    enableIPv4: ipFamily !== 'ipv6',
    ...(ipv6 ? { ipv6 } : {}),
  };
}

/**
 * The IPv6 side of a dual-stack or IPv6-only lab: the net-conf's IPv6Network (default
 * DEFAULT_IPV6_NETWORK) cut into IPv6SubnetLen leases (default /64). flannel implements IPv6 for vxlan,
 * host-gw and wireguard only (pkg/subnet/kube/kube.go forces other backends' leases IPv4-only).
 */
function readIPv6(c: FlannelNetConf, backend: FlannelBackendType): NonNullable<LabNetConf['ipv6']> {
  const where = { object: 'net-conf.json' };
  if (backend === 'udp') {
    throw new PodnetInputError(
      'PODNET_LAB_BACKEND',
      "flannel's udp backend has no IPv6: an IPv6 or dual-stack lab cannot run it",
      { ...where, field: 'Backend.Type' },
      'use --backend vxlan or host-gw with --ip-family dual/ipv6, or --ip-family ipv4 with udp',
    );
  }
  const text = typeof c.IPv6Network === 'string' ? c.IPv6Network : DEFAULT_IPV6_NETWORK;
  let network: Cidr6;
  try {
    network = parseCidr6(text);
  } catch {
    throw new PodnetInputError('PODNET_LAB_NETCONF', `IPv6Network "${text}" is not an IPv6 CIDR`, {
      ...where,
      field: 'IPv6Network',
    });
  }
  const subnetLen = typeof c.IPv6SubnetLen === 'number' ? c.IPv6SubnetLen : DEFAULT_IPV6_SUBNET_LEN;
  if (!Number.isInteger(subnetLen) || subnetLen <= network.prefixLength || subnetLen > 120) {
    throw new PodnetInputError(
      'PODNET_LAB_NETCONF',
      `IPv6SubnetLen ${subnetLen} does not fit inside IPv6Network ${text}`,
      { ...where, field: 'IPv6SubnetLen' },
      'IPv6SubnetLen must be longer than the IPv6Network prefix and at most 120 (default 64)',
    );
  }
  return { network, networkText: formatCidr6(network), subnetLen };
}
