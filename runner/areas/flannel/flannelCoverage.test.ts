// Coverage of one flannel scenario (docs/rules.md "Coverage"): hand-made net-confs and topologies whose
// deciding features are known, judged by the area's own judge (judgeNodeStates) and dataplane planner; one
// test per flannel feature, and the rules by what was compared.
import { describe, expect, test } from 'vitest';
import { parseNetConf } from '../../../oracle/flannel/index.ts';
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import type { FlannelNetConf, Realized } from '../../../spec/scenario.ts';
import { ScenarioCoverage } from '../../coverage.ts';
import type { FlannelScenarioOutcome } from './checkFlannelScenario.ts';
import { judgeDataplaneProbe, planDataplaneProbes } from './dataplane.ts';
import { clusterFlannelUnsupported, recordFlannelCoverage } from './flannelCoverage.ts';
import { judgeNodeStates } from './judgeNodeStates.ts';

/** A node as read: its external interface and address only (what the coverage reads is the expectation). */
function nodeState(node: string, ip: string): NodeNetworkState {
  return {
    node,
    links: [{ name: 'eth0', kind: 'veth', mtu: 1500, up: true }],
    addresses: [{ dev: 'eth0', family: 'inet', local: ip, prefixLength: 24 }],
    routes: [],
    neighbours: [],
    fdb: [],
    annotations: {},
  };
}

/**
 * One scenario on nodes at `segments` (one pod each), every planned probe answered as the oracle expects;
 * `dual`: a dual-stack target (Realized.ipv6), whose IPv6 pod addresses are probed too.
 */
function outcomeOf(
  netConf: FlannelNetConf,
  segments: readonly number[],
  { dual = false } = {},
): FlannelScenarioOutcome {
  const names = segments.map((_, i) => `node-${i + 1}`);
  const nodeIPs = Object.fromEntries(
    names.map((n, i) => [n, `192.168.${100 + (segments[i] ?? 0)}.${10 + i}`]),
  );
  const nodeSubnets = Object.fromEntries(names.map((n, i) => [n, `10.244.${i}.0/24`]));
  const nodeIPs6 = Object.fromEntries(
    names.map((n, i) => [n, `fd00:192:168:${100 + (segments[i] ?? 0)}::${10 + i}`]),
  );
  const nodeSubnets6 = Object.fromEntries(names.map((n, i) => [n, `fd00:10:244:${i}::/64`]));
  const states = names.map((n) => nodeState(n, nodeIPs[n] as string));
  const judgement = judgeNodeStates({
    netConf,
    segments: Object.fromEntries(names.map((n, i) => [n, segments[i] ?? 0])),
    nodeIPs,
    leases: nodeSubnets,
    states,
    nodeCidrMaskSize: 24,
    ...(dual ? { ipv6: { nodeIPs: nodeIPs6, leases: nodeSubnets6, nodeCidrMaskSize: 64 } } : {}),
  });
  const pods = names.map((n, i) => ({ key: `p/${n}`, node: n, ip: `10.244.${i}.2` }));
  const pods6 = names.map((n, i) => ({ key: `p/${n}`, node: n, ip: `fd00:10:244:${i}::2` }));
  const plan = [
    ...planDataplaneProbes(pods, judgement.expected, [], { tcp: 80, udp: 81 }, 1000),
    ...(dual ? planDataplaneProbes(pods6, judgement.expected, [], { tcp: 80, udp: 81 }, 1000, 6) : []),
  ];
  const dataplane = plan.map((p) =>
    judgeDataplaneProbe(p, {
      id: p.request.id,
      outcome: p.expected === 'reachable' ? 'connected' : 'timeout',
      servedBy: p.toPod,
      durationMs: 1,
    }),
  );
  const realized: Realized = {
    podIPs: Object.fromEntries(pods.map((p, i) => [p.key, dual ? [p.ip, pods6[i]!.ip] : [p.ip]])),
    serviceIPs: {},
    nodeIPs,
    nodeSubnets,
    clusterNetwork: netConf.Network,
    outsideNetwork: '192.168.200.0/24',
    ...(dual
      ? {
          ipv6: {
            nodeIPs: nodeIPs6,
            nodeSubnets: nodeSubnets6,
            clusterNetwork: String(netConf.IPv6Network),
            outsideNetwork: 'fd00:203::/64',
          },
        }
      : {}),
  };
  return {
    scenario: { netConf, nodes: segments.map((segment) => ({ segment, pods: 1 })) },
    realized,
    states,
    judgement,
    dataplane,
    tables: [],
    failed: false,
    probesSent: plan.length,
  };
}

function covered(outcome: FlannelScenarioOutcome): ScenarioCoverage {
  const into = new ScenarioCoverage();
  recordFlannelCoverage(outcome, into);
  return into;
}

