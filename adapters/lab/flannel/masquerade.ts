/**
 * flannel's masquerade and forward rules (docs/research/flannel.md §6.1,
 * `pkg/trafficmngr/iptables/iptables.go`), as iptables-restore input for one node: FLANNEL-POSTRTG in nat,
 * FLANNEL-FWD in filter; for IPv6 the same as ip6tables-restore input (`pkg/trafficmngr/iptables`, IPv6 rules).
 */
import type { FaultName } from '../faults.ts';

export function flannelRules(
  network: string,
  podCIDR: string,
  faults: readonly FaultName[] = [],
  family: 4 | 6 = 4,
): string {
  // IPv6 (ip6tables-restore): the same rules, with IPv6's multicast range.
  const multicast = family === 4 ? '224.0.0.0/4' : 'ff00::/8';
  const masq = '-m comment --comment "flanneld masq"';
  const fwd = '-m comment --comment "flanneld forward"';
  return [
    '*nat',
    ':FLANNEL-POSTRTG - [0:0]',
    `-A POSTROUTING ${masq} -j FLANNEL-POSTRTG`,
    `-A FLANNEL-POSTRTG -m mark --mark 0x4000/0x4000 ${masq} -j RETURN`,
    // Fault pod-snat: without this RETURN, pod-to-pod traffic to other nodes is masqueraded below.
    ...(faults.includes('pod-snat')
      ? []
      : [`-A FLANNEL-POSTRTG -s ${podCIDR} -d ${network} ${masq} -j RETURN`]),
    `-A FLANNEL-POSTRTG -s ${network} -d ${podCIDR} ${masq} -j RETURN`,
    `-A FLANNEL-POSTRTG ! -s ${network} -d ${podCIDR} ${masq} -j RETURN`,
    `-A FLANNEL-POSTRTG -s ${network} ! -d ${multicast} ${masq} -j MASQUERADE --random-fully`,
    `-A FLANNEL-POSTRTG ! -s ${network} -d ${network} ${masq} -j MASQUERADE --random-fully`,
    'COMMIT',
    '*filter',
    ':FLANNEL-FWD - [0:0]',
    `-A FORWARD ${fwd} -j FLANNEL-FWD`,
    `-A FLANNEL-FWD -s ${network} ${fwd} -j ACCEPT`,
    `-A FLANNEL-FWD -d ${network} ${fwd} -j ACCEPT`,
    'COMMIT',
    '',
  ].join('\n');
}
