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
 * IPv6 (EnableIPv6 with an IPv6Network; vxlan and host-gw, the kube manager forces other backends to IPv4,
 * pkg/subnet/kube/kube.go): the same again with the lease's IPv6 fields (`ipv6Side` below).
 */
import type {
  EffectiveNetConf,
  ExpectedAddress,
  ExpectedFdb,
  ExpectedIPv6Side,
  ExpectedLink,
  ExpectedNeighbour,
  ExpectedNodeState,
  ExpectedPeer,
  ExpectedRoute,
  FlannelAgentOptions,
  FlannelNodeInput,
  SharedLease,
} from '../../spec/flannelExpectation.ts';
import { flannelMtu, UDP_OVERHEAD, vxlan6DeviceMtu, vxlanDeviceMtu } from './backendMtu.ts';
import { type FlannelBehaviour, flannelBehaviour } from './flannelVersion.ts';
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

/**
 * Expected state of one node. `ipv6Leases` (node → IPv6 lease) and the nodes' `publicIPv6` bring in the
 * IPv6 side of a dual-stack network; without them only IPv4 is predicted.
 */
export function expectedNodeState(
  config: EffectiveNetConf,
  nodeName: string,
  nodes: readonly FlannelNodeInput[],
  leases: Readonly<Record<string, string>>,
  options: Partial<FlannelAgentOptions> = {},
  ipv6Leases: Readonly<Record<string, string>> = {},
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

  const { others, sharedPeers, sharedLeases } = peersOf(nodeName, leaseCidr, nodes, leases);
  peers.push(...sharedPeers);
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
        hostGwPeer(node, peer, normalised(leases[peer.name]!), peer.publicIP, {
          routes,
          absentRoutes,
          peers,
        });
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

  const ipv6 = ipv6Side(config, node, nodes, ipv6Leases, { agent, behaviour, mtu: cni0Mtu });
  if (ipv6) {
    links.push(...ipv6.entries.links);
    addresses.push(...ipv6.entries.addresses);
    routes.push(...ipv6.entries.routes);
    absentRoutes.push(...ipv6.entries.absentRoutes);
    neighbours.push(...ipv6.entries.neighbours);
    fdb.push(...ipv6.entries.fdb);
    sharedLeases.push(...ipv6.entries.sharedLeases);
    Object.assign(subnetEnv, ipv6.entries.subnetEnv);
    if (config.subnetManager === 'kube') Object.assign(annotations, ipv6.entries.annotations);
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
    ...(ipv6 ? { ipv6: ipv6.side } : {}),
  };
}

/** One family's entries that go into the node's shared lists. */
interface FamilyEntries {
  readonly links: ExpectedLink[];
  readonly addresses: ExpectedAddress[];
  readonly routes: ExpectedRoute[];
  readonly absentRoutes: { dst: string; reason: string }[];
  readonly neighbours: ExpectedNeighbour[];
  readonly fdb: ExpectedFdb[];
  readonly sharedLeases: SharedLease[];
  readonly subnetEnv: Record<string, string>;
  readonly annotations: Record<string, string | undefined>;
}

/**
 * The IPv6 side of a node, or undefined when it has none to predict: EnableIPv6 off, no IPv6Network, a
 * backend the kube manager forces to IPv4 (pkg/subnet/kube/kube.go: only vxlan, host-gw and wireguard keep
 * EnableIPv6; wireguard is not modelled), or the node without an IPv6 lease or public-ipv6. Peers without
 * either announce no IPv6 subnet and get no IPv6 entries (vxlan_network.go: `v6Sn.IP != nil`).
 */
