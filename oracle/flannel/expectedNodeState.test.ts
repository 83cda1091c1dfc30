// Expected node state per backend, docs/research/flannel.md §5 and §10. Sources:
// pkg/backend/vxlan/{vxlan.go,vxlan_network.go,device.go}, pkg/backend/hostgw/hostgw.go +
// pkg/backend/route_network.go, pkg/backend/udp/udp_network_amd64.go, pkg/subnet/subnet.go (WriteSubnetFile),
// pkg/subnet/kube/annotations.go, pkg/trafficmngr/{iptables,nftables} (golden rules in e2e/rules.go),
// flannel-io/cni-plugin (cni0 gateway).
import { describe, expect, test } from 'vitest';
import type { EffectiveNetConf, FlannelNodeInput } from '../../spec/flannelExpectation.ts';
import { expectedNodeState } from './expectedNodeState.ts';
import { parseNetConf } from './parseNetConf.ts';

function conf(backend: object | undefined, extra: object = {}): EffectiveNetConf {
  const r = parseNetConf(
    JSON.stringify({ Network: '10.244.0.0/16', ...(backend ? { Backend: backend } : {}), ...extra }),
  );
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

const NODES: FlannelNodeInput[] = [
  {
    name: 'a',
    publicIP: '192.168.1.2',
    extInterface: { name: 'eth0', mtu: 1500 },
    segment: 0,
    vtepMac: '0e:00:00:00:00:0a',
  },
  {
    name: 'b',
    publicIP: '192.168.1.3',
    extInterface: { name: 'eth0', mtu: 1500 },
    segment: 0,
    vtepMac: '0e:00:00:00:00:0b',
  },
  {
    name: 'c',
    publicIP: '192.168.2.2',
    extInterface: { name: 'ens5', mtu: 9001 },
    segment: 1,
    vtepMac: '0e:00:00:00:00:0c',
  },
];
const LEASES = { a: '10.244.0.0/24', b: '10.244.1.0/24', c: '10.244.2.0/24' };
const P = 'flannel.alpha.coreos.com/';

describe('vxlan (vxlan_network.go)', () => {
  const vxlan = conf({ Type: 'vxlan' });
  const a = expectedNodeState(vxlan, 'a', NODES, LEASES);

  test('device flannel.1: lease .0/32, MTU ext−50, port 8472, nolearning, local = node IP, lower dev = ext', () => {
    expect(a.links.find((l) => l.name === 'flannel.1')).toEqual({
      name: 'flannel.1',
      kind: 'vxlan',
      mtu: 1450,
      mac: '0e:00:00:00:00:0a',
      vxlan: { id: 1, port: 8472, local: '192.168.1.2', learning: false, dev: 'eth0' },
      required: true,
    });
    expect(a.addresses).toContainEqual({
      dev: 'flannel.1',
      local: '10.244.0.0',
      prefixLength: 32,
      required: true,
    });
  });

  test('per peer: onlink route via the peer lease .0, PERMANENT neighbour and FDB entry with the peer VtepMAC', () => {
    expect(a.routes).toEqual([
      { dst: '10.244.1.0/24', gateway: '10.244.1.0', dev: 'flannel.1', onlink: true, peer: 'b' },
      { dst: '10.244.2.0/24', gateway: '10.244.2.0', dev: 'flannel.1', onlink: true, peer: 'c' },
    ]);
    expect(a.neighbours).toEqual([
      { dst: '10.244.1.0', dev: 'flannel.1', lladdr: '0e:00:00:00:00:0b', peer: 'b' },
      { dst: '10.244.2.0', dev: 'flannel.1', lladdr: '0e:00:00:00:00:0c', peer: 'c' },
    ]);
    expect(a.fdb).toEqual([
      { mac: '0e:00:00:00:00:0b', dev: 'flannel.1', dst: '192.168.1.3', peer: 'b' },
      { mac: '0e:00:00:00:00:0c', dev: 'flannel.1', dst: '192.168.2.2', peer: 'c' },
    ]);
    expect(a.peers.every((p) => p.reachable && p.path === 'vxlan')).toBe(true);
  });

  test('an unannounced VtepMAC is not guessed: the MAC is undefined (random per node, §10)', () => {
    const nodes = NODES.map(({ vtepMac: _mac, ...n }) => n);
    const s = expectedNodeState(vxlan, 'a', nodes, LEASES);
    expect(s.neighbours.map((n) => n.lladdr)).toEqual([undefined, undefined]);
    expect(s.fdb.map((f) => f.mac)).toEqual([undefined, undefined]);
    expect(s.links[0]!.mac).toBeUndefined();
    expect(s.annotations[`${P}backend-data`]).toBeUndefined();
  });

  test('subnet.env: Network, lease .1/len, MTU ext−50, IPMASQ (WriteSubnetFile)', () => {
    expect(a.subnetEnv).toEqual({
      FLANNEL_NETWORK: '10.244.0.0/16',
      FLANNEL_SUBNET: '10.244.0.1/24',
      FLANNEL_MTU: '1450',
      FLANNEL_IPMASQ: 'true',
    });
  });

  test("MTU follows each node's interface (issue #841: 9001 NIC → 8951), or Backend.MTU − 50 when set", () => {
    expect(expectedNodeState(vxlan, 'c', NODES, LEASES).subnetEnv.FLANNEL_MTU).toBe('8951');
    const fixed = expectedNodeState(conf({ Type: 'vxlan', MTU: 1400 }), 'c', NODES, LEASES);
    expect(fixed.links[0]!.mtu).toBe(1350);
    expect(fixed.cni0.mtu).toBe(1350);
  });

  test('VNI and Port name the device and set dstport', () => {
    const s = expectedNodeState(conf({ Type: 'vxlan', VNI: 4, Port: 4789 }), 'a', NODES, LEASES);
    expect(s.links[0]).toMatchObject({ name: 'flannel.4', vxlan: { id: 4, port: 4789 } });
    expect(s.routes[0]!.dev).toBe('flannel.4');
  });

  test('annotations (kube manager): kube-subnet-manager, backend-type, backend-data {VNI, VtepMAC}, public-ip', () => {
    expect(a.annotations).toEqual({
      [`${P}kube-subnet-manager`]: 'true',
      [`${P}backend-type`]: 'vxlan',
      [`${P}backend-data`]: '{"VNI":1,"VtepMAC":"0e:00:00:00:00:0a"}',
      [`${P}public-ip`]: '192.168.1.2',
    });
  });

  test('cni0 is the lease gateway .1/len with FLANNEL_MTU, created lazily (not required)', () => {
    expect(a.cni0).toEqual({ address: '10.244.0.1', prefixLength: 24, mtu: 1450 });
    expect(a.links.find((l) => l.name === 'cni0')?.required).toBe(false);
  });
});

describe('vxlan with DirectRouting (ip.DirectRouting in vxlan_network.go)', () => {
  const direct = conf({ Type: 'vxlan', DirectRouting: true });
  const a = expectedNodeState(direct, 'a', NODES, LEASES);

  test('a peer on the same L2 segment gets only `lease via public IP`, no neighbour or FDB entry', () => {
    expect(a.routes).toContainEqual({
      dst: '10.244.1.0/24',
      gateway: '192.168.1.3',
      dev: 'eth0',
      onlink: false,
      peer: 'b',
    });
    expect(a.neighbours.map((n) => n.peer)).toEqual(['c']);
    expect(a.fdb.map((f) => f.peer)).toEqual(['c']);
    expect(a.peers.find((p) => p.node === 'b')?.path).toBe('vxlan-direct');
  });

  test('a peer behind a router still goes through flannel.1', () => {
    expect(a.routes).toContainEqual({
      dst: '10.244.2.0/24',
      gateway: '10.244.2.0',
      dev: 'flannel.1',
      onlink: true,
      peer: 'c',
    });
  });
});

describe('host-gw (hostgw.go, route_network.go)', () => {
  const hostgw = conf({ Type: 'host-gw' });
  const a = expectedNodeState(hostgw, 'a', NODES, LEASES);

  test('an L2 neighbour: `lease via public IP dev ext`, no device, FLANNEL_MTU = ext MTU', () => {
    expect(a.routes).toEqual([
      { dst: '10.244.1.0/24', gateway: '192.168.1.3', dev: 'eth0', onlink: false, peer: 'b' },
    ]);
    expect(a.links.map((l) => l.name)).toEqual(['cni0']);
    expect(a.subnetEnv.FLANNEL_MTU).toBe('1500');
    expect(a.neighbours).toEqual([]);
    expect(a.fdb).toEqual([]);
  });

  test('a peer on another segment: no route (kernel rejects the gateway) and predicted unreachable', () => {
    expect(a.absentRoutes.map((r) => r.dst)).toEqual(['10.244.2.0/24']);
    expect(a.peers.find((p) => p.node === 'c')).toMatchObject({ reachable: false, path: 'none' });
    expect(a.annotations[`${P}backend-data`]).toBe('null');
  });
});

describe('udp (udp_network_amd64.go)', () => {
  const udp = conf(undefined);
  const a = expectedNodeState(udp, 'a', NODES, LEASES);

  test('flannel0 (tun) with lease .0/32, MTU ext−28, one route for the whole Network, nothing per peer', () => {
    expect(a.backend).toBe('udp');
    expect(a.links[0]).toEqual({ name: 'flannel0', kind: 'tun', mtu: 1472, mac: undefined, required: true });
    expect(a.addresses).toContainEqual({
      dev: 'flannel0',
      local: '10.244.0.0',
      prefixLength: 32,
      required: true,
    });
    expect(a.routes).toEqual([{ dst: '10.244.0.0/16', gateway: undefined, dev: 'flannel0', onlink: false }]);
    expect(a.neighbours).toEqual([]);
    expect(a.fdb).toEqual([]);
    expect(a.subnetEnv.FLANNEL_MTU).toBe('1472');
    expect(a.peers.every((p) => p.reachable && p.path === 'udp')).toBe(true);
  });

  test('backend-type annotation is empty for udp (its LeaseAttrs carry no BackendType)', () => {
    expect(a.annotations[`${P}backend-type`]).toBe('');
  });
});

describe('NAT and forward rules (pkg/trafficmngr, e2e/rules.go)', () => {
  test('iptables: the six FLANNEL-POSTRTG rules in order with the node lease', () => {
    const s = expectedNodeState(conf({ Type: 'vxlan' }), 'b', NODES, LEASES);
    expect(s.masquerade.engine).toBe('iptables');
    expect(s.masquerade.rules).toEqual([
      { action: 'RETURN', mark: '0x4000/0x4000' },
      {
        action: 'RETURN',
        source: { cidr: '10.244.1.0/24', negated: false },
        destination: { cidr: '10.244.0.0/16', negated: false },
      },
      {
        action: 'RETURN',
        source: { cidr: '10.244.0.0/16', negated: false },
        destination: { cidr: '10.244.1.0/24', negated: false },
      },
      {
        action: 'RETURN',
        source: { cidr: '10.244.0.0/16', negated: true },
        destination: { cidr: '10.244.1.0/24', negated: false },
      },
      {
        action: 'MASQUERADE',
        source: { cidr: '10.244.0.0/16', negated: false },
        destination: { cidr: '224.0.0.0/4', negated: true },
      },
      {
        action: 'MASQUERADE',
        source: { cidr: '10.244.0.0/16', negated: true },
        destination: { cidr: '10.244.0.0/16', negated: false },
      },
    ]);
    expect(s.forward).toEqual([
      { action: 'ACCEPT', source: '10.244.0.0/16' },
      { action: 'ACCEPT', destination: '10.244.0.0/16' },
    ]);
  });

  test('nftables: exact mark and the 4th rule is `saddr != podCIDR daddr Network return`', () => {
    const s = expectedNodeState(conf({ Type: 'vxlan' }, { EnableNFTables: true }), 'b', NODES, LEASES);
    expect(s.masquerade.engine).toBe('nftables');
    expect(s.masquerade.rules[0]).toEqual({ action: 'RETURN', mark: '0x00004000' });
    expect(s.masquerade.rules[3]).toEqual({
      action: 'RETURN',
      source: { cidr: '10.244.1.0/24', negated: true },
      destination: { cidr: '10.244.0.0/16', negated: false },
    });
  });

  test('without --ip-masq: no masquerade rules and FLANNEL_IPMASQ=false', () => {
    const s = expectedNodeState(conf({ Type: 'vxlan' }), 'a', NODES, LEASES, { ipMasq: false });
    expect(s.masquerade.rules).toEqual([]);
    expect(s.subnetEnv.FLANNEL_IPMASQ).toBe('false');
  });
});

describe('leases and subnet managers', () => {
  test('a node without a lease is nobody\'s peer ("pod cidr not assigned")', () => {
    const a = expectedNodeState(conf({ Type: 'vxlan' }), 'a', NODES, { a: LEASES.a, b: LEASES.b });
    expect(a.peers.map((p) => p.node)).toEqual(['b']);
  });

  test('the etcd manager writes no node annotations', () => {
    const r = parseNetConf(JSON.stringify({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } }), {
      subnetManager: 'etcd',
    });
    if (!r.ok) throw new Error(r.error);
    expect(expectedNodeState(r.config, 'a', NODES, { a: '10.244.1.0/24' }).annotations).toEqual({});
  });
});

