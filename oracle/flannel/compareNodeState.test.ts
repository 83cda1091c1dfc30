// compareNodeState: differences name node, object, key, expected and observed. The faults mirror the bug
// themes of docs/research/flannel.md §9 (missing FDB after restart, host-gw route across L3, MTU without the
// 50-byte overhead, duplicate leases, stale routes of deleted nodes #2554, VtepMAC rewritten by systemd
// #1155).
import { describe, expect, test } from 'vitest';
import type { EffectiveNetConf, ExpectedNodeState, FlannelNodeInput } from '../../spec/flannelExpectation.ts';
import type { NodeNetworkState } from '../../spec/nodeState.ts';
import { compareNodeState } from './compareNodeState.ts';
import { expectedNodeState } from './expectedNodeState.ts';
import { parseNetConf } from './parseNetConf.ts';

function conf(backend: object): EffectiveNetConf {
  const r = parseNetConf(JSON.stringify({ Network: '10.244.0.0/16', Backend: backend }));
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
    extInterface: { name: 'eth0', mtu: 1500 },
    segment: 1,
    vtepMac: '0e:00:00:00:00:0c',
  },
];
const LEASES = { a: '10.244.0.0/24', b: '10.244.1.0/24', c: '10.244.2.0/24' };

/** What a correct flannel leaves on the node, plus objects that are not flannel's (they must be ignored). */
function healthy(e: ExpectedNodeState): NodeNetworkState {
  return {
    node: e.node,
    links: [
      { name: 'lo', kind: 'device', mtu: 65536, up: true },
      { name: 'eth0', kind: 'veth', mtu: 1500, mac: '02:00:00:00:00:01', up: true },
      { name: 'veth1234', kind: 'veth', mtu: 1500, mac: '02:00:00:00:00:02', up: true },
      ...e.links.map((l) => ({
        name: l.name,
        kind: l.kind,
        mtu: l.mtu ?? 1500,
        ...(l.mac ? { mac: l.mac } : {}),
        up: true,
        ...(l.vxlan
          ? {
              vxlan: {
                id: l.vxlan.id,
                port: l.vxlan.port,
                local: l.vxlan.local!,
                learning: l.vxlan.learning,
                dev: l.vxlan.dev!,
              },
            }
          : {}),
      })),
    ],
    addresses: [
      { dev: 'eth0', family: 'inet', local: '192.168.1.2', prefixLength: 24 },
      ...e.addresses.map((a) => ({
        dev: a.dev,
        family: a.local.includes(':') ? ('inet6' as const) : ('inet' as const),
        local: a.local,
        prefixLength: a.prefixLength,
      })),
    ],
    routes: [
      { dst: 'default', gateway: '192.168.1.1', dev: 'eth0', onlink: false },
      { dst: '192.168.1.0/24', dev: 'eth0', onlink: false },
      { dst: e.lease, dev: 'cni0', onlink: false },
      ...(e.ipv6 ? [{ dst: e.ipv6.lease, dev: 'cni0', onlink: false }] : []),
      // The kernel's prefix route for an IPv6 /128 address (flannel-v6.N's own).
      ...e.addresses
        .filter((a) => a.local.includes(':') && a.dev.startsWith('flannel-v6'))
        .map((a) => ({ dst: `${a.local}/128`, dev: a.dev, onlink: false })),
      { dst: 'fe80::/64', dev: 'eth0', onlink: false },
      ...e.routes.map((r) => ({
        dst: r.dst,
        ...(r.gateway ? { gateway: r.gateway } : {}),
        ...(r.dev ? { dev: r.dev } : {}),
        onlink: r.onlink,
      })),
    ],
    neighbours: [
      { dst: '192.168.1.1', lladdr: '02:00:00:00:00:fe', dev: 'eth0', permanent: false },
      ...e.neighbours.map((n) => ({ dst: n.dst, lladdr: n.lladdr!, dev: n.dev, permanent: true })),
    ],
    fdb: [
      { mac: '33:33:00:00:00:01', dev: 'eth0', permanent: true },
      { mac: '02:00:00:00:00:02', dev: 'veth1234', permanent: true },
      ...e.fdb.map((f) => ({ mac: f.mac!, dev: f.dev, dst: f.dst, permanent: true })),
    ],
    subnetEnv: { ...e.subnetEnv },
    annotations: Object.fromEntries(Object.entries(e.annotations).map(([k, v]) => [k, v ?? ''])),
  };
}

