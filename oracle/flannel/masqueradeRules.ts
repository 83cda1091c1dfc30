/**
 * flannel's NAT and forward rules as a rule-level description (docs/research/flannel.md §6): iptables
 * (pkg/trafficmngr/iptables/iptables.go, golden output in e2e/rules.go) or nftables
 * (pkg/trafficmngr/nftables/nftables.go). `--random-fully` / `fully-random` is used only when the binary
 * supports it, so it is left out of the description.
 */
import type { ForwardRule, MasqueradeRule } from '../../spec/flannelExpectation.ts';
import type { FlannelBehaviour } from './flannelVersion.ts';

const MULTICAST_V4 = '224.0.0.0/4';
/** ip6tables (and nftables' ip6 table) exclude IPv6 multicast instead (pkg/trafficmngr/iptables MasqIP6Rules). */
const MULTICAST_V6 = 'ff00::/8';

/**
 * The masquerade rules in order, for `network` (net-conf Network, or IPv6Network with `family` 6) and
 * `podCidr` (the node's lease of that family), as the release of `behaviour` writes them.
 */
export function masqueradeRules(
  network: string,
  podCidr: string,
  engine: 'iptables' | 'nftables',
  behaviour: Pick<FlannelBehaviour, 'kubeProxyMarkReturn' | 'podCidrMasquerade'>,
  family: 4 | 6 = 4,
): MasqueradeRule[] {
  const multicast = family === 4 ? MULTICAST_V4 : MULTICAST_V6;
  const is = (cidr: string) => ({ cidr, negated: false });
  const not = (cidr: string) => ({ cidr, negated: true });
  // Packets kube-proxy marked for masquerade are left to kube-proxy (issue #1679, PR #1681, v0.20.2).
  const markReturn: MasqueradeRule[] = behaviour.kubeProxyMarkReturn
    ? [{ action: 'RETURN', mark: engine === 'iptables' ? '0x4000/0x4000' : '0x00004000' }]
    : [];
  if (!behaviour.podCidrMasquerade) {
    // v0.20.x, network/iptables.go MasqRules: the set flannel had used since before the FLANNEL-POSTRTG chain.
    return [
      ...markReturn,
      { action: 'RETURN', source: is(network), destination: is(network) },
      { action: 'MASQUERADE', source: is(network), destination: not(multicast) },
      { action: 'RETURN', source: not(network), destination: is(podCidr) },
      { action: 'MASQUERADE', source: not(network), destination: is(network) },
    ];
  }
  return [
    ...markReturn,
    { action: 'RETURN', source: is(podCidr), destination: is(network) },
    { action: 'RETURN', source: is(network), destination: is(podCidr) },
    // The one place the engines differ: iptables `! -s Network -d podCIDR`, nftables `saddr != podCIDR daddr Network`.
    engine === 'iptables'
      ? { action: 'RETURN', source: not(network), destination: is(podCidr) }
      : { action: 'RETURN', source: not(podCidr), destination: is(network) },
    { action: 'MASQUERADE', source: is(network), destination: not(multicast) },
    { action: 'MASQUERADE', source: not(network), destination: is(network) },
  ];
}

/** FLANNEL-FWD (filter table): accept everything from or to the cluster network. */
export function forwardRules(network: string): ForwardRule[] {
  return [
    { action: 'ACCEPT', source: network },
    { action: 'ACCEPT', destination: network },
  ];
}