function confAt(version: string, backend: object | undefined, extra: object = {}): EffectiveNetConf {
  const r = parseNetConf(
    JSON.stringify({ Network: '10.244.0.0/16', ...(backend ? { Backend: backend } : {}), ...extra }),
    { flannelVersion: version },
  );
  if (!r.ok) throw new Error(r.error);
  return r.config;
}

describe('1. an empty Network where flannel runs on it (v0.20.x, v0.25.0–v0.27.x; pkg/subnet/kube/kube.go)', () => {
  test('v0.25.0–v0.27.x: FLANNEL_NETWORK=0.0.0.0/0 and no NAT or forward rules (pkg/trafficmngr `!Network.Empty()`)', () => {
    const c = confAt('v0.27.4', { Type: 'vxlan' }, { Network: '0.0.0.0/0' });
    const s = expectedNodeState(c, 'a', NODES, LEASES);
    expect(s.subnetEnv.FLANNEL_NETWORK).toBe('0.0.0.0/0');
    expect(s.masquerade.rules).toEqual([]);
    expect(s.forward).toEqual([]);
    expect(s.routes.map((r) => r.dst)).toEqual(['10.244.1.0/24', '10.244.2.0/24']);
  });

  test('v0.20.x: the rules name 0.0.0.0/0 (main.go guards on EnableIPv4 only)', () => {
    const s = expectedNodeState(
      confAt('v0.20.2', { Type: 'vxlan' }, { Network: '0.0.0.0/0' }),
      'a',
      NODES,
      LEASES,
    );
    expect(s.forward).toEqual([
      { action: 'ACCEPT', source: '0.0.0.0/0' },
      { action: 'ACCEPT', destination: '0.0.0.0/0' },
    ]);
    expect(s.masquerade.rules.length).toBeGreaterThan(0);
  });
});