const vxlanA = expectedNodeState(conf({ Type: 'vxlan' }), 'a', NODES, LEASES);
const keys = (d: ReturnType<typeof compareNodeState>) => d.map((x) => `${x.object} ${x.key}`);

describe('compareNodeState', () => {
  test.each(['vxlan', 'host-gw', 'udp'])(
    'a healthy %s node has no difference; foreign objects are ignored',
    (type) => {
      const e = expectedNodeState(conf({ Type: type }), 'a', NODES, LEASES);
      expect(compareNodeState(e, healthy(e))).toEqual([]);
    },
  );

  test('vxlan-fdb-missing: the FDB entry for a peer is gone (issue #2247 recreate path)', () => {
    const o = healthy(vxlanA);
    const d = compareNodeState(vxlanA, { ...o, fdb: o.fdb.filter((f) => f.dst !== '192.168.1.3') });
    expect(d).toEqual([
      {
        node: 'a',
        object: 'fdb',
        key: 'flannel.1 dst 192.168.1.3',
        expected: '0e:00:00:00:00:0b dst 192.168.1.3 permanent',
        observed: 'absent',
      },
    ]);
  });

  test('a neighbour with a MAC other than the peer announced (VtepMAC rewritten, issue #1155)', () => {
    const o = healthy(vxlanA);
    const neighbours = o.neighbours.map((n) =>
      n.dst === '10.244.1.0' ? { ...n, lladdr: '0e:99:99:99:99:99' } : n,
    );
    expect(compareNodeState(vxlanA, { ...o, neighbours })).toEqual([
      {
        node: 'a',
        object: 'neigh',
        key: '10.244.1.0 dev flannel.1',
        expected: '0e:00:00:00:00:0b PERMANENT',
        observed: '0e:99:99:99:99:99 PERMANENT',
      },
    ]);
  });

  test('mtu-no-overhead: flannel.1 at the NIC MTU instead of MTU−50 (issue #841)', () => {
    const o = healthy(vxlanA);
    const links = o.links.map((l) => (l.name === 'flannel.1' ? { ...l, mtu: 1500 } : l));
    expect(compareNodeState(vxlanA, { ...o, links })).toEqual([
      { node: 'a', object: 'mtu', key: 'flannel.1', expected: '1450', observed: '1500' },
    ]);
  });

  test('hostgw-route-missing: the route to an L2 neighbour is gone', () => {
    const e = expectedNodeState(conf({ Type: 'host-gw' }), 'a', NODES, LEASES);
    const o = healthy(e);
    const d = compareNodeState(e, { ...o, routes: o.routes.filter((r) => r.dst !== '10.244.1.0/24') });
    expect(d).toEqual([
      {
        node: 'a',
        object: 'route',
        key: '10.244.1.0/24',
        expected: 'via 192.168.1.3 dev eth0',
        observed: 'absent',
      },
    ]);
  });

  test('host-gw: a route to a non-adjacent peer is itself a difference (it cannot work)', () => {
    const e = expectedNodeState(conf({ Type: 'host-gw' }), 'a', NODES, LEASES);
    const o = healthy(e);
    const routes = [
      ...o.routes,
      { dst: '10.244.2.0/24', gateway: '192.168.1.1', dev: 'eth0', onlink: false },
    ];
    expect(keys(compareNodeState(e, { ...o, routes }))).toEqual(['route 10.244.2.0/24']);
  });

  test("duplicate-lease / wrong lease: FLANNEL_SUBNET names another node's subnet", () => {
    const o = healthy(vxlanA);
    const d = compareNodeState(vxlanA, {
      ...o,
      subnetEnv: { ...o.subnetEnv, FLANNEL_SUBNET: '10.244.1.1/24' },
    });
    expect(d).toEqual([
      {
        node: 'a',
        object: 'lease',
        key: 'FLANNEL_SUBNET',
        expected: '10.244.0.0/24',
        observed: '10.244.1.0/24',
      },
    ]);
  });

  test('stale state of a deleted node (issue #2554): route, neighbour and FDB entry flannel would not program', () => {
    const o = healthy(vxlanA);
    const stale: NodeNetworkState = {
      ...o,
      routes: [...o.routes, { dst: '10.244.7.0/24', gateway: '10.244.7.0', dev: 'flannel.1', onlink: true }],
      neighbours: [
        ...o.neighbours,
        { dst: '10.244.7.0', lladdr: '0e:00:00:00:00:77', dev: 'flannel.1', permanent: true },
      ],
      fdb: [...o.fdb, { mac: '0e:00:00:00:00:77', dev: 'flannel.1', dst: '192.168.1.77', permanent: true }],
    };
    expect(keys(compareNodeState(vxlanA, stale))).toEqual([
      'route 10.244.7.0/24',
      'neigh 10.244.7.0 dev flannel.1',
      'fdb flannel.1 dst 192.168.1.77',
    ]);
  });

  test('a route of the wrong shape (missing onlink) is reported with both sides', () => {
    const o = healthy(vxlanA);
    const routes = o.routes.map((r) => (r.dst === '10.244.1.0/24' ? { ...r, onlink: false } : r));
    expect(compareNodeState(vxlanA, { ...o, routes })).toEqual([
      {
        node: 'a',
        object: 'route',
        key: '10.244.1.0/24',
        expected: 'via 10.244.1.0 dev flannel.1 onlink',
        observed: 'via 10.244.1.0 dev flannel.1',
      },
    ]);
  });

  test('vxlan device attributes: learning on, wrong port', () => {
    const o = healthy(vxlanA);
    const links = o.links.map((l) =>
      l.name === 'flannel.1' && l.vxlan ? { ...l, vxlan: { ...l.vxlan, learning: true, port: 4789 } } : l,
    );
    expect(keys(compareNodeState(vxlanA, { ...o, links }))).toEqual([
      'link flannel.1 vxlan dstport',
      'link flannel.1 vxlan learning',
    ]);
  });

  test('missing device, missing subnet.env', () => {
    const o = healthy(vxlanA);
    const { subnetEnv: _env, ...withoutEnv } = o;
    const d = compareNodeState(vxlanA, {
      ...withoutEnv,
      links: o.links.filter((l) => l.name !== 'flannel.1'),
      addresses: o.addresses.filter((a) => a.dev !== 'flannel.1'),
    });
    expect(keys(d)).toEqual([
      'subnet.env /run/flannel/subnet.env',
      'link flannel.1',
      'link flannel.1 address',
    ]);
  });

  test('cni0 is judged only when present: wrong gateway address and MTU', () => {
    const o = healthy(vxlanA);
    expect(
      compareNodeState(vxlanA, {
        ...o,
        links: o.links.filter((l) => l.name !== 'cni0'),
        addresses: o.addresses.filter((a) => a.dev !== 'cni0'),
      }),
    ).toEqual([]);
    const links = o.links.map((l) => (l.name === 'cni0' ? { ...l, mtu: 1500 } : l));
    const addresses = o.addresses.map((a) => (a.dev === 'cni0' ? { ...a, local: '10.244.5.1' } : a));
    expect(keys(compareNodeState(vxlanA, { ...o, links, addresses }))).toEqual([
      'mtu cni0',
      'link cni0 address',
    ]);
  });

  test("the announced VtepMAC must be the device's MAC; with no MAC input the device MAC is used", () => {
    const nodes = NODES.map(({ vtepMac: _m, ...n }) => n);
    const e = expectedNodeState(conf({ Type: 'vxlan' }), 'a', nodes, LEASES);
    const o = healthy(e);
    const links = o.links.map((l) => (l.name === 'flannel.1' ? { ...l, mac: '0e:aa:aa:aa:aa:aa' } : l));
    const annotations = {
      ...o.annotations,
      'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"0e:bb:bb:bb:bb:bb"}',
    };
    const d = compareNodeState(e, { ...o, links, annotations });
    expect(d).toEqual([
      {
        node: 'a',
        object: 'annotation',
        key: 'flannel.alpha.coreos.com/backend-data',
        expected: '{"VNI":1,"VtepMAC":"0e:aa:aa:aa:aa:aa"}',
        observed: '{"VNI":1,"VtepMAC":"0e:bb:bb:bb:bb:bb"}',
      },
    ]);
    expect(compareNodeState(e, { ...o, links, annotations }, { ignore: ['annotation'] })).toEqual([]);
  });
});

