/**
 * Pod-to-pod probes across nodes: planned from the oracle's peer table, judged by outcome and by which
 * pod answered. host-gw peers on another L2 segment have no path (Documentation/backends.md: "Requires
 * direct layer2 connectivity between hosts"), so a probe to them must not connect.
 */
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { NodeNetworkState } from '../../../spec/nodeState.ts';
import type { ProbeResult } from '../../../spec/target.ts';
import type { PlannedProbe } from './dataplane.ts';
import { dataplaneRows, isDataplaneFailure, judgeDataplaneProbe, planDataplaneProbes } from './dataplane.ts';
import type { FlannelScenario } from './flannelScenario.ts';
import {
  describeFlannelScenario,
  flannelCluster,
  flannelScenarioArb,
  flannelScenarioYaml,
  leaseCapacity,
  nodeMaskOf,
} from './flannelScenario.ts';
import { judgeNodeStates } from './judgeNodeStates.ts';

const rec = JSON.parse(
  readFileSync(new URL('./fixtures/hostgw-3nodes-2segments.json', import.meta.url), 'utf8'),
) as {
  scenario: FlannelScenario;
  realized: {
    nodeIPs: Record<string, string>;
    nodeSubnets: Record<string, string>;
    podIPs: Record<string, string[]>;
  };
  states: NodeNetworkState[];
};

function plan(ambiguous: string[] = []): PlannedProbe[] {
  const j = judgeNodeStates({
    netConf: rec.scenario.netConf,
    segments: { 'node-1': 0, 'node-2': 1, 'node-3': 0 },
    nodeIPs: rec.realized.nodeIPs,
    leases: rec.realized.nodeSubnets,
    states: rec.states,
    nodeCidrMaskSize: nodeMaskOf(rec.scenario.netConf),
  });
  const pods = Object.entries(rec.realized.podIPs).map(([key, ips]) => ({
    key,
    node: `node-${key.split('/')[1]?.slice(1, 2)}`,
    ip: ips[0] as string,
  }));
  return planDataplaneProbes(pods, j.expected, ambiguous, { tcp: 80, udp: 81 }, 1000);
}

function result(p: PlannedProbe, outcome: ProbeResult['outcome'], servedBy?: string): ProbeResult {
  return { id: p.request.id, outcome, durationMs: 1, ...(servedBy ? { servedBy } : {}) };
}

describe('dataplane probes', () => {
  test('every ordered pair of nodes is probed; host-gw peers on another segment are predicted unreachable', () => {
    const probes = plan();
    expect(probes.map((p) => `${p.fromNode}>${p.toNode}:${p.expected}`).sort()).toEqual([
      'node-1>node-2:unreachable',
      'node-1>node-3:reachable',
      'node-2>node-1:unreachable',
      'node-2>node-3:unreachable',
      'node-3>node-1:reachable',
      'node-3>node-2:unreachable',
    ]);
    expect(probes.every((p) => p.request.protocol === 'TCP' && p.request.port === 80)).toBe(true);
  });

  test('judgement: reachable must connect to the right pod; unreachable must not connect; errors are inconclusive', () => {
    const probes = plan();
    const reach = probes.find((p) => p.expected === 'reachable') as PlannedProbe;
    const none = probes.find((p) => p.expected === 'unreachable') as PlannedProbe;
    expect(judgeDataplaneProbe(reach, result(reach, 'connected', reach.toPod)).verdict).toBe('ok');
    expect(judgeDataplaneProbe(reach, result(reach, 'timeout')).verdict).toBe('block');
    expect(judgeDataplaneProbe(reach, result(reach, 'connected', 'flannel-probe/other')).verdict).toBe(
      'mismatch',
    );
    expect(judgeDataplaneProbe(reach, result(reach, 'error')).verdict).toBe('inconclusive');
    expect(judgeDataplaneProbe(reach, undefined).verdict).toBe('inconclusive');
    expect(judgeDataplaneProbe(none, result(none, 'timeout')).verdict).toBe('ok');
    expect(judgeDataplaneProbe(none, result(none, 'refused')).verdict).toBe('ok');
    expect(judgeDataplaneProbe(none, result(none, 'connected', none.toPod)).verdict).toBe('mismatch');
  });

  test('probes between nodes with overlapping leases are recorded, not judged', () => {
    const probes = plan(['node-1', 'node-3']);
    const p = probes.find((x) => x.fromNode === 'node-1' && x.toNode === 'node-3') as PlannedProbe;
    expect(p.expected).toBe('undefined');
    const j = judgeDataplaneProbe(p, result(p, 'timeout'));
    expect(j.verdict).toBe('undefined');
    expect(isDataplaneFailure(j)).toBe(false);
  });

  test('rows sit on the source node and mark failing probes', () => {
    const probes = plan();
    const reach = probes.find((p) => p.expected === 'reachable') as PlannedProbe;
    const rows = dataplaneRows([judgeDataplaneProbe(reach, result(reach, 'timeout'))]);
    expect(rows).toEqual([
      expect.objectContaining({
        node: reach.fromNode,
        object: 'dataplane',
        observed: 'timeout',
        differs: true,
      }),
    ]);
  });
});