describe('2. Backend.MTU above the NIC MTU (drivers/net/vxlan vxlan_config_apply; vxlan.go MTU())', () => {
  test('flannel.1 is capped at NIC − 50 while FLANNEL_MTU and cni0 keep MTU − 50', () => {
    const s = expectedNodeState(conf({ Type: 'vxlan', MTU: 9000 }), 'a', NODES, LEASES);
    expect(s.links.find((l) => l.name === 'flannel.1')?.mtu).toBe(1450);
    expect(s.subnetEnv.FLANNEL_MTU).toBe('8950');
    expect(s.cni0.mtu).toBe(8950);
    // On the 9001 NIC of node c the same config fits: no cap.
    const c = expectedNodeState(conf({ Type: 'vxlan', MTU: 9000 }), 'c', NODES, LEASES);
    expect(c.links.find((l) => l.name === 'flannel.1')?.mtu).toBe(8950);
  });
});

describe('3. Backend.MTU 0 or negative (netlink sends no IFLA_MTU ≤ 0; cni-plugin flannel.go ParseUint)', () => {
  test.each([
    [0, '-50'],
    [-1, '-51'],
  ])(
    'MTU %i: FLANNEL_MTU %s, flannel.1 at the kernel default NIC − 50, cni0 MTU not predicted',
    (mtu, env) => {
      const s = expectedNodeState(conf({ Type: 'vxlan', MTU: mtu }), 'a', NODES, LEASES);
      expect(s.subnetEnv.FLANNEL_MTU).toBe(env);
      expect(s.links.find((l) => l.name === 'flannel.1')?.mtu).toBe(1450);
      expect(s.cni0.mtu).toBeUndefined();
    },
  );
});

