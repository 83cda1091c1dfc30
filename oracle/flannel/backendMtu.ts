/**
 * MTUs per backend (docs/research/flannel.md §5.8): vxlan M−50 where M is Backend.MTU or the external
 * interface's MTU (pkg/backend/vxlan/vxlan.go `MTU()` returns `nw.mtu - encapOverhead`), udp ext−28
 * (pkg/backend/udp/udp_network_amd64.go `encapOverhead = 28`), host-gw ext (no device). FLANNEL_MTU in
 * subnet.env, cni0 and pod interfaces use it. The vxlan device itself gets what the kernel lets it have.
 */
import type { FlannelBackendConfig } from '../../spec/flannelExpectation.ts';

/** VXLAN over IPv4: 20 IP + 8 UDP + 8 VXLAN + 14 inner Ethernet. */
const VXLAN_OVERHEAD = 50;
/** UDP backend: 20 IP + 8 UDP. */
export const UDP_OVERHEAD = 28;
/** The kernel's smallest Ethernet MTU (ETH_MIN_MTU) and largest (ETH_MAX_MTU). */
const ETH_MIN_MTU = 68;
const ETH_MAX_MTU = 65535;

/** The MTU flannel writes as FLANNEL_MTU for a node whose external interface has `extMtu`. */
export function flannelMtu(backend: FlannelBackendConfig, extMtu: number): number {
  switch (backend.type) {
    case 'vxlan':
      return (backend.mtu ?? extMtu) - VXLAN_OVERHEAD;
    case 'udp':
      return extMtu - UDP_OVERHEAD;
    default:
      return extMtu;
  }
}

/**
 * The MTU flannel.N ends up with. flannel asks for M−50 (device.go `newVXLANDevice`); netlink sends no
 * IFLA_MTU for a value ≤ 0 (vishvananda/netlink `LinkAdd`: `if base.MTU > 0`), and the kernel then gives a
 * VTEP bound to a lower device lower−50, and caps any larger request there (drivers/net/vxlan
 * `vxlan_config_apply`: `max_mtu = lowerdev->mtu - VXLAN_HEADROOM`, at least ETH_MIN_MTU).
 */
export function vxlanDeviceMtu(backend: { readonly mtu?: number }, extMtu: number): number {
  const kernelMax = Math.max(extMtu - VXLAN_OVERHEAD, ETH_MIN_MTU);
  const requested = (backend.mtu ?? extMtu) - VXLAN_OVERHEAD;
  return requested <= 0 ? kernelMax : Math.min(requested, kernelMax);
}

/** VXLAN over IPv6: the outer header is 20 bytes longer (drivers/net/vxlan VXLAN6_HEADROOM). */
const VXLAN6_OVERHEAD = 70;

/**
 * The MTU flannel-v6.N ends up with: flannel asks for the same M−50 as for flannel.N (vxlan.go
 * RegisterNetwork), and the kernel caps a VTEP bound to an IPv6 underlay at lower−70 (`vxlan_config_apply`:
 * `max_mtu = lowerdev->mtu - VXLAN6_HEADROOM`; issue #1781: "ipv4 MTU − 50, ipv6 MTU − 70").
 */
export function vxlan6DeviceMtu(backend: { readonly mtu?: number }, extMtu: number): number {
  const kernelMax = Math.max(extMtu - VXLAN6_OVERHEAD, ETH_MIN_MTU);
  const requested = (backend.mtu ?? extMtu) - VXLAN_OVERHEAD;
  return requested <= 0 ? kernelMax : Math.min(requested, kernelMax);
}

/**
 * Why the kernel refuses flannel.N for an explicit Backend.MTU, or undefined when it accepts it: a
 * positive request outside ETH_MIN_MTU..ETH_MAX_MTU fails `dev_validate_mtu` in `rtnl_create_link`, and
 * flanneld exits ("failed to create vxlan device").
 */
export function vxlanMtuRefusal(mtu: number | undefined): string | undefined {
  if (mtu === undefined) return undefined;
  const requested = mtu - VXLAN_OVERHEAD;
  if (requested > 0 && requested < ETH_MIN_MTU) {
    return `failed to create vxlan device: invalid argument (Backend.MTU ${mtu} asks for flannel.N MTU ${requested}, below the kernel's minimum ${ETH_MIN_MTU}: "mtu less than device minimum", net/core/dev.c dev_validate_mtu)`;
  }
  if (requested > ETH_MAX_MTU) {
    return `failed to create vxlan device: invalid argument (Backend.MTU ${mtu} asks for flannel.N MTU ${requested}, above the kernel's maximum ${ETH_MAX_MTU}: "mtu greater than device maximum", net/core/dev.c dev_validate_mtu)`;
  }
  return undefined;
}