describe('dataplane probes on a dual-stack recording', () => {
  const dual = JSON.parse(
    readFileSync(new URL('./fixtures/hostgw-dual-3nodes-2segments.json', import.meta.url), 'utf8'),
  ) as typeof rec & {
    realized: { ipv6: { nodeIPs: Record<string, string>; nodeSubnets: Record<string, string> } };
  };
  const judgeDual = (withIPv6: boolean) =>
    judgeNodeStates({
      netConf: dual.scenario.netConf,
      segments: { 'node-1': 0, 'node-2': 1, 'node-3': 0 },
      nodeIPs: dual.realized.nodeIPs,
      leases: dual.realized.nodeSubnets,
      states: dual.states,
      nodeCidrMaskSize: nodeMaskOf(dual.scenario.netConf),
      ...(withIPv6
        ? { ipv6: { nodeIPs: dual.realized.ipv6.nodeIPs, leases: dual.realized.ipv6.nodeSubnets } }
        : {}),
    });
  const j = judgeDual(true);
  const pods = (family: 4 | 6) =>
    Object.entries(dual.realized.podIPs).map(([key, ips]) => ({
      key,
      node: `node-${key.split('/')[1]?.slice(1, 2)}`,
      ip: ips.find((ip) => ip.includes(':') === (family === 6)) as string,
    }));

  test('IPv6 addresses are probed against the IPv6 peer table (host-gw IPv6 routes need L2 adjacency too)', () => {
    const v6 = planDataplaneProbes(pods(6), j.expected, [], { tcp: 80, udp: 81 }, 1000, 6);
    expect(v6.map((p) => `${p.fromNode}>${p.toNode}:${p.expected}`).sort()).toEqual([
      'node-1>node-2:unreachable',
      'node-1>node-3:reachable',
      'node-2>node-1:unreachable',
      'node-2>node-3:unreachable',
      'node-3>node-1:reachable',
      'node-3>node-2:unreachable',
    ]);
    expect(v6.every((p) => p.family === 6 && p.request.host.includes(':'))).toBe(true);
    const v4 = planDataplaneProbes(pods(4), j.expected, [], { tcp: 80, udp: 81 }, 1000);
    const ids = new Set([...v4, ...v6].map((p) => p.request.id));
    expect(ids.size).toBe(v4.length + v6.length);
  });

  test('without an IPv6 side in the expectation the IPv6 probes are not judged', () => {
    const v4only = judgeDual(false);
    const v6 = planDataplaneProbes(pods(6), v4only.expected, [], { tcp: 80, udp: 81 }, 1000, 6);
    expect(v6.every((p) => p.expected === 'undefined')).toBe(true);
  });
});