describe('what the oracle leaves unjudged (pkg/lease/lease.go sameSubnet; an empty Network)', () => {
  test('two peers on one lease: whichever peer the route, neighbour and FDB entry point at is accepted', () => {
    const leases = { a: '10.244.0.0/24', b: '10.244.1.0/24', c: '10.244.1.0/24' };
    const e = expectedNodeState(conf({ Type: 'vxlan' }), 'a', NODES, leases);
    const o = healthy(e);
    // What flannel leaves when c's event came last: c's entries, plus b's FDB entry never removed.
    const observed = {
      ...o,
      routes: [...o.routes, { dst: '10.244.1.0/24', gateway: '10.244.1.0', dev: 'flannel.1', onlink: true }],
      neighbours: [
        ...o.neighbours,
        { dst: '10.244.1.0', lladdr: '0e:00:00:00:00:0c', dev: 'flannel.1', permanent: true },
      ],
      fdb: [
        ...o.fdb,
        { mac: '0e:00:00:00:00:0b', dev: 'flannel.1', dst: '192.168.1.3', permanent: true },
        { mac: '0e:00:00:00:00:0c', dev: 'flannel.1', dst: '192.168.2.2', permanent: true },
      ],
    };
    expect(compareNodeState(e, observed)).toEqual([]);
    // Anything else inside the Network is still flannel's business.
    const stale = {
      ...observed,
      routes: [
        ...observed.routes,
        { dst: '10.244.9.0/24', gateway: '10.244.9.0', dev: 'flannel.1', onlink: true },
      ],
    };
    expect(keys(compareNodeState(e, stale))).toEqual(['route 10.244.9.0/24']);
  });

  test("a peer on the node's own lease: any entry for it is one flannel would not program", () => {
    const leases = { a: '10.244.0.0/24', b: '10.244.0.0/24', c: '10.244.2.0/24' };
    const e = expectedNodeState(conf({ Type: 'vxlan' }), 'a', NODES, leases);
    const o = healthy(e);
    const fdb = [
      ...o.fdb,
      { mac: '0e:00:00:00:00:0b', dev: 'flannel.1', dst: '192.168.1.3', permanent: true },
    ];
    expect(keys(compareNodeState(e, { ...o, fdb }))).toEqual(['fdb flannel.1 dst 192.168.1.3']);
  });

  test('Network 0.0.0.0/0: the host routes are not taken for flannel routes, those on flannel.1 are judged', () => {
    const r = parseNetConf(JSON.stringify({ Network: '0.0.0.0/0', Backend: { Type: 'vxlan' } }), {
      flannelVersion: 'v0.27.4',
    });
    if (!r.ok) throw new Error(r.error);
    const e = expectedNodeState(r.config, 'a', NODES, LEASES);
    const o = healthy(e);
    expect(compareNodeState(e, o)).toEqual([]);
    const stale = {
      ...o,
      routes: [...o.routes, { dst: '10.9.0.0/24', gateway: '10.9.0.0', dev: 'flannel.1', onlink: true }],
    };
    expect(keys(compareNodeState(e, stale))).toEqual(['route 10.9.0.0/24']);
  });
});