const feature = (c: ScenarioCoverage, name: string) => c.features.get(`flannel\u0000${name}`);
const rule = (c: ScenarioCoverage, id: string) => c.rules.get(`flannel\u0000${id}`);
const NETWORK = '10.244.0.0/16';

describe('flannel features (docs/rules.md "Coverage")', () => {
  test('backend vxlan: its routes, neighbours and FDB entries per peer, its device, and traffic', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'vxlan' } }, [0, 0, 0]));
    expect(feature(c, 'backend vxlan')).toBe(6);
    expect(rule(c, 'FL-ROUTE-VXLAN')?.probes).toBe(6);
    expect(rule(c, 'FL-NEIGH')?.probes).toBe(6);
    expect(rule(c, 'FL-FDB')?.probes).toBe(6);
    expect(rule(c, 'FL-LINK')?.probes).toBe(3);
    expect(rule(c, 'FL-DATAPLANE')).toEqual({ probes: 6, allow: 6, deny: 0 });
    expect(rule(c, 'FL-LEASE-DISJOINT')?.probes).toBe(3);
    expect(rule(c, 'FL-ROUTE-HOSTGW')).toBeUndefined();
  });

  test('backend host-gw: routes, no flannel device', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'host-gw' } }, [0, 0]));
    expect(feature(c, 'backend host-gw')).toBe(2);
    expect(rule(c, 'FL-ROUTE-HOSTGW')?.probes).toBe(2);
    expect(rule(c, 'FL-LINK')).toBeUndefined();
    expect(rule(c, 'FL-NEIGH')).toBeUndefined();
  });

  test('backend udp: one route to the whole Network per node', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'udp' } }, [0, 0]));
    expect(feature(c, 'backend udp')).toBe(2);
    expect(rule(c, 'FL-ROUTE-UDP')?.probes).toBe(2);
    expect(feature(c, 'Backend absent')).toBeUndefined();
  });

  test('Backend absent: flannel runs udp', () => {
    const c = covered(outcomeOf({ Network: NETWORK }, [0, 0]));
    expect(feature(c, 'Backend absent')).toBe(2);
    expect(feature(c, 'backend udp')).toBe(2);
  });

  test('DirectRouting: a peer on the same segment through a direct route', () => {
    const c = covered(
      outcomeOf({ Network: NETWORK, Backend: { Type: 'vxlan', DirectRouting: true } }, [0, 0]),
    );
    expect(feature(c, 'DirectRouting')).toBe(2);
    expect(feature(c, 'DirectRouting across segments')).toBeUndefined();
    // Direct routes go without neighbour and FDB entries.
    expect(rule(c, 'FL-NEIGH')).toBeUndefined();
  });

  test('DirectRouting across segments: a peer on the other segment through the tunnel', () => {
    const c = covered(
      outcomeOf({ Network: NETWORK, Backend: { Type: 'vxlan', DirectRouting: true } }, [0, 1]),
    );
    expect(feature(c, 'DirectRouting across segments')).toBe(2);
    expect(feature(c, 'DirectRouting')).toBeUndefined();
  });

  test('two segments: the probes between nodes of different segments', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'vxlan' } }, [0, 0, 1]));
    expect(feature(c, 'two segments')).toBe(4);
  });

  test('host-gw across segments: no route and no path, judged as deny', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'host-gw' } }, [0, 1]));
    expect(feature(c, 'host-gw across segments')).toBe(2);
    expect(rule(c, 'FL-DATAPLANE')).toEqual({ probes: 2, allow: 0, deny: 2 });
    // The routes that must be absent are judged too.
    expect(rule(c, 'FL-ROUTE-HOSTGW')?.probes).toBe(2);
  });

  test('MTU from Backend.MTU: vxlan with an explicit MTU', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'vxlan', MTU: 1450 } }, [0, 0]));
    expect(feature(c, 'MTU from Backend.MTU')).toBe(2);
    expect(feature(c, 'MTU from the interface')).toBeUndefined();
    expect(rule(c, 'FL-MTU')?.probes).toBe(2);
  });

  test('MTU from the interface', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'vxlan' } }, [0, 0]));
    expect(feature(c, 'MTU from the interface')).toBe(2);
    expect(feature(c, 'MTU from Backend.MTU')).toBeUndefined();
  });
});

