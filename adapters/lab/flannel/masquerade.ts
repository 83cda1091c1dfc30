/**
 * flannel's masquerade and forward rules (docs/research/flannel.md §6.1,
 * `pkg/trafficmngr/iptables/iptables.go`), as iptables-restore input for one node: FLANNEL-POSTRTG in nat,
 * FLANNEL-FWD in filter.
 */
import type { FaultName } from '../faults.ts';

export function flannelRules(network: string, podCIDR: string, faults: readonly FaultName[] = []): string {
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
    `-A FLANNEL-POSTRTG -s ${network} ! -d 224.0.0.0/4 ${masq} -j MASQUERADE --random-fully`,
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
