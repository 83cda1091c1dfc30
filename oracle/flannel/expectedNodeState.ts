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
 * the cni0 gateway `<lease>.1/len` (cni-plugin delegates to bridge with isGateway). Peers come through
 * flannel's lease watch (pkg/lease/lease.go `LeaseWatcher`), which drops events for the node's own subnet
 * and keeps one lease per subnet (`sameSubnet`). What changed between releases follows the config's
 * flannel version (flannelVersion.ts).
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
  SharedLease,
} from '../../spec/flannelExpectation.ts';
import { flannelMtu, UDP_OVERHEAD, vxlanDeviceMtu } from './backendMtu.ts';
import { flannelBehaviour } from './flannelVersion.ts';
import { formatCidr, formatIP, mustCidr } from './goNet.ts';
import { forwardRules, masqueradeRules } from './masqueradeRules.ts';
import { annotationKeyPrefix, DEFAULT_ANNOTATION_PREFIX } from './vtepMac.ts';

/** The flags of the shipped Documentation/kube-flannel.yml (`--ip-masq --kube-subnet-mgr`). */
const DEFAULT_AGENT_OPTIONS: FlannelAgentOptions = {
  ipMasq: true,
  forwardRules: true,
  annotationPrefix: DEFAULT_ANNOTATION_PREFIX,
};

const OWN_LEASE =
  "holds this node's own lease: flannel drops lease events for its own subnet and programs nothing for it (pkg/lease/lease.go LeaseWatcher, sameSubnet)";
const SHARED_LEASE =
  'several peers announce this lease: flannel keeps one lease per subnet, so which peer its entries point at depends on the order of their events (pkg/lease/lease.go LeaseWatcher.add, sameSubnet)';

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
  const behaviour = flannelBehaviour(config.flannelVersion);
  const node = nodes.find((n) => n.name === nodeName);
  const leaseText = leases[nodeName];
  if (!node || leaseText === undefined) throw new Error(`node "${nodeName}" has no input or no lease`);
  if (config.unmodelled) throw new Error(config.unmodelled);
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

  const { others, shared, sharedLeases } = peersOf(nodeName, leaseCidr, nodes, leases);
  for (const { node: peer, reason } of shared) {
    peers.push({
      node: peer,
      lease: normalised(leases[peer]!),
      reachable: false,
      path: 'shared-lease',
      reason,
    });
  }
  const backend = config.backend;
  switch (backend.type) {
    case 'vxlan': {
      const dev = `flannel.${backend.vni}`;
      const extAddr = node.localIP ?? node.publicIP;
      links.push({
        name: dev,
        kind: 'vxlan',
        mtu: vxlanDeviceMtu(backend, node.extInterface.mtu),
        mac: node.vtepMac,
        vxlan: {
          id: backend.vni,
          port: backend.effectivePort,
          // Until v0.27.4 the VTEP bound the interface's own address, whatever --public-ip said.
          local: behaviour.vtepLocalIsExtAddr ? extAddr : (node.interfaceIP ?? extAddr),
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
  // flannel's CNI plugin reads FLANNEL_MTU with strconv.ParseUint: below 0 no pod starts; 0 leaves the bridge's default.
  const cni0Mtu = mtu > 0 ? mtu : undefined;
  links.push({ name: 'cni0', kind: 'bridge', mtu: cni0Mtu, mac: undefined, required: false });
  addresses.push({ dev: 'cni0', local: cni0Address, prefixLength: lease.prefixLength, required: false });

  const engine = config.enableNFTables ? 'nftables' : 'iptables';
  // pkg/trafficmngr: no NAT or forward rules for an empty Network (only reachable v0.25.0–v0.27.x in kube mode).
  const natRules = !(behaviour.emptyNetworkSkipsNat && mustCidr(network).prefixLength === 0);
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
      engine,
      rules: agent.ipMasq && natRules ? masqueradeRules(network, leaseCidr, engine, behaviour) : [],
    },
    forward: agent.forwardRules && natRules ? forwardRules(network) : [],
    cni0: { address: cni0Address, prefixLength: lease.prefixLength, mtu: cni0Mtu },
    network,
    peers: peers.sort(
      (a, b) => nodes.findIndex((n) => n.name === a.node) - nodes.findIndex((n) => n.name === b.node),
    ),
    sharedLeases,
  };
}

/**
 * The peers as flannel's lease watch hands them over: a peer holding this node's own lease is dropped,
 * and a lease several peers hold is one entry whose owner depends on event order (both left to `shared`).
 */
function peersOf(
  self: string,
  ownLease: string,
  nodes: readonly FlannelNodeInput[],
  leases: Readonly<Record<string, string>>,
): {
  others: FlannelNodeInput[];
  shared: { node: string; reason: string }[];
  sharedLeases: SharedLease[];
} {
  const byLease = new Map<string, FlannelNodeInput[]>();
  for (const n of nodes) {
    const text = leases[n.name];
    if (n.name === self || text === undefined) continue;
    const key = normalised(text);
    byLease.set(key, [...(byLease.get(key) ?? []), n]);
  }
  const others: FlannelNodeInput[] = [];
  const shared: { node: string; reason: string }[] = [];
  const sharedLeases: SharedLease[] = [];
  for (const [lease, holders] of byLease) {
    if (lease === ownLease) {
      for (const h of holders) shared.push({ node: h.name, reason: OWN_LEASE });
    } else if (holders.length > 1) {
      for (const h of holders) shared.push({ node: h.name, reason: SHARED_LEASE });
      sharedLeases.push({
        lease,
        nodes: holders.map((h) => h.name),
        publicIPs: holders.map((h) => h.publicIP),
        reason: SHARED_LEASE,
      });
    } else others.push(...holders);
  }
  const order = new Map(nodes.map((n, i) => [n.name, i]));
  others.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  return { others, shared, sharedLeases };
}

function normalised(cidr: string): string {
  return formatCidr(mustCidr(cidr));
}