describe('4. IPv6 only (main.go, pkg/backend/vxlan/vxlan.go createVXLANDevice: flannel.N only with EnableIPv4)', () => {
  test('with Network also set, the oracle refuses to predict an IPv4 node instead of inventing flannel.1', () => {
    const c = confAt(
      'v0.28.9',
      { Type: 'vxlan' },
      { EnableIPv4: false, EnableIPv6: true, IPv6Network: 'fc00::/48' },
    );
    expect(() => expectedNodeState(c, 'a', NODES, LEASES)).toThrow(/EnableIPv4 is false/);
  });
});

describe('5. duplicate leases (pkg/lease/lease.go LeaseWatcher, sameSubnet)', () => {
  const vxlan = conf({ Type: 'vxlan' });

  test("a peer on this node's own lease gets no route, neighbour or FDB entry, and no defined path", () => {
    const leases = { a: '10.244.0.0/24', b: '10.244.0.0/24', c: '10.244.2.0/24' };
    const s = expectedNodeState(vxlan, 'a', NODES, leases);
    expect(s.routes.map((r) => r.peer)).toEqual(['c']);
    expect(s.neighbours.map((n) => n.peer)).toEqual(['c']);
    expect(s.fdb.map((f) => f.peer)).toEqual(['c']);
    expect(s.peers.find((p) => p.node === 'b')).toMatchObject({
      reachable: false,
      path: 'shared-lease',
      reason: expect.stringMatching(/own lease.*sameSubnet/),
    });
    expect(s.sharedLeases).toEqual([]);
  });

  test('two peers on one lease: entries for it are left unjudged (the last event wins), the rest predicted', () => {
    const leases = { a: '10.244.0.0/24', b: '10.244.1.0/24', c: '10.244.1.0/24' };
    const s = expectedNodeState(vxlan, 'a', NODES, leases);
    expect(s.routes).toEqual([]);
    expect(s.sharedLeases).toEqual([
      {
        lease: '10.244.1.0/24',
        nodes: ['b', 'c'],
        publicIPs: ['192.168.1.3', '192.168.2.2'],
        reason: expect.stringMatching(/LeaseWatcher.add/),
      },
    ]);
    expect(s.peers.map((p) => [p.node, p.path])).toEqual([
      ['b', 'shared-lease'],
      ['c', 'shared-lease'],
    ]);
  });

  test('leases that overlap without being equal are not the same subnet: both are programmed', () => {
    const leases = { a: '10.244.0.0/24', b: '10.244.0.0/23', c: '10.244.2.0/24' };
    const s = expectedNodeState(vxlan, 'a', NODES, leases);
    expect(s.routes.map((r) => r.dst)).toEqual(['10.244.0.0/23', '10.244.2.0/24']);
  });
});

