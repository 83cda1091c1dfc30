/**
 * MTUs per backend (docs/research/flannel.md §5.8): vxlan M−50 where M is Backend.MTU or the external
 * interface's MTU (pkg/backend/vxlan/vxlan.go `MTU: devAttrs.MTU - 50`), udp ext−28
 * (pkg/backend/udp/udp_network_amd64.go `encapOverhead = 28`), host-gw ext (no device). FLANNEL_MTU in
 * subnet.env, cni0 and pod interfaces use it.
 */
import type { FlannelBackendConfig } from '../../spec/flannelExpectation.ts';

/** VXLAN over IPv4: 20 IP + 8 UDP + 8 VXLAN + 14 inner Ethernet. */
const VXLAN_OVERHEAD = 50;
/** UDP backend: 20 IP + 8 UDP. */
export const UDP_OVERHEAD = 28;

/** The MTU flannel writes as FLANNEL_MTU for a node whose external interface has `extMtu`. */
export function flannelMtu(backend: FlannelBackendConfig, extMtu: number): number {
  switch (backend.type) {
    case 'vxlan':
      return (backend.mtu > 0 ? backend.mtu : extMtu) - VXLAN_OVERHEAD;
    case 'udp':
      return extMtu - UDP_OVERHEAD;
    default:
      return extMtu;
  }
}
