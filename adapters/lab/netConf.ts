/** flannel's net-conf.json as the lab's flannel agent reads it, with flannel's defaults. */
import { PodnetInputError } from '../../spec/errors.ts';
import type { FlannelBackendType, FlannelNetConf } from '../../spec/scenario.ts';
import { type Cidr, formatCidr, parseCidr } from './ipv4.ts';

/** The net-conf the lab uses when none is given (kube-flannel.yml's). */
export const DEFAULT_NET_CONF: FlannelNetConf = {
  Network: '10.244.0.0/16',
  Backend: { Type: 'vxlan' },
};

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
}

const BACKENDS: readonly FlannelBackendType[] = ['vxlan', 'host-gw', 'udp'];

/**
 * Reads a net-conf. A net-conf without `Backend` means udp, as in flannel (docs/research/flannel.md §10.1);
 * `backendOverride` (the lab's --backend) wins over both.
 */
export function readNetConf(
  conf: FlannelNetConf | undefined,
  backendOverride?: FlannelBackendType,
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
  };
}
