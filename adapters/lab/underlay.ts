/**
 * The underlay: its own namespace with one bridge per L2 segment, a router namespace joining the
 * segments and an "outside" namespace (a network outside the cluster that pods reach through masquerade).
 * Nothing here touches the root namespace except creating and deleting the lab's named namespaces.
 */
import { inNetns, ipBatch, run } from './exec.ts';
import type { LabNames } from './names.ts';
import {
  OUTSIDE_LINK_IP,
  OUTSIDE_LINK_IP6,
  OUTSIDE_NETWORK,
  OUTSIDE_NETWORK6,
  OUTSIDE_ROUTER_IP,
  OUTSIDE_ROUTER_IP6,
  OUTSIDE_SERVER_PORT,
  ROUTER_HOST,
  SEGMENT6_PREFIX_LENGTH,
  segmentHost,
  segmentHost6,
} from './topology.ts';

/** Creates network namespaces (one `ip` process for all of them). */
export async function addNamespaces(names: readonly string[]): Promise<void> {
  await ipBatch(
    undefined,
    names.map((n) => `netns add ${n}`),
  );
}

/**
 * Builds underlay, router and outside namespaces (already created) for `segments` segments; with `ipv6`
 * the router and the outside network get their IPv6 twins too (topology.ts), without DAD.
 */
export async function buildUnderlay(names: LabNames, segments: number, ipv6 = false): Promise<void> {
  const u: string[] = ['link set lo up'];
  const r: string[] = ['link set lo up'];
  for (let s = 0; s < segments; s++) {
    const bridge = names.segmentBridge(s);
    u.push(`link add ${bridge} type bridge`, `link set ${bridge} up`);
    u.push(`link add ${names.routerLeg(s)} type veth peer name seg${s} netns ${names.router}`);
    u.push(`link set ${names.routerLeg(s)} master ${bridge} up`);
  }
  await ipBatch(names.underlay, u);
  for (let s = 0; s < segments; s++) {
    r.push(`addr add ${segmentHost(s, ROUTER_HOST)}/24 dev seg${s}`, `link set seg${s} up`);
    if (ipv6) r.push(`addr add ${segmentHost6(s, ROUTER_HOST)}/${SEGMENT6_PREFIX_LENGTH} dev seg${s} nodad`);
  }
  r.push(`link add ${names.routerOutsideLeg} type veth peer name eth0 netns ${names.outside}`);
  r.push(
    `addr add ${OUTSIDE_ROUTER_IP}/24 dev ${names.routerOutsideLeg}`,
    `link set ${names.routerOutsideLeg} up`,
  );
  r.push(`route add ${OUTSIDE_NETWORK} via ${OUTSIDE_LINK_IP}`);
  if (ipv6) {
    r.push(
      `addr add ${OUTSIDE_ROUTER_IP6}/64 dev ${names.routerOutsideLeg} nodad`,
      `route add ${OUTSIDE_NETWORK6} via ${OUTSIDE_LINK_IP6}`,
    );
  }
  await ipBatch(names.router, r);
  await Promise.all([
    run(
      inNetns(names.router, [
        'sysctl',
        '-q',
        '-w',
        'net.ipv4.ip_forward=1',
        ...(ipv6 ? ['net.ipv6.conf.all.forwarding=1'] : []),
      ]),
    ),
    ipBatch(names.outside, [
      'link set lo up',
      `addr add ${OUTSIDE_LINK_IP}/24 dev eth0`,
      'link set eth0 up',
      `route add default via ${OUTSIDE_ROUTER_IP}`,
      // The whole outside network is local here, so any address in it answers.
      `route add local ${OUTSIDE_NETWORK} dev lo`,
      ...(ipv6
        ? [
            `addr add ${OUTSIDE_LINK_IP6}/64 dev eth0 nodad`,
            `route add ::/0 via ${OUTSIDE_ROUTER_IP6}`,
            `route add local ${OUTSIDE_NETWORK6} dev lo`,
          ]
        : []),
    ]),
  ]);
  await run(inNetns(names.outside, ['iptables-restore']), outsideRules());
  if (ipv6) await run(inNetns(names.outside, ['ip6tables-restore']), outsideRules());
}

/** Every port of the outside network reaches the one outside server. */
function outsideRules(): string {
  return [
    '*nat',
    `-A PREROUTING -p tcp -j REDIRECT --to-ports ${OUTSIDE_SERVER_PORT}`,
    `-A PREROUTING -p udp -j REDIRECT --to-ports ${OUTSIDE_SERVER_PORT}`,
    'COMMIT',
    '',
  ].join('\n');
}