function ipv6Side(
  config: EffectiveNetConf,
  node: FlannelNodeInput,
  nodes: readonly FlannelNodeInput[],
  ipv6Leases: Readonly<Record<string, string>>,
  context: {
    readonly agent: FlannelAgentOptions;
    readonly behaviour: FlannelBehaviour;
    readonly mtu: number | undefined;
  },
): { side: ExpectedIPv6Side; entries: FamilyEntries } | undefined {
  const backend = config.backend;
  const leaseText = ipv6Leases[node.name];
  const network = config.ipv6Network;
  if (!config.enableIPv6 || network === undefined || leaseText === undefined || !node.publicIPv6) return;
  if (backend.type !== 'vxlan' && backend.type !== 'host-gw') return;
  const lease = mustCidr(leaseText);
  const leaseCidr = formatCidr(lease);
  const leaseIP = formatIP(lease.ip, 6);
  const entries: FamilyEntries = {
    links: [],
    addresses: [],
    routes: [],
    absentRoutes: [],
    neighbours: [],
    fdb: [],
    sharedLeases: [],
    subnetEnv: {},
    annotations: {},
  };
  const peers: ExpectedPeer[] = [];
  const v6Nodes = nodes.filter((n) => n.publicIPv6 !== undefined);
  const { others, sharedPeers, sharedLeases } = peersOf(node.name, leaseCidr, v6Nodes, ipv6Leases, 6);
  entries.sharedLeases.push(...sharedLeases);
  peers.push(...sharedPeers);
  const ext = node.extInterface.name;
  if (backend.type === 'vxlan') {
    // vxlan.go RegisterNetwork: `flannel-v6.<VNI>` bound to the external interface's IPv6 address, its
    // lease's network address as /128 (ConfigureIPv6), MAC announced in backend-v6-data.
    const dev = `flannel-v6.${backend.vni}`;
    entries.links.push({
      name: dev,
      kind: 'vxlan',
      mtu: vxlan6DeviceMtu(backend, node.extInterface.mtu),
      mac: node.vtepMacV6,
      vxlan: {
        id: backend.vni,
        port: backend.effectivePort,
        local: node.publicIPv6,
        learning: backend.learning,
        dev: ext,
      },
      required: true,
    });
    entries.addresses.push({ dev, local: leaseIP, prefixLength: 128, required: true });
    for (const peer of others) {
      const peerLease = mustCidr(ipv6Leases[peer.name]!);
      const peerLeaseCidr = formatCidr(peerLease);
      const peerLeaseIP = formatIP(peerLease.ip, 6);
      const peerPublic = peer.publicIPv6 as string;
      // vxlan_network.go handleSubnetEvents: v6DirectRoute `lease6 via PublicIPv6` when
      // ip.DirectRouting(PublicIPv6) finds the peer on-link, else AddV6ARP, AddV6FDB, v6VxlanRoute onlink.
      if (backend.directRouting && peer.segment === node.segment) {
        entries.routes.push({
          dst: peerLeaseCidr,
          gateway: peerPublic,
          dev: ext,
          onlink: false,
          peer: peer.name,
        });
        peers.push({ node: peer.name, lease: peerLeaseCidr, reachable: true, path: 'vxlan-direct' });
        continue;
      }
      entries.routes.push({ dst: peerLeaseCidr, gateway: peerLeaseIP, dev, onlink: true, peer: peer.name });
      entries.neighbours.push({ dst: peerLeaseIP, dev, lladdr: peer.vtepMacV6, peer: peer.name });
      entries.fdb.push({ mac: peer.vtepMacV6, dev, dst: peerPublic, peer: peer.name });
      peers.push({ node: peer.name, lease: peerLeaseCidr, reachable: true, path: 'vxlan' });
    }
  } else {
    // route_network.go (host-gw): `lease6 via PublicIPv6 dev ext`, refused by the kernel off-link.
    for (const peer of others) {
      const into = { routes: entries.routes, absentRoutes: entries.absentRoutes, peers };
      hostGwPeer(node, peer, normalised(ipv6Leases[peer.name]!), peer.publicIPv6 as string, into);
    }
  }

  // cni-plugin: ranges gain `[{"subnet": FLANNEL_IPV6_SUBNET}]`; the bridge's IPv6 gateway is network+1.
  const cni0Address = formatIP(lease.ip + 1n, 6);
  entries.addresses.push({
    dev: 'cni0',
    local: cni0Address,
    prefixLength: lease.prefixLength,
    required: false,
  });
  // pkg/subnet/subnet.go WriteSubnetFile: the IPv6 lines when EnableIPv6, the lease's IP+1 as for IPv4.
  entries.subnetEnv.FLANNEL_IPV6_NETWORK = network;
  entries.subnetEnv.FLANNEL_IPV6_SUBNET = `${cni0Address}/${lease.prefixLength}`;
  // pkg/subnet/kube/annotations.go: backend-v6-data (vxlan: flannel-v6.N's VNI and MAC; host-gw: null)
  // and public-ipv6 (ExtV6Addr), beside the IPv4 keys.
  const p = annotationKeyPrefix(context.agent.annotationPrefix);
  entries.annotations[`${p}backend-v6-data`] =
    backend.type === 'vxlan'
      ? node.vtepMacV6
        ? JSON.stringify({ VNI: backend.vni, VtepMAC: node.vtepMacV6 })
        : undefined
      : 'null';
  entries.annotations[`${p}public-ipv6`] = node.publicIPv6;

  const engine = config.enableNFTables ? 'nftables' : 'iptables';
  const natRules = !(context.behaviour.emptyNetworkSkipsNat && mustCidr(network).prefixLength === 0);
  return {
    side: {
      lease: leaseCidr,
      network,
      // pkg/trafficmngr/iptables MasqIP6Rules / nftables' ip6 flannel-ipv6 table: the IPv4 rules with
      // IPv6Network, the IPv6 lease and ff00::/8.
      masquerade: {
        engine,
        rules:
          context.agent.ipMasq && natRules
            ? masqueradeRules(network, leaseCidr, engine, context.behaviour, 6)
            : [],
      },
      forward: context.agent.forwardRules && natRules ? forwardRules(network) : [],
      cni0: { address: cni0Address, prefixLength: lease.prefixLength },
      peers: peers.sort(
        (a, b) => nodes.findIndex((n) => n.name === a.node) - nodes.findIndex((n) => n.name === b.node),
      ),
    },
    entries,
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
  family: 4 | 6 = 4,
): {
  others: FlannelNodeInput[];
  sharedPeers: ExpectedPeer[];
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
        publicIPs: holders.map((h) => (family === 4 ? h.publicIP : (h.publicIPv6 ?? ''))),
        reason: SHARED_LEASE,
      });
    } else others.push(...holders);
  }
  const order = new Map(nodes.map((n, i) => [n.name, i]));
  others.sort((a, b) => (order.get(a.name) ?? 0) - (order.get(b.name) ?? 0));
  const sharedPeers = shared.map(
    ({ node, reason }): ExpectedPeer => ({
      node,
      lease: normalised(leases[node]!),
      reachable: false,
      path: 'shared-lease',
      reason,
    }),
  );
  return { others, sharedPeers, sharedLeases };
}

/**
 * host-gw's entry for one peer (pkg/backend/route_network.go): `lease via gateway dev ext` when the peer is on
 * this node's L2 segment; otherwise the kernel refuses the gateway and there is no route (and no path).
 */
function hostGwPeer(
  node: FlannelNodeInput,
  peer: FlannelNodeInput,
  peerLease: string,
  gateway: string,
  into: {
    readonly routes: ExpectedRoute[];
    readonly absentRoutes: { dst: string; reason: string }[];
    readonly peers: ExpectedPeer[];
  },
): void {
  if (peer.segment === node.segment) {
    into.routes.push({
      dst: peerLease,
      gateway,
      dev: node.extInterface.name,
      onlink: false,
      peer: peer.name,
    });
    into.peers.push({ node: peer.name, lease: peerLease, reachable: true, path: 'host-gw' });
    return;
  }
  into.absentRoutes.push({ dst: peerLease, reason: HOST_GW_UNREACHABLE });
  into.peers.push({
    node: peer.name,
    lease: peerLease,
    reachable: false,
    path: 'none',
    reason: HOST_GW_UNREACHABLE,
  });
}

function normalised(cidr: string): string {
  return formatCidr(mustCidr(cidr));
}
