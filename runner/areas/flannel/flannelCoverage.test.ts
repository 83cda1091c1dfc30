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

/** One scenario on nodes at `segments` (one pod each), every planned probe answered as the oracle expects. */
function outcomeOf(netConf: FlannelNetConf, segments: readonly number[]): FlannelScenarioOutcome {
  const names = segments.map((_, i) => `node-${i + 1}`);
  const nodeIPs = Object.fromEntries(
    names.map((n, i) => [n, `192.168.${100 + (segments[i] ?? 0)}.${10 + i}`]),
  );
  const nodeSubnets = Object.fromEntries(names.map((n, i) => [n, `10.244.${i}.0/24`]));
  const states = names.map((n) => nodeState(n, nodeIPs[n] as string));
  const judgement = judgeNodeStates({
    netConf,
    segments: Object.fromEntries(names.map((n, i) => [n, segments[i] ?? 0])),
    nodeIPs,
    leases: nodeSubnets,
    states,
    nodeCidrMaskSize: 24,
  });
  const pods = names.map((n, i) => ({ key: `p/${n}`, node: n, ip: `10.244.${i}.2` }));
  const plan = planDataplaneProbes(pods, judgement.expected, [], { tcp: 80, udp: 81 }, 1000);
  const dataplane = plan.map((p) =>
    judgeDataplaneProbe(p, {
      id: p.request.id,
      outcome: p.expected === 'reachable' ? 'connected' : 'timeout',
      servedBy: p.toPod,
      durationMs: 1,
    }),
  );
  const realized: Realized = {
    podIPs: Object.fromEntries(pods.map((p) => [p.key, [p.ip]])),
    serviceIPs: {},
    nodeIPs,
    nodeSubnets,
    clusterNetwork: netConf.Network,
    outsideNetwork: '192.168.200.0/24',
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
      ].sort(),
    );
    expect(ruledOut[0]?.reason).toContain('ConfigMap kube-flannel/kube-flannel-cfg');
  });
});
