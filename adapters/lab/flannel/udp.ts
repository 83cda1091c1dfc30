/**
 * The udp backend (docs/research/flannel.md §5.3): TUN `flannel0` (MTU ext−28) with `<lease>.0/32`, one route
 * for the whole Network, and a userspace forwarder carrying packets in UDP datagrams to peers' port 8285.
 * Node cannot do the TUNSETIFF ioctl, so a 30-line C helper (compiled once with the machine's gcc) attaches
 * to the TUN and execs the Node forwarder with the TUN on fd 3.
 */

import { fileURLToPath } from 'node:url';
import { ensureCHelper } from '../cHelper.ts';
import { startDetached } from '../detached.ts';
import { inNetns } from '../exec.ts';
import { cidrSize, parseCidr } from '../ipv4.ts';
import type { NodeFlannelPlan } from './plan.ts';

const TUNEXEC_SOURCE = fileURLToPath(new URL('./udp/tunexec.c', import.meta.url));
const FORWARDER = fileURLToPath(new URL('./udp/forwarder.mjs', import.meta.url));

/** `ip` lines creating the persistent TUN, before the forwarder attaches. */
export function udpDeviceLines(plan: NodeFlannelPlan): string[] {
  const d = plan.device;
  if (d?.kind !== 'tun') return [];
  return [
    `tuntap add dev ${d.name} mode tun`,
    `link set ${d.name} mtu ${d.mtu}`,
    `addr add ${d.address} dev ${d.name}`,
    `link set ${d.name} up`,
  ];
}

/** The whole-Network route, once the forwarder holds the TUN (it has no carrier before). */
export function udpRouteLines(plan: NodeFlannelPlan): string[] {
  return plan.routes.map((r) => `route replace ${r.dst} dev ${r.dev}`);
}

/** Compiles tunexec.c into `<stateRoot>/.bin/` once per source version; returns its path. */
export function ensureTunexec(stateRoot: string): Promise<string> {
  return ensureCHelper(
    stateRoot,
    TUNEXEC_SOURCE,
    'the udp backend needs a C compiler to build its TUN helper',
    'install gcc (apt-get install gcc), or use --backend vxlan or host-gw',
  );
}

export interface ForwarderSpec {
  readonly tunexec: string;
  readonly netns: string;
  readonly device: string;
  readonly listen: string;
  readonly port: number;
  readonly peers: NodeFlannelPlan['udpPeers'];
  readonly prefix: string;
  readonly logFile: string;
}

/**
 * The forwarder's peers with each subnet's first and last address as numbers (ip-num's range), so that
 * forwarder.mjs, plain ESM that must start fast, neither parses CIDRs nor loads ip-num.
 */
function forwarderPeers(peers: ForwarderSpec['peers']) {
  return peers.map((p) => {
    const subnet = parseCidr(p.subnet);
    return {
      subnet: p.subnet,
      first: subnet.base,
      last: subnet.base + cidrSize(subnet) - 1,
      ip: p.ip,
      port: p.port,
    };
  });
}

/** Starts the forwarder in the node namespace; resolves with its pid once it listens. */
export function startForwarder(spec: ForwarderSpec): Promise<number> {
  const peers = forwarderPeers(spec.peers);
  const config = JSON.stringify({ listen: spec.listen, port: spec.port, peers });
  return startDetached(
    inNetns(spec.netns, [
      spec.tunexec,
      spec.device,
      process.execPath,
      FORWARDER,
      `--podnet-lab=${spec.prefix}`,
      config,
    ]),
    spec.logFile,
    'PODNET_LAB_UDP',
    `udp forwarder in ${spec.netns}`,
  );
}