describe('releases (flannelVersion.ts)', () => {
  test('masquerade set: v0.20.0 without the kube-proxy mark, v0.20.2 with it, v0.21.0 the podCIDR set (MasqRules)', () => {
    const rules = (v: string) =>
      expectedNodeState(confAt(v, { Type: 'vxlan' }), 'b', NODES, LEASES).masquerade.rules;
    const n = '10.244.0.0/16';
    const p = '10.244.1.0/24';
    const old = [
      { action: 'RETURN', source: { cidr: n, negated: false }, destination: { cidr: n, negated: false } },
      {
        action: 'MASQUERADE',
        source: { cidr: n, negated: false },
        destination: { cidr: '224.0.0.0/4', negated: true },
      },
      { action: 'RETURN', source: { cidr: n, negated: true }, destination: { cidr: p, negated: false } },
      { action: 'MASQUERADE', source: { cidr: n, negated: true }, destination: { cidr: n, negated: false } },
    ];
    expect(rules('v0.20.1')).toEqual(old);
    expect(rules('v0.20.2')).toEqual([{ action: 'RETURN', mark: '0x4000/0x4000' }, ...old]);
    expect(rules('v0.21.0')).toEqual(rules('v0.28.9'));
    expect(rules('v0.21.0')[1]).toEqual({
      action: 'RETURN',
      source: { cidr: p, negated: false },
      destination: { cidr: n, negated: false },
    });
  });

  test('vxlan Backend.MTU: ignored before v0.21.3 (the kernel derives NIC − 50), honoured from it', () => {
    const at = (v: string) => expectedNodeState(confAt(v, { Type: 'vxlan', MTU: 1400 }), 'a', NODES, LEASES);
    expect(at('v0.21.2').subnetEnv.FLANNEL_MTU).toBe('1450');
    expect(at('v0.21.2').links[0]?.mtu).toBe(1450);
    expect(at('v0.21.3').subnetEnv.FLANNEL_MTU).toBe('1350');
    expect(at('v0.21.3').links[0]?.mtu).toBe(1350);
  });

  test('nftables from v0.25.0; before, EnableNFTables is an unknown key and iptables runs', () => {
    const engine = (v: string) =>
      expectedNodeState(confAt(v, { Type: 'vxlan' }, { EnableNFTables: true }), 'a', NODES, LEASES).masquerade
        .engine;
    expect(engine('v0.24.4')).toBe('iptables');
    expect(engine('v0.25.0')).toBe('nftables');
  });

  test('the VTEP binds the external address from v0.27.4, the interface address before (createVXLANDevice)', () => {
    const nodes = NODES.map((n) =>
      n.name === 'a' ? { ...n, localIP: '203.0.113.7', interfaceIP: '192.168.1.2' } : n,
    );
    const local = (v: string) =>
      expectedNodeState(confAt(v, { Type: 'vxlan' }), 'a', nodes, LEASES).links[0]?.vxlan?.local;
    expect(local('v0.27.3')).toBe('192.168.1.2');
    expect(local('v0.27.4')).toBe('203.0.113.7');
  });
});