// Dual-stack: the IPv6 entries (vxlan_network.go v6VxlanRoute / AddV6ARP / AddV6FDB, WriteSubnetFile's
// FLANNEL_IPV6_SUBNET, annotations backend-v6-data) are judged like the IPv4 ones.
describe('compareNodeState, IPv6 side', () => {
  const DUAL: FlannelNodeInput[] = NODES.map((n, i) => ({
    ...n,
    publicIPv6: `fd00:192:168:${100 + n.segment}::${10 + i}`,
    vtepMacV6: `0e:00:00:00:06:0${i}`,
  }));
  const LEASES6 = { a: 'fd00:10:244::/64', b: 'fd00:10:244:1::/64', c: 'fd00:10:244:2::/64' };
  const dualConf = (type: string): EffectiveNetConf => {
    const r = parseNetConf(
      JSON.stringify({
        Network: '10.244.0.0/16',
        EnableIPv6: true,
        IPv6Network: 'fd00:10:244::/56',
        Backend: { Type: type },
      }),
    );
    if (!r.ok) throw new Error(r.error);
    return r.config;
  };
  const e = expectedNodeState(dualConf('vxlan'), 'a', DUAL, LEASES, {}, LEASES6);

  test.each(['vxlan', 'host-gw'])('a healthy dual-stack %s node has no difference', (type) => {
    const x = expectedNodeState(dualConf(type), 'a', DUAL, LEASES, {}, LEASES6);
    expect(x.ipv6).toBeDefined();
    expect(compareNodeState(x, healthy(x))).toEqual([]);
  });

  test('flannel-v6-route-missing: the IPv6 route to a peer lease is gone', () => {
    const o = healthy(e);
    const d = compareNodeState(e, { ...o, routes: o.routes.filter((r) => r.dst !== 'fd00:10:244:1::/64') });
    expect(d).toEqual([
      {
        node: 'a',
        object: 'route',
        key: 'fd00:10:244:1::/64',
        expected: 'via fd00:10:244:1:: dev flannel-v6.1 onlink',
        observed: 'absent',
      },
    ]);
  });

  test('a stale IPv6 route inside IPv6Network, a wrong v6 FDB dst and a missing v6 neighbour are reported', () => {
    const o = healthy(e);
    const d = compareNodeState(e, {
      ...o,
      routes: [
        ...o.routes,
        { dst: 'fd00:10:244:9::/64', gateway: 'fd00:10:244:9::', dev: 'flannel-v6.1', onlink: true },
      ],
      neighbours: o.neighbours.filter((n) => n.dst !== 'fd00:10:244:2::'),
      fdb: o.fdb.map((f) => (f.dst === 'fd00:192:168:100::11' ? { ...f, dst: 'fd00:192:168:100::99' } : f)),
    });
    expect(keys(d).sort()).toEqual([
      'fdb flannel-v6.1 dst fd00:192:168:100::11',
      'fdb flannel-v6.1 dst fd00:192:168:100::99',
      'neigh fd00:10:244:2:: dev flannel-v6.1',
      'route fd00:10:244:9::/64',
    ]);
  });

  test('FLANNEL_IPV6_SUBNET naming another lease, a missing v6 address and a wrong backend-v6-data MAC', () => {
    const o = healthy(e);
    const key = 'flannel.alpha.coreos.com/backend-v6-data';
    const d = compareNodeState(e, {
      ...o,
      subnetEnv: { ...o.subnetEnv, FLANNEL_IPV6_SUBNET: 'fd00:10:244:7::1/64' },
      addresses: o.addresses.filter((a) => a.dev !== 'flannel-v6.1'),
      annotations: { ...o.annotations, [key]: '{"VNI":1,"VtepMAC":"0e:00:00:00:00:0a"}' },
    });
    expect(d).toContainEqual({
      node: 'a',
      object: 'lease',
      key: 'FLANNEL_IPV6_SUBNET',
      expected: 'fd00:10:244::/64',
      observed: 'fd00:10:244:7::/64',
    });
    expect(keys(d)).toContain('link flannel-v6.1 inet6 address');
    expect(keys(d)).toContain(`annotation ${key}`);
    expect(d).toHaveLength(3);
  });

  test('a dual-stack node judged as IPv4 only: its IPv6 devices and entries are not flannel IPv4 objects', () => {
    expect(compareNodeState(vxlanA, healthy(e))).toEqual([]);
  });
});
