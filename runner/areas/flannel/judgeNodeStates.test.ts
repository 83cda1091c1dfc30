/**
 * The flannel area's judgement on node states recorded from the lab (fixtures/*.json): a clean recording
 * gives nothing; each bug of docs/research/flannel.md §9, applied to the recording, gives a difference that names the
 * node, the object and expected vs observed, under the rule the catalogue gives it.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import { ruleInfo } from '../../../spec/rules.ts';
import type { FlannelNetConf } from '../../../spec/scenario.ts';
import { buildFlannelFindings, ruleOfDifference } from './flannelFindings.ts';
import type { FlannelScenario } from './flannelScenario.ts';
import { nodeMaskOf } from './flannelScenario.ts';
import { judgeNodeStates, segmentsFromAddresses } from './judgeNodeStates.ts';
import { nodeTable } from './nodeTable.ts';

interface Recording {
  readonly scenario: FlannelScenario;
  readonly realized: {
    readonly nodeIPs: Record<string, string>;
    readonly nodeSubnets: Record<string, string>;
    readonly podIPs: Record<string, string[]>;
  };
  readonly states: NodeNetworkState[];
}

function recording(name: string): Recording {
  return JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as Recording;
}

function judge(
  r: Recording,
  changes: {
    states?: NodeNetworkState[];
    leases?: Record<string, string>;
    netConf?: FlannelNetConf;
    segments?: Record<string, number>;
    extInterface?: string;
  } = {},
) {
  const netConf = changes.netConf ?? r.scenario.netConf;
  return judgeNodeStates({
    netConf,
    segments:
      changes.segments ?? Object.fromEntries(r.scenario.nodes.map((n, i) => [`node-${i + 1}`, n.segment])),
    ...(changes.extInterface ? { extInterface: changes.extInterface } : {}),
    nodeIPs: r.realized.nodeIPs,
    leases: changes.leases ?? r.realized.nodeSubnets,
    states: changes.states ?? r.states,
    nodeCidrMaskSize: nodeMaskOf(netConf),
  });
}

function withNode(
  r: Recording,
  node: string,
  edit: (s: NodeNetworkState) => NodeNetworkState,
): NodeNetworkState[] {
  return r.states.map((s) => (s.node === node ? edit(s) : s));
}

const vxlan = recording('vxlan-2nodes');
const hostgw = recording('hostgw-3nodes-2segments');
const udp = recording('udp-2nodes');

describe('judgeNodeStates on recorded lab nodes', () => {
  test('a clean vxlan recording: no difference, no lease violation (docs/research/flannel.md §5.1, §10)', () => {
    const j = judge(vxlan);
    expect(j.expected.map((e) => e.node)).toEqual(['node-1', 'node-2']);
    expect(j.differences).toEqual([]);
    expect(j.leaseViolations).toEqual([]);
  });

  test('a clean host-gw recording on 2 segments: non-adjacent peers are predicted without a route (Documentation/backends.md)', () => {
    const j = judge(hostgw);
    expect(j.differences).toEqual([]);
    const node1 = j.expected.find((e) => e.node === 'node-1');
    expect(node1?.absentRoutes.map((a) => a.dst)).toEqual([hostgw.realized.nodeSubnets['node-2']]);
    expect(node1?.peers.find((p) => p.node === 'node-2')?.reachable).toBe(false);
    expect(node1?.peers.find((p) => p.node === 'node-3')?.reachable).toBe(true);
  });

  test('a missing FDB entry names the node, fdb and the peer (vxlan_network.go AddFDB; docs/research/flannel.md §9 #5)', () => {
    const peerIP = vxlan.realized.nodeIPs['node-2'];
    const states = withNode(vxlan, 'node-1', (s) => ({
      ...s,
      fdb: s.fdb.filter((f) => !(f.dev === 'flannel.1' && f.dst === peerIP)),
    }));
    const j = judge(vxlan, { states });
    expect(j.differences).toEqual([
      expect.objectContaining({
        node: 'node-1',
        object: 'fdb',
        key: `flannel.1 dst ${peerIP}`,
        observed: 'absent',
      }),
    ]);
    expect(ruleOfDifference(j.differences[0]!, 'vxlan')).toBe('FL-FDB');
  });

  test('a neighbour with the wrong MAC is FL-NEIGH (vxlan_network.go AddARP; docs/research/flannel.md §9 #7 VtepMAC mismatch)', () => {
    const states = withNode(vxlan, 'node-2', (s) => ({
      ...s,
      neighbours: s.neighbours.map((n) =>
        n.dev === 'flannel.1' ? { ...n, lladdr: '0e:00:00:00:00:99' } : n,
      ),
    }));
    const j = judge(vxlan, { states });
    expect(j.differences).toHaveLength(1);
    expect(j.differences[0]).toMatchObject({
      node: 'node-2',
      object: 'neigh',
      observed: '0e:00:00:00:00:99 PERMANENT',
    });
    expect(ruleOfDifference(j.differences[0]!, 'vxlan')).toBe('FL-NEIGH');
  });

  test('a VXLAN MTU without the 50-byte overhead is FL-MTU on the device and subnet.env (vxlan.go MTU - 50; #841)', () => {
    const states = withNode(vxlan, 'node-1', (s) => ({
      ...s,
      links: s.links.map((l) => (l.name === 'flannel.1' || l.name === 'cni0' ? { ...l, mtu: 1500 } : l)),
      subnetEnv: { ...s.subnetEnv, FLANNEL_MTU: '1500' },
    }));
    const j = judge(vxlan, { states });
    const keys = j.differences.map((d) => `${d.node} ${d.object} ${d.key} ${d.expected}→${d.observed}`);
    expect(keys).toEqual(
      expect.arrayContaining(['node-1 mtu flannel.1 1450→1500', 'node-1 subnet.env FLANNEL_MTU 1450→1500']),
    );
    expect(new Set(j.differences.map((d) => ruleOfDifference(d, 'vxlan')))).toEqual(new Set(['FL-MTU']));
  });

  test('a missing host-gw route to an adjacent peer is FL-ROUTE-HOSTGW (route_network.go routeAdd)', () => {
    const lease3 = hostgw.realized.nodeSubnets['node-3'];
    const states = withNode(hostgw, 'node-1', (s) => ({
      ...s,
      routes: s.routes.filter((r) => r.dst !== lease3),
    }));
    const j = judge(hostgw, { states });
    expect(j.differences).toEqual([
      expect.objectContaining({ node: 'node-1', object: 'route', key: lease3, observed: 'absent' }),
    ]);
    expect(ruleOfDifference(j.differences[0]!, 'host-gw')).toBe('FL-ROUTE-HOSTGW');
  });

  test('a host-gw route to a non-adjacent peer is reported: the kernel would have refused it (docs/research/flannel.md §5.2)', () => {
    const lease2 = hostgw.realized.nodeSubnets['node-2'] as string;
    const states = withNode(hostgw, 'node-1', (s) => ({
      ...s,
      routes: [...s.routes, { dst: lease2, gateway: '192.168.100.254', dev: 'eth0', onlink: false }],
    }));
    const j = judge(hostgw, { states });
    expect(j.differences).toEqual([
      expect.objectContaining({ node: 'node-1', object: 'route', key: lease2, expected: 'absent' }),
    ]);
  });

  test('a clean udp recording across 2 segments: no difference; without the Network route it is FL-ROUTE-UDP (udp_network_amd64.go)', () => {
    expect(judge(udp).differences).toEqual([]);
    const states = withNode(udp, 'node-2', (s) => ({
      ...s,
      routes: s.routes.filter((r) => r.dev !== 'flannel0'),
    }));
    const j = judge(udp, { states });
    expect(j.differences).toEqual([
      expect.objectContaining({ node: 'node-2', object: 'route', key: '10.42.0.0/16', observed: 'absent' }),
    ]);
    expect(ruleOfDifference(j.differences[0]!, 'udp')).toBe('FL-ROUTE-UDP');
  });

  test('a stale route of a deleted node is reported as unexpected (issue #2554)', () => {
    const states = withNode(vxlan, 'node-1', (s) => ({
      ...s,
      routes: [...s.routes, { dst: '10.244.9.0/24', gateway: '10.244.9.0', dev: 'flannel.1', onlink: true }],
    }));
    const j = judge(vxlan, { states });
    expect(j.differences).toEqual([
      expect.objectContaining({ node: 'node-1', object: 'route', key: '10.244.9.0/24', expected: 'absent' }),
    ]);
  });

  test('two nodes with one lease: FL-LEASE-DISJOINT names both, and the ambiguous peer entries are not judged (docs/research/flannel.md §2.4, #805)', () => {
    const shared = vxlan.realized.nodeSubnets['node-1'] as string;
    const leases = { 'node-1': shared, 'node-2': shared };
    // What the lab's duplicate-lease fault records: node-2 runs on node-1's subnet and programs no peer.
    const states = vxlan.states.map((s) => ({
      ...s,
      routes: s.routes
        .filter((r) => r.dev !== 'flannel.1')
        .map((r) => (r.dev === 'cni0' ? { ...r, dst: shared } : r)),
      neighbours: s.neighbours.filter((n) => n.dev !== 'flannel.1'),
      fdb: s.fdb.filter((f) => f.dev !== 'flannel.1'),
      subnetEnv: { ...s.subnetEnv, FLANNEL_SUBNET: '10.244.0.1/24' },
      addresses: s.addresses.map((a) =>
        a.dev === 'flannel.1' && a.family === 'inet'
          ? { ...a, local: '10.244.0.0' }
          : a.dev === 'cni0' && a.family === 'inet'
            ? { ...a, local: '10.244.0.1' }
            : a,
      ),
    }));
    const j = judge(vxlan, { leases, states });
    expect(j.leaseViolations.map((v) => [v.rule, v.nodes])).toEqual([
      ['lease-disjoint', ['node-1', 'node-2']],
    ]);
    expect(j.ambiguousNodes).toEqual(['node-1', 'node-2']);
    expect(j.differences).toEqual([]);
    const findings = buildFlannelFindings({
      scenario: vxlan.scenario,
      backend: 'vxlan',
      flannelVersion: j.config.flannelVersion,
      leases,
      differences: j.differences,
      leaseViolations: j.leaseViolations,
      dataplane: [],
      seed: 1,
      path: '0',
      numShrinks: 0,
      faults: ['duplicate-lease'],
      probeCommand: () => '',
      nextId: () => 'F1',
    });
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ rule: 'FL-LEASE-DISJOINT', area: 'flannel', kind: 'mismatch' });
    expect(findings[0]?.flannel?.map((d) => [d.node, d.object, d.key])).toEqual([
      ['node-1', 'lease', shared],
      ['node-2', 'lease', shared],
    ]);
    expect(findings[0]?.replayCommand).toBe(
      'npx podnet run --areas flannel --seed 1 --lab-fault duplicate-lease',
    );
  });

  test('an unreadable node (no external interface) is a link difference, not a crash', () => {
    const states = vxlan.states.filter((s) => s.node !== 'node-2');
    const j = judge(vxlan, { states });
    expect(j.differences).toContainEqual(
      expect.objectContaining({
        node: 'node-2',
        object: 'link',
        key: 'eth0',
        observed: 'node state unreadable',
      }),
    );
  });

  test('every rule the area reports is in the catalogue with a source', () => {
    for (const object of [
      'route',
      'neigh',
      'fdb',
      'mtu',
      'link',
      'lease',
      'subnet.env',
      'annotation',
    ] as const) {
      for (const backend of ['vxlan', 'host-gw', 'udp']) {
        const rule = ruleOfDifference({ node: 'n', object, key: 'k', expected: 'a', observed: 'b' }, backend);
        expect(ruleInfo(rule)?.area, rule).toBe('flannel');
      }
    }
    for (const rule of ['FL-LEASE-DISJOINT', 'FL-LEASE-VALID', 'FL-DATAPLANE']) {
      expect(ruleInfo(rule)?.source, rule).toBeTruthy();
    }
  });
});

describe('nodeTable', () => {
  test('rows cover every expected object; the differing one is marked; an uncovered difference gets its own row', () => {
    const peerIP = vxlan.realized.nodeIPs['node-2'];
    const states = withNode(vxlan, 'node-1', (s) => ({
      ...s,
      fdb: s.fdb.filter((f) => !(f.dev === 'flannel.1' && f.dst === peerIP)),
      routes: [...s.routes, { dst: '10.244.9.0/24', gateway: '10.244.9.0', dev: 'flannel.1', onlink: true }],
    }));
    const j = judge(vxlan, { states });
    const e = j.expected.find((x) => x.node === 'node-1')!;
    const table = nodeTable(e, states[0], j.differences);
    const differing = table.rows.filter((r) => r.differs).map((r) => `${r.object} ${r.key}`);
    expect(differing).toEqual([`fdb flannel.1 dst ${peerIP}`, 'route 10.244.9.0/24']);
    const route = table.rows.find(
      (r) => r.object === 'route' && r.key === vxlan.realized.nodeSubnets['node-2'],
    );
    expect(route).toMatchObject({
      expected: 'via 10.244.1.0 dev flannel.1 onlink',
      observed: 'via 10.244.1.0 dev flannel.1 onlink',
      differs: false,
    });
    expect(table.rows.find((r) => r.object === 'mtu' && r.key === 'flannel.1')).toMatchObject({
      expected: '1450',
      observed: '1450',
      differs: false,
    });
  });
});

describe('a live cluster: what the nodes show instead of what the lab was told', () => {
  test('the external interface is the one holding the node IP, not always eth0 (flanneld picks by the address it announces)', () => {
    const renamed = JSON.parse(
      JSON.stringify(vxlan.states).replaceAll('"eth0"', '"ens5"'),
    ) as NodeNetworkState[];
    const j = judge(vxlan, { states: renamed });
    expect(j.differences).toEqual([]);
    expect(j.nodes.map((n) => n.extInterface.name)).toEqual(['ens5', 'ens5']);
    // Told eth0 on a node that has none, the judge says the external interface is absent.
    const told = judge(vxlan, { states: renamed, extInterface: 'eth0' });
    expect(told.differences.map((d) => [d.object, d.key, d.observed])).toContainEqual([
      'link',
      'eth0',
      'absent',
    ]);
  });

  test('segments read from the node addresses are the ones the lab was built with (one on-link subnet each)', () => {
    const segments = segmentsFromAddresses(hostgw.realized.nodeIPs, hostgw.states);
    expect(segments).toEqual({ 'node-1': 0, 'node-2': 1, 'node-3': 0 });
    const j = judge(hostgw, { segments });
    expect(j.differences).toEqual([]);
    // Read as one segment, node-2 would be expected to hold routes to its non-adjacent peers.
    const flat = judge(hostgw, {});
    expect(flat.differences).toEqual([]);
    const oneSegment = judge(hostgw, { segments: { 'node-1': 0, 'node-2': 0, 'node-3': 0 } });
    expect(oneSegment.differences.length).toBeGreaterThan(0);
  });

  test('a node whose address is not found is alone on its segment', () => {
    expect(
      segmentsFromAddresses({ 'node-1': '192.168.100.10', 'node-9': '10.9.9.9' }, hostgw.states),
    ).toEqual({
      'node-1': 0,
      'node-9': 1,
    });
  });
});

// Dual-stack recordings (podnet lab --ip-family dual): the IPv6 side is judged from Realized.ipv6 with
// flannel's IPv6 rules (vxlan_network.go v6VxlanRoute / AddV6ARP / AddV6FDB, route_network.go for host-gw).
describe('dual-stack recordings', () => {
  interface DualRecording extends Recording {
    readonly realized: Recording['realized'] & {
      readonly ipv6: { nodeIPs: Record<string, string>; nodeSubnets: Record<string, string> };
    };
  }
  const judgeDual = (
    r: DualRecording,
    states: NodeNetworkState[] = r.states,
    ipv6: { leases?: Record<string, string>; nodeCidrMaskSize?: number } = {},
  ) =>
    judgeNodeStates({
      netConf: r.scenario.netConf,
      segments: Object.fromEntries(r.scenario.nodes.map((n, i) => [`node-${i + 1}`, n.segment])),
      nodeIPs: r.realized.nodeIPs,
      leases: r.realized.nodeSubnets,
      states,
      nodeCidrMaskSize: nodeMaskOf(r.scenario.netConf),
      ipv6: { nodeIPs: r.realized.ipv6.nodeIPs, leases: r.realized.ipv6.nodeSubnets, ...ipv6 },
    });
  const vxlan = recording('vxlan-dual-3nodes-2segments') as DualRecording;
  const hostgw = recording('hostgw-dual-3nodes-2segments') as DualRecording;

  test.each([
    ['vxlan', vxlan],
    ['host-gw', hostgw],
  ])('a clean dual-stack %s recording gives no difference, and its IPv6 side is predicted', (_, r) => {
    const j = judgeDual(r);
    expect(j.differences).toEqual([]);
    expect(j.expected.every((e) => e.ipv6 !== undefined)).toBe(true);
    expect(j.expected[0]?.subnetEnv.FLANNEL_IPV6_SUBNET).toBe('fd00:10:244::1/64');
  });

  test('vxlan: the VtepMAC of flannel-v6.1 comes from backend-v6-data; a missing IPv6 route is a difference', () => {
    const j = judgeDual(vxlan);
    const v6 = j.expected[0]?.links.find((l) => l.name === 'flannel-v6.1');
    expect(v6?.mac).toBeDefined();
    expect(v6?.mac).not.toBe(j.expected[0]?.links.find((l) => l.name === 'flannel.1')?.mac);
    const states = withNode(vxlan, 'node-1', (s) => ({
      ...s,
      routes: s.routes.filter((r) => r.dst !== 'fd00:10:244:1::/64'),
    }));
    expect(judgeDual(vxlan, states).differences).toEqual([
      {
        node: 'node-1',
        object: 'route',
        key: 'fd00:10:244:1::/64',
        expected: 'via fd00:10:244:1:: dev flannel-v6.1 onlink',
        observed: 'absent',
      },
    ]);
  });

  test('host-gw: an IPv6 route to the peer on another segment is reported (the kernel would refuse it)', () => {
    const states = withNode(hostgw, 'node-1', (s) => ({
      ...s,
      routes: [
        ...s.routes,
        { dst: 'fd00:10:244:1::/64', gateway: 'fd00:192:168:101::11', dev: 'eth0', onlink: true },
      ],
    }));
    const d = judgeDual(hostgw, states).differences;
    expect(d.map((x) => `${x.node} ${x.object} ${x.key} ${x.expected}`)).toEqual([
      'node-1 route fd00:10:244:1::/64 absent',
    ]);
  });

  test('the IPv6 leases are checked too: one IPv6 lease on two nodes is FL-LEASE-DISJOINT on IPv6 only (kube.go AcquireLease, cidr_set.go)', () => {
    expect(judgeDual(vxlan).leaseViolations).toEqual([]);
    const shared = 'fd00:10:244::/64';
    const leases6 = {
      ...vxlan.realized.ipv6.nodeSubnets,
      'node-2': shared,
    };
    const j = judgeDual(vxlan, vxlan.states, { leases: leases6 });
    expect(j.leaseViolations.map((v) => [v.family, v.rule, v.nodes])).toEqual([
      [6, 'lease-disjoint', ['node-1', 'node-2']],
    ]);
    expect(j.ambiguousNodesIPv6).toEqual(['node-1', 'node-2']);
    expect(j.ambiguousNodes).toEqual([]);
    const findings = buildFlannelFindings({
      scenario: vxlan.scenario,
      backend: 'vxlan',
      flannelVersion: j.config.flannelVersion,
      leases: vxlan.realized.nodeSubnets,
      ipv6Leases: leases6,
      differences: [],
      leaseViolations: j.leaseViolations,
      dataplane: [],
      seed: 1,
      path: '0',
      numShrinks: 0,
      faults: [],
      probeCommand: () => '',
      nextId: () => 'F1',
    });
    expect(findings[0]?.flannel?.map((d) => [d.node, d.key])).toEqual([
      ['node-1', shared],
      ['node-2', shared],
    ]);
  });

  test('an IPv6 lease of another length than the IPv6 node mask is FL-LEASE-VALID', () => {
    const j = judgeDual(vxlan, vxlan.states, { nodeCidrMaskSize: 80 });
    expect(j.leaseViolations.map((v) => `${v.family} ${v.rule} ${v.nodes.join(',')}`)).toEqual([
      '6 lease-length node-1',
      '6 lease-length node-2',
      '6 lease-length node-3',
    ]);
  });

  test('judged without the IPv6 side (an IPv4 run), the dual recording is clean on IPv4 too', () => {
    expect(judge(vxlan).differences).toEqual([]);
    expect(judge(vxlan).expected.every((e) => e.ipv6 === undefined)).toBe(true);
  });
});
