/**
 * What flannel programs on each node (docs/research/flannel.md §5 and §10, kube or etcd manager, IPv4):
 * - vxlan (pkg/backend/vxlan/vxlan_network.go): device `flannel.<VNI>` with `<lease>.0/32`, MTU M−50,
 *   nolearning, dstport Port or 8472; per peer a route `lease via lease.0 dev flannel.N onlink`, a PERMANENT
 *   neighbour `lease.0 → peer VtepMAC` and an FDB entry `peer VtepMAC dst peer public IP`; with
 *   DirectRouting and the peer on the same L2 segment only `lease via peer public IP`.
 * - host-gw (pkg/backend/hostgw/hostgw.go, route_network.go): `lease via peer public IP dev ext` for peers
 *   on the same L2 segment; for the others the kernel refuses the gateway, so no route (and no reachability).
 * - udp (pkg/backend/udp/udp_network_amd64.go): TUN `flannel0` with `<lease>.0/32`, MTU ext−28, and one route
 *   `Network dev flannel0`; nothing per peer.
 * Plus subnet.env (pkg/subnet/subnet.go `WriteSubnetFile`), annotations (kube manager), NAT/forward rules and
 * the cni0 gateway `<lease>.1/len` (cni-plugin delegates to bridge with isGateway).
 */
import type {
  EffectiveNetConf,
  ExpectedAddress,
  ExpectedFdb,
  ExpectedLink,
  ExpectedNeighbour,
  ExpectedNodeState,
  ExpectedPeer,
  ExpectedRoute,
  FlannelAgentOptions,
  FlannelNodeInput,
} from '../../spec/flannelExpectation.ts';
import { flannelMtu, UDP_OVERHEAD } from './backendMtu.ts';
import { formatIP, mustCidr } from './goNet.ts';
import { forwardRules, masqueradeRules } from './masqueradeRules.ts';
import { annotationKeyPrefix, DEFAULT_ANNOTATION_PREFIX } from './vtepMac.ts';

/** The flags of the shipped Documentation/kube-flannel.yml (`--ip-masq --kube-subnet-mgr`). */
const DEFAULT_AGENT_OPTIONS: FlannelAgentOptions = {
  ipMasq: true,
  forwardRules: true,
  annotationPrefix: DEFAULT_ANNOTATION_PREFIX,
};

const HOST_GW_UNREACHABLE =
  'host-gw needs L2 adjacency: the peer is not on a directly connected subnet, so the kernel rejects the gateway (Documentation/backends.md)';