describe('8. annotation prefix (pkg/subnet/kube/annotations.go newAnnotations)', () => {
  test('a prefix ending in "-" gets no second "-"; one without "/" gets "/"; "x/y" gets "-"', () => {
    const keys = (prefix: string) =>
      Object.keys(
        expectedNodeState(conf({ Type: 'vxlan' }), 'a', NODES, LEASES, { annotationPrefix: prefix })
          .annotations,
      );
    expect(keys('example.com/flannel-')).toContain('example.com/flannel-public-ip');
    expect(keys('example.com/flannel')).toContain('example.com/flannel-public-ip');
    expect(keys('example.com')).toContain('example.com/public-ip');
  });
});

// Dual-stack: pkg/backend/vxlan/vxlan.go RegisterNetwork (flannel-v6.<VNI>, ConfigureIPv6 /128),
// vxlan_network.go handleSubnetEvents (v6VxlanRoute onlink, AddV6ARP, AddV6FDB, v6DirectRoute),
// pkg/backend/route_network.go (host-gw IPv6 routes), pkg/subnet/subnet.go WriteSubnetFile (IPv6 lines),
// pkg/subnet/kube/annotations.go (backend-v6-data, public-ipv6), pkg/trafficmngr/iptables MasqIP6Rules.
describe('dual-stack (EnableIPv6)', () => {
  const DUAL: FlannelNodeInput[] = NODES.map((n, i) => ({
    ...n,
    publicIPv6: `fd00:192:168:${100 + n.segment}::${10 + i}`,
    vtepMacV6: `0e:00:00:00:06:0${i}`,
  }));
  const LEASES6 = { a: 'fd00:10:244::/64', b: 'fd00:10:244:1::/64', c: 'fd00:10:244:2::/64' };
  const dual = (backend: object) => conf(backend, { EnableIPv6: true, IPv6Network: 'fd00:10:244::/56' });

  test('vxlan.go: flannel-v6.<VNI> bound to public-ipv6, lease6 ::/128, MTU capped at ext−70 by the kernel', () => {
    const a = expectedNodeState(dual({ Type: 'vxlan', VNI: 42 }), 'a', DUAL, LEASES, {}, LEASES6);
    expect(a.links.find((l) => l.name === 'flannel-v6.42')).toEqual({
      name: 'flannel-v6.42',
      kind: 'vxlan',
      mtu: 1430,
      mac: '0e:00:00:00:06:00',
      vxlan: { id: 42, port: 8472, local: 'fd00:192:168:100::10', learning: false, dev: 'eth0' },
      required: true,
    });
    expect(a.addresses).toContainEqual({
      dev: 'flannel-v6.42',
      local: 'fd00:10:244::',
      prefixLength: 128,
      required: true,
    });
    // ext 9001 on c: the requested 8951 (9001−50) is capped at 9001−70 too.
    const c = expectedNodeState(dual({ Type: 'vxlan' }), 'c', DUAL, LEASES, {}, LEASES6);
    expect(c.links.find((l) => l.name === 'flannel-v6.1')?.mtu).toBe(8931);
  });

  test('vxlan_network.go: per peer v6VxlanRoute onlink via lease6 ::, AddV6ARP PERMANENT, AddV6FDB to public-ipv6', () => {
    const a = expectedNodeState(dual({ Type: 'vxlan' }), 'a', DUAL, LEASES, {}, LEASES6);
    const v6 = (dst: string) => dst.includes(':');
    expect(a.routes.filter((r) => v6(r.dst))).toEqual([
      { dst: 'fd00:10:244:1::/64', gateway: 'fd00:10:244:1::', dev: 'flannel-v6.1', onlink: true, peer: 'b' },
      { dst: 'fd00:10:244:2::/64', gateway: 'fd00:10:244:2::', dev: 'flannel-v6.1', onlink: true, peer: 'c' },
    ]);
    expect(a.neighbours.filter((n) => v6(n.dst))).toEqual([
      { dst: 'fd00:10:244:1::', dev: 'flannel-v6.1', lladdr: '0e:00:00:00:06:01', peer: 'b' },
      { dst: 'fd00:10:244:2::', dev: 'flannel-v6.1', lladdr: '0e:00:00:00:06:02', peer: 'c' },
    ]);
    expect(a.fdb.filter((f) => v6(f.dst))).toEqual([
      { mac: '0e:00:00:00:06:01', dev: 'flannel-v6.1', dst: 'fd00:192:168:100::11', peer: 'b' },
      { mac: '0e:00:00:00:06:02', dev: 'flannel-v6.1', dst: 'fd00:192:168:101::12', peer: 'c' },
    ]);
    expect(a.ipv6?.peers.map((p) => `${p.node} ${p.lease} ${p.path}`)).toEqual([
      'b fd00:10:244:1::/64 vxlan',
      'c fd00:10:244:2::/64 vxlan',
    ]);
    // The IPv4 side is unchanged.
    expect(a.routes.filter((r) => !v6(r.dst))).toHaveLength(2);
  });

  test('vxlan_network.go v6DirectRoute: DirectRouting to an on-link peer is `lease6 via public-ipv6`, no neighbour or FDB', () => {
    const a = expectedNodeState(dual({ Type: 'vxlan', DirectRouting: true }), 'a', DUAL, LEASES, {}, LEASES6);
    expect(a.routes).toContainEqual({
      dst: 'fd00:10:244:1::/64',
      gateway: 'fd00:192:168:100::11',
      dev: 'eth0',
      onlink: false,
      peer: 'b',
    });
    expect(a.neighbours.some((n) => n.dst === 'fd00:10:244:1::')).toBe(false);
    expect(a.fdb.map((f) => f.dst)).toEqual(['192.168.2.2', 'fd00:192:168:101::12']);
  });

  test('route_network.go (host-gw): lease6 via the adjacent peer public-ipv6; none to a peer on another segment', () => {
    const a = expectedNodeState(dual({ Type: 'host-gw' }), 'a', DUAL, LEASES, {}, LEASES6);
    expect(a.routes.filter((r) => r.dst.includes(':'))).toEqual([
      { dst: 'fd00:10:244:1::/64', gateway: 'fd00:192:168:100::11', dev: 'eth0', onlink: false, peer: 'b' },
    ]);
    expect(a.absentRoutes.map((r) => r.dst)).toContain('fd00:10:244:2::/64');
    expect(a.ipv6?.peers.find((p) => p.node === 'c')).toMatchObject({ reachable: false, path: 'none' });
    expect(a.links.some((l) => l.name.startsWith('flannel-v6'))).toBe(false);
    expect(a.annotations[`${P}backend-v6-data`]).toBe('null');
  });

  test('WriteSubnetFile IPv6 lines, annotations backend-v6-data / public-ipv6, MasqIP6Rules, cni0 v6 gateway', () => {
    const a = expectedNodeState(dual({ Type: 'vxlan' }), 'a', DUAL, LEASES, {}, LEASES6);
    expect(a.subnetEnv).toEqual({
      FLANNEL_NETWORK: '10.244.0.0/16',
      FLANNEL_SUBNET: '10.244.0.1/24',
      FLANNEL_IPV6_NETWORK: 'fd00:10:244::/56',
      FLANNEL_IPV6_SUBNET: 'fd00:10:244::1/64',
      FLANNEL_MTU: '1450',
      FLANNEL_IPMASQ: 'true',
    });
    expect(a.annotations[`${P}backend-v6-data`]).toBe('{"VNI":1,"VtepMAC":"0e:00:00:00:06:00"}');
    expect(a.annotations[`${P}public-ipv6`]).toBe('fd00:192:168:100::10');
    expect(a.addresses).toContainEqual({
      dev: 'cni0',
      local: 'fd00:10:244::1',
      prefixLength: 64,
      required: false,
    });
    expect(a.ipv6?.masquerade.rules).toContainEqual({
      action: 'MASQUERADE',
      source: { cidr: 'fd00:10:244::/56', negated: false },
      destination: { cidr: 'ff00::/8', negated: true },
    });
    expect(a.ipv6?.masquerade.rules).toContainEqual({
      action: 'RETURN',
      source: { cidr: 'fd00:10:244::/64', negated: false },
      destination: { cidr: 'fd00:10:244::/56', negated: false },
    });
    expect(a.ipv6?.forward).toEqual([
      { action: 'ACCEPT', source: 'fd00:10:244::/56' },
      { action: 'ACCEPT', destination: 'fd00:10:244::/56' },
    ]);
  });

  test('no IPv6 side without EnableIPv6, without an IPv6 lease, or for udp (kube.go forces IPv4)', () => {
    expect(expectedNodeState(conf({ Type: 'vxlan' }), 'a', DUAL, LEASES, {}, LEASES6).ipv6).toBeUndefined();
    expect(expectedNodeState(dual({ Type: 'vxlan' }), 'a', DUAL, LEASES).ipv6).toBeUndefined();
    const udp = expectedNodeState(dual({ Type: 'udp' }), 'a', DUAL, LEASES, {}, LEASES6);
    expect(udp.ipv6).toBeUndefined();
    expect(Object.keys(udp.subnetEnv)).not.toContain('FLANNEL_IPV6_SUBNET');
  });

  test('a peer without public-ipv6 announces no IPv6 subnet: no IPv6 entries for it', () => {
    const [a, b, c] = DUAL as [FlannelNodeInput, FlannelNodeInput, FlannelNodeInput];
    const { publicIPv6: _, ...bNoV6 } = b;
    const e = expectedNodeState(dual({ Type: 'vxlan' }), 'a', [a, bNoV6, c], LEASES, {}, LEASES6);
    expect(e.ipv6?.peers.map((p) => p.node)).toEqual(['c']);
  });
});