// Dual-stack (EnableIPv6): flannel's IPv6 side, pkg/backend/vxlan/vxlan_network.go (flannel-v6.<VNI>,
// v6VxlanRoute, AddV6ARP, AddV6FDB) and pkg/backend/route_network.go (host-gw's IPv6 routes).
describe('flannel IPv6 features (docs/rules.md "Coverage")', () => {
  const DUAL = { Network: NETWORK, EnableIPv6: true, IPv6Network: 'fd00:10:244::/56' };

  test('IPv6 vxlan (flannel-v6): the IPv6 probes, and the IPv6 leases in the lease rules', () => {
    const c = covered(outcomeOf({ ...DUAL, Backend: { Type: 'vxlan' } }, [0, 0, 0], { dual: true }));
    expect(feature(c, 'IPv6 vxlan (flannel-v6)')).toBe(6);
    expect(feature(c, 'IPv6 host-gw routes')).toBeUndefined();
    expect(feature(c, 'backend vxlan')).toBe(12);
    expect(rule(c, 'FL-DATAPLANE')).toEqual({ probes: 12, allow: 12, deny: 0 });
    expect(rule(c, 'FL-LEASE-VALID')?.probes).toBe(6);
    expect(rule(c, 'FL-LEASE-DISJOINT')?.probes).toBe(6);
    // flannel-v6.1 beside flannel.1 on each node.
    expect(rule(c, 'FL-LINK')?.probes).toBe(6);
  });

  test('IPv6 host-gw routes: the IPv6 probes across one segment', () => {
    const c = covered(outcomeOf({ ...DUAL, Backend: { Type: 'host-gw' } }, [0, 0], { dual: true }));
    expect(feature(c, 'IPv6 host-gw routes')).toBe(2);
    expect(feature(c, 'IPv6 vxlan (flannel-v6)')).toBeUndefined();
  });

  test('DirectRouting counts by the IPv6 path too', () => {
    const c = covered(
      outcomeOf({ ...DUAL, Backend: { Type: 'vxlan', DirectRouting: true } }, [0, 1], { dual: true }),
    );
    expect(feature(c, 'DirectRouting across segments')).toBe(4);
    expect(feature(c, 'IPv6 vxlan (flannel-v6)')).toBe(2);
  });

  test('EnableIPv6 judged without an IPv6 side (an IPv4 target): no IPv6 feature, no IPv6 lease', () => {
    const c = covered(outcomeOf({ ...DUAL, Backend: { Type: 'vxlan' } }, [0, 0]));
    expect(feature(c, 'IPv6 vxlan (flannel-v6)')).toBeUndefined();
    expect(rule(c, 'FL-LEASE-VALID')?.probes).toBe(2);
  });

  test('a dual-stack target without EnableIPv6: its IPv6 leases are not flannel`s, and count nowhere', () => {
    const c = covered(outcomeOf({ Network: NETWORK, Backend: { Type: 'vxlan' } }, [0, 0], { dual: true }));
    expect(feature(c, 'IPv6 vxlan (flannel-v6)')).toBeUndefined();
    expect(rule(c, 'FL-LEASE-VALID')?.probes).toBe(2);
  });
});

describe('a cluster`s flannel: features its net-conf rules out', () => {
  test('vxlan without DirectRouting or MTU: the other backends, DirectRouting, host-gw paths and an explicit MTU', () => {
    const parsed = parseNetConf(JSON.stringify({ Network: NETWORK, Backend: { Type: 'vxlan' } }));
    if (!parsed.ok) throw new Error(parsed.error);
    const ruledOut = clusterFlannelUnsupported(parsed.config, 'ConfigMap kube-flannel/kube-flannel-cfg');
    expect(ruledOut.map((u) => u.feature).sort()).toEqual(
      [
        'backend host-gw',
        'backend udp',
        'Backend absent',
        'DirectRouting',
        'DirectRouting across segments',
        'host-gw across segments',
        'MTU from Backend.MTU',
        'IPv6 vxlan (flannel-v6)',
        'IPv6 host-gw routes',
      ].sort(),
    );
    expect(ruledOut[0]?.reason).toContain('ConfigMap kube-flannel/kube-flannel-cfg');
  });

  test('host-gw with EnableIPv6: vxlan`s IPv6 side is ruled out, its own is not judged on a cluster', () => {
    const parsed = parseNetConf(
      JSON.stringify({
        Network: NETWORK,
        EnableIPv6: true,
        IPv6Network: 'fd00::/56',
        Backend: { Type: 'host-gw' },
      }),
    );
    if (!parsed.ok) throw new Error(parsed.error);
    const ruledOut = clusterFlannelUnsupported(parsed.config, 'ConfigMap kube-flannel/kube-flannel-cfg');
    const ipv6 = ruledOut.filter((u) => u.feature.startsWith('IPv6'));
    expect(ipv6.map((u) => u.feature)).toEqual(['IPv6 vxlan (flannel-v6)', 'IPv6 host-gw routes']);
    expect(ipv6[0]?.reason).toContain('ConfigMap kube-flannel/kube-flannel-cfg');
    expect(ipv6[1]?.reason).toContain("judges a cluster's IPv4 side only");
  });
});
