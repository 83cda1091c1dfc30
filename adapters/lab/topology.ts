/**
 * The lab's underlay plan: which node sits on which segment with which address. Pure.
 * Segment s is 192.168.(100+s).0/24 with the router at .254; the outside network 192.168.200.0/24
 * hangs off the router. These addresses exist only inside the lab's namespaces.
 */
import type { Cidr } from './ipv4.ts';
import type { Cidr6 } from './ipv6.ts';
import type { LabNames } from './names.ts';

export const ROUTER_HOST = 254;

/** Nodes a lab can hold: node i gets host 10+i of its segment, below the router's .254. */
export const LAB_NODE_RANGE = { min: 1, max: 200 } as const;
/** Underlay segments a lab can hold: 192.168.(100+s).0/24, below the outside network's 192.168.200.0/24. */
export const LAB_SEGMENT_RANGE = { min: 1, max: 16 } as const;
export const OUTSIDE_NETWORK = '192.168.200.0/24';
/** The router–outside link (a /24 apart from the outside network, which is all local in the outside namespace). */
export const OUTSIDE_ROUTER_IP = '192.168.254.1';
export const OUTSIDE_LINK_IP = '192.168.254.2';
/** An address of the outside network (every address of it answers). */
export const OUTSIDE_SERVER_IP = '192.168.200.10';
/** The port the outside server listens on; every port of the outside network is redirected to it. */
export const OUTSIDE_SERVER_PORT = 8080;
export const OUTSIDE_KEY = 'outside/server';

export function segmentHost(segment: number, host: number): string {
  return `192.168.${100 + segment}.${host}`;
}

/**
 * The IPv6 underlay (dual-stack and IPv6 labs), a ULA mirror of the IPv4 one that reads the same:
 * segment s is fd00:192:168:(100+s)::/64, host h of it `…::h` (node i: `fd00:192:168:100::11`).
 */
export function segmentHost6(segment: number, host: number): string {
  return `fd00:192:168:${100 + segment}::${host}`;
}
export const SEGMENT6_PREFIX_LENGTH = 64;
/** The outside network's IPv6 twin and its router link (all local in the outside namespace, as for IPv4). */
export const OUTSIDE_NETWORK6 = 'fd00:192:168:200::/64';
export const OUTSIDE_ROUTER_IP6 = 'fd00:192:168:254::1';
export const OUTSIDE_LINK_IP6 = 'fd00:192:168:254::2';
export const OUTSIDE_SERVER_IP6 = 'fd00:192:168:200::10';

export interface LabNode {
  readonly name: string;
  readonly index: number;
  readonly segment: number;
  readonly netns: string;
  /** eth0's IPv4 address: flannel's public-ip. Absent in an IPv6-only lab (EnableIPv4 false). */
  readonly ip?: string;
  /** The IPv4 lease; absent in an IPv6-only lab. */
  readonly lease?: Cidr;
  /** flannel.<VNI>'s MAC (vxlan), stable for the lab's life. */
  readonly vtepMac: string;
  /** The IPv6 side (dual-stack and IPv6 labs): eth0's IPv6 address (public-ipv6), the IPv6 lease, flannel-v6.<VNI>'s MAC. */
  readonly ipv6?: { readonly ip: string; readonly lease: Cidr6; readonly vtepMac: string };
}

/** Node i on segment s gets 192.168.(100+s).(10+i). */
function nodeAddress(index: number, segment: number): string {
  return segmentHost(segment, 10 + index);
}

/** A locally administered unicast MAC derived from the lab id and node index. */
function vtepMacOf(labId: string, index: number, family: 4 | 6 = 4): string {
  // 0e (locally administered, unicast), the lab id in 3 bytes (ids of 4 hex digits padded), the index, 01 (06 for IPv6).
  const hex = `0e${labId.padStart(6, 'f')}${(index & 0xff).toString(16).padStart(2, '0')}0${family === 4 ? 1 : 6}`;
  return (hex.match(/../g) ?? []).join(':');
}

export function planNodes(
  names: LabNames,
  nodes: readonly { readonly name: string; readonly segment: number }[],
  leases: ReadonlyMap<string, Cidr> | undefined,
  leases6?: ReadonlyMap<string, Cidr6>,
): LabNode[] {
  return nodes.map((n, index) => {
    // An IPv6-only lab (no IPv4 leases): the node has no IPv4 address on the pod network's side either.
    const lease = leases?.get(n.name);
    if (leases && !lease) throw new Error(`no lease for node ${n.name}`);
    const lease6 = leases6?.get(n.name);
    if (!lease && !lease6) throw new Error(`no lease for node ${n.name}`);
    return {
      name: n.name,
      index,
      segment: n.segment,
      netns: names.node(index),
      ...(lease ? { ip: nodeAddress(index, n.segment), lease } : {}),
      vtepMac: vtepMacOf(names.id, index),
      ...(lease6
        ? {
            ipv6: {
              ip: segmentHost6(n.segment, 10 + index),
              lease: lease6,
              vtepMac: vtepMacOf(names.id, index, 6),
            },
          }
        : {}),
    };
  });
}