describe('flannelScenarioArb', () => {
  test('2–5 nodes, segments numbered from 0 in order of use, enough leases', () => {
    fc.assert(
      fc.property(flannelScenarioArb(), (s) => {
        expect(s.nodes.length).toBeGreaterThanOrEqual(2);
        expect(s.nodes.length).toBeLessThanOrEqual(5);
        expect(s.nodes[0]?.segment).toBe(0);
        expect(s.nodes.every((n) => n.segment <= 1 && n.pods >= 1 && n.pods <= 2)).toBe(true);
        expect(leaseCapacity(s.netConf)).toBeGreaterThanOrEqual(s.nodes.length);
      }),
      { numRuns: 200, seed: 7 },
    );
  });

  test('Backend.MTU above the lab NIC (1500) is generated, not capped: the oracle predicts the kernel cap', () => {
    const mtus = fc
      .sample(flannelScenarioArb(), { seed: 7, numRuns: 300 })
      .map((s) => s.netConf.Backend?.MTU);
    expect(mtus.some((m) => typeof m === 'number' && m > 1500)).toBe(true);
  });

  test('ipFamily ipv4 (the default) draws exactly the scenarios it drew before dual-stack, seed for seed', () => {
    const drawn = fc.sample(flannelScenarioArb({ ipFamily: 'ipv4' }), { seed: 1, numRuns: 4 });
    expect(drawn.map(describeFlannelScenario)).toEqual([
      'host-gw, Network 172.30.0.0/20 SubnetLen 23, 2 nodes on segments 0,1',
      'host-gw, Network 10.1.0.0/16 SubnetLen 26, 2 nodes on segments 0,0',
      'udp Port 8285, Network 10.42.0.0/16 SubnetLen 22, 5 nodes on segments 0,0,1,0,1',
      'vxlan MTU 9000, Network 10.42.0.0/16 SubnetLen 26, 3 nodes on segments 0,1,0',
    ]);
    expect(fc.sample(flannelScenarioArb(), { seed: 1, numRuns: 4 })).toEqual(drawn);
  });

  test('ipFamily dual: EnableIPv6 with a ULA IPv6Network and a lease length the lab takes, never udp', () => {
    const backends = new Set<string>();
    fc.assert(
      fc.property(flannelScenarioArb({ ipFamily: 'dual' }), (s) => {
        const c = s.netConf;
        expect(c.EnableIPv6).toBe(true);
        expect(String(c.IPv6Network)).toMatch(/^fd[0-9a-f]{2}:/);
        const prefix = Number(String(c.IPv6Network).split('/')[1]);
        const len = (c.IPv6SubnetLen as number | undefined) ?? 64;
        expect(len).toBeGreaterThan(prefix);
        expect(len).toBeLessThanOrEqual(120);
        expect(2 ** Math.min(len - prefix, 30)).toBeGreaterThanOrEqual(s.nodes.length);
        backends.add(String(c.Backend?.Type));
      }),
      { numRuns: 200, seed: 7 },
    );
    expect([...backends].sort()).toEqual(['host-gw', 'vxlan']);
  });

  test('a pinned backend and one segment are honoured', () => {
    fc.assert(
      fc.property(flannelScenarioArb({ backend: 'udp', segments: 1 }), (s) => {
        expect(s.netConf.Backend?.Type).toBe('udp');
        expect(s.nodes.every((n) => n.segment === 0)).toBe(true);
      }),
      { numRuns: 50, seed: 7 },
    );
  });

  test('the cluster pins pods to nodes and the YAML carries net-conf.json and the topology', () => {
    const s: FlannelScenario = {
      netConf: { Network: '10.244.0.0/16', Backend: { Type: 'host-gw' } },
      nodes: [
        { segment: 0, pods: 2 },
        { segment: 1, pods: 1 },
      ],
    };
    const c = flannelCluster(s);
    expect(c.nodes.map((n) => [n.name, n.segment])).toEqual([
      ['node-1', 0],
      ['node-2', 1],
    ]);
    expect(c.pods.map((p) => `${p.name}@${p.nodeName}`)).toEqual([
      'n1-p1@node-1',
      'n1-p2@node-1',
      'n2-p1@node-2',
    ]);
    const yaml = flannelScenarioYaml(s);
    expect(yaml).toContain('#   node-2: L2 segment 1, 1 pod');
    expect(yaml).toContain('"Type": "host-gw"');
    expect(yaml).toContain('kind: Pod');
  });
});