/** Expected state of one node. */
export function expectedNodeState(
  config: EffectiveNetConf,
  nodeName: string,
  nodes: readonly FlannelNodeInput[],
  leases: Readonly<Record<string, string>>,
  options: Partial<FlannelAgentOptions> = {},
): ExpectedNodeState {
  const agent = { ...DEFAULT_AGENT_OPTIONS, ...options };
  const node = nodes.find((n) => n.name === nodeName);
  const leaseText = leases[nodeName];
  if (!node || leaseText === undefined) throw new Error(`node "${nodeName}" has no input or no lease`);
  if (!config.network) throw new Error('the config has no IPv4 Network');
  const network = config.network;
  const lease = mustCidr(leaseText);
  const leaseCidr = `${formatIP(lease.ip, 4)}/${lease.prefixLength}`;
  const leaseIP = formatIP(lease.ip, 4);
  const mtu = flannelMtu(config.backend, node.extInterface.mtu);

  const links: ExpectedLink[] = [];
  const addresses: ExpectedAddress[] = [];
  const routes: ExpectedRoute[] = [];
  const absentRoutes: { dst: string; reason: string }[] = [];
  const neighbours: ExpectedNeighbour[] = [];
  const fdb: ExpectedFdb[] = [];
  const peers: ExpectedPeer[] = [];

  const others = nodes.filter((n) => n.name !== nodeName && leases[n.name] !== undefined);
  const backend = config.backend;
  switch (backend.type) {
    case 'vxlan': {
      const dev = `flannel.${backend.vni}`;
      links.push({
        name: dev,
        kind: 'vxlan',
        mtu,
        mac: node.vtepMac,
        vxlan: {
          id: backend.vni,
          port: backend.effectivePort,
          local: node.localIP ?? node.publicIP,
          learning: backend.learning,
          dev: node.extInterface.name,
        },
        required: true,
      });
      addresses.push({ dev, local: leaseIP, prefixLength: 32, required: true });
      for (const peer of others) {
        const peerLease = mustCidr(leases[peer.name]!);
        const peerLeaseCidr = `${formatIP(peerLease.ip, 4)}/${peerLease.prefixLength}`;
        const peerLeaseIP = formatIP(peerLease.ip, 4);
        // ip.DirectRouting: `ip route get <peer>` is one route without gateway ⇔ same L2 segment.
        if (backend.directRouting && peer.segment === node.segment) {
          routes.push({
            dst: peerLeaseCidr,
            gateway: peer.publicIP,
            dev: node.extInterface.name,
            onlink: false,
            peer: peer.name,
          });
          peers.push({ node: peer.name, lease: peerLeaseCidr, reachable: true, path: 'vxlan-direct' });
          continue;
        }
        routes.push({ dst: peerLeaseCidr, gateway: peerLeaseIP, dev, onlink: true, peer: peer.name });
        neighbours.push({ dst: peerLeaseIP, dev, lladdr: peer.vtepMac, peer: peer.name });
        fdb.push({ mac: peer.vtepMac, dev, dst: peer.publicIP, peer: peer.name });
        peers.push({ node: peer.name, lease: peerLeaseCidr, reachable: true, path: 'vxlan' });
      }
      break;
    }
    case 'host-gw':
      for (const peer of others) {
        const peerLeaseCidr = normalised(leases[peer.name]!);
        if (peer.segment === node.segment) {
          routes.push({
            dst: peerLeaseCidr,
            gateway: peer.publicIP,
            dev: node.extInterface.name,
            onlink: false,
            peer: peer.name,
          });
          peers.push({ node: peer.name, lease: peerLeaseCidr, reachable: true, path: 'host-gw' });
        } else {
          absentRoutes.push({ dst: peerLeaseCidr, reason: HOST_GW_UNREACHABLE });
          peers.push({
            node: peer.name,
            lease: peerLeaseCidr,
            reachable: false,
            path: 'none',
            reason: HOST_GW_UNREACHABLE,
          });
        }
      }
      break;
    case 'udp':
      links.push({
        name: 'flannel0',
        kind: 'tun',
        mtu: node.extInterface.mtu - UDP_OVERHEAD,
        mac: undefined,
        required: true,
      });
      addresses.push({ dev: 'flannel0', local: leaseIP, prefixLength: 32, required: true });
      routes.push({ dst: network, gateway: undefined, dev: 'flannel0', onlink: false });
      for (const peer of others) {
        peers.push({ node: peer.name, lease: normalised(leases[peer.name]!), reachable: true, path: 'udp' });
      }
      break;
    default:
      throw new Error(`the ${backend.type} backend's data plane is not modelled`);
  }

  const cni0Address = formatIP(lease.ip + 1n, 4);
  links.push({ name: 'cni0', kind: 'bridge', mtu, mac: undefined, required: false });
  addresses.push({ dev: 'cni0', local: cni0Address, prefixLength: lease.prefixLength, required: false });

  const subnetEnv: Record<string, string> = {
    FLANNEL_NETWORK: network,
    FLANNEL_SUBNET: `${cni0Address}/${lease.prefixLength}`,
    FLANNEL_MTU: String(mtu),
    FLANNEL_IPMASQ: String(agent.ipMasq),
  };

  const annotations: Record<string, string | undefined> = {};
  if (config.subnetManager === 'kube') {
    const p = annotationKeyPrefix(agent.annotationPrefix);
    annotations[`${p}kube-subnet-manager`] = 'true';
    // udp's LeaseAttrs carry no BackendType, so the annotation is empty (docs/research/flannel.md §3.1).
    annotations[`${p}backend-type`] = backend.type === 'udp' ? '' : backend.type;
    annotations[`${p}backend-data`] =
      backend.type === 'vxlan'
        ? node.vtepMac
          ? JSON.stringify({ VNI: backend.vni, VtepMAC: node.vtepMac })
          : undefined
        : 'null';
    annotations[`${p}public-ip`] = node.publicIP;
  }

  return {
    node: nodeName,
    lease: leaseCidr,
    backend: backend.type,
    subnetEnv,
    links,
    addresses,
    routes,
    absentRoutes,
    neighbours,
    fdb,
    annotations,
    masquerade: {
      engine: config.enableNFTables ? 'nftables' : 'iptables',
      rules: agent.ipMasq
        ? masqueradeRules(network, leaseCidr, config.enableNFTables ? 'nftables' : 'iptables')
        : [],
    },
    forward: agent.forwardRules ? forwardRules(network) : [],
    cni0: { address: cni0Address, prefixLength: lease.prefixLength, mtu },
    network,
    peers,
  };
}

function normalised(cidr: string): string {
  const c = mustCidr(cidr);
  return `${formatIP(c.ip, 4)}/${c.prefixLength}`;
}
