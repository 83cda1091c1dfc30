/** The one parser of node state: raw `ip`/`bridge` JSON, subnet.env and annotations → NodeNetworkState. */
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import type { RawNodeState } from './nodeStateCommands.ts';
import { parseBridgeFdb } from './parseBridgeFdb.ts';
import { parseIpAddr } from './parseIpAddr.ts';
import { parseIpLink } from './parseIpLink.ts';
import { parseIpNeigh } from './parseIpNeigh.ts';
import { parseIpRoute } from './parseIpRoute.ts';
import { parseSubnetEnv } from './parseSubnetEnv.ts';

export function parseNodeState(raw: RawNodeState): NodeNetworkState {
  return {
    node: raw.node,
    links: parseIpLink(raw.ipLink, raw.node),
    addresses: parseIpAddr(raw.ipAddr, raw.node),
    routes: parseIpRoute(raw.ipRoute, raw.node),
    neighbours: parseIpNeigh(raw.ipNeigh, raw.node),
    fdb: parseBridgeFdb(raw.bridgeFdb, raw.node),
    ...(raw.subnetEnv !== undefined ? { subnetEnv: parseSubnetEnv(raw.subnetEnv) } : {}),
    annotations: { ...(raw.annotations ?? {}) },
  };
}
