// MODEL-NODE-TO-POD: the planner adds a probe from each pod's own node; the judge expects it to connect
// whatever the policies say.
import { describe, expect, test } from 'vitest';
import type { Cluster, Pod } from '../../../spec/model.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { ProbeResult } from '../../../spec/target.ts';
import type { PolicyOracle } from '../../policyOracle.ts';
import { judgeProbe } from './judge.ts';
import { planProbes } from './probePlan.ts';

function pod(name: string, nodeName?: string, hostNetwork = false): Pod {
  return {
    namespace: 'x',
    name,
    labels: {},
    ...(nodeName ? { nodeName } : {}),
    hostNetwork,
    containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    ips: [],
    ready: true,
  };
}

const cluster: Cluster = {
  nodes: [
    { name: 'node-1', labels: {}, segment: 0 },
    { name: 'node-2', labels: {}, segment: 0 },
  ],
  namespaces: [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }],
  // a is bound; b is not (its node is the one whose lease holds its IP); h is hostNetwork.
  pods: [pod('a', 'node-1'), pod('b'), pod('h', 'node-2', true)],
  services: [],
  policies: [],
};

const realized: Realized = {
  podIPs: { 'x/a': ['10.244.0.2'], 'x/b': ['10.244.1.2'], 'x/h': ['192.168.100.11'] },
  serviceIPs: {},
  nodeIPs: { 'node-1': '192.168.100.10', 'node-2': '192.168.100.11' },
  nodeSubnets: { 'node-1': '10.244.0.0/24', 'node-2': '10.244.1.0/24' },
  clusterNetwork: '10.244.0.0/16',
  outsideNetwork: '192.168.200.0/24',
};

const denyAll: PolicyOracle = {
  judge: () => ({ verdict: 'deny', explanation: ['isolated'] }),
  verdict: () => 'deny',
};

const base = {
  protocols: ['TCP'] as const,
  timeoutMs: 1000,
  maxProbes: 1000,
  viaServices: false,
  outside: false,
  seed: 1,
};

describe('node-to-pod probes', () => {
  test('one probe from each non-hostNetwork pod to its own node, found by binding or by lease', () => {
    const plan = planProbes(cluster, realized, { ...base, fromNodes: true });
    const fromNodes = plan.probes.filter((p) => p.request.from.startsWith('node:'));
    expect(fromNodes.map((p) => [p.request.from, p.request.host, p.request.port])).toEqual([
      ['node:node-1', '10.244.0.2', 80],
      ['node:node-2', '10.244.1.2', 80],
    ]);
    expect(planProbes(cluster, realized, base).probes.some((p) => p.request.from.startsWith('node:'))).toBe(
      false,
    );
  });

  test('judged as always allowed: refused is a MODEL-NODE-TO-POD block even where policy denies', () => {
    const [probe] = planProbes(cluster, realized, { ...base, fromNodes: true }).probes.filter(
      (p) => p.request.from === 'node:node-1',
    );
    const refused: ProbeResult = { id: probe!.request.id, outcome: 'refused', durationMs: 1 };
    const blocked = judgeProbe(probe!, refused, cluster, realized, denyAll);
    expect([blocked.kind, blocked.rule, blocked.expected]).toEqual(['block', 'MODEL-NODE-TO-POD', 'allow']);

    const ok: ProbeResult = {
      id: 'p',
      outcome: 'connected',
      servedBy: 'x/a',
      sourceSeen: '10.244.0.1',
      durationMs: 1,
    };
    expect(judgeProbe(probe!, ok, cluster, realized, denyAll).kind).toBe('conforms');

    const wrong: ProbeResult = { ...ok, servedBy: 'x/b' };
    const j = judgeProbe(probe!, wrong, cluster, realized, denyAll);
    expect([j.kind, j.rule]).toEqual(['mismatch', 'MODEL-UNIQUE-IP']);
  });
});
