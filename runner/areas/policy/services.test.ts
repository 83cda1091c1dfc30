// Probes through Services: each ClusterIP of a dual-stack Service is probed from sources of its family and
// judged with that family's policy verdicts; a backend that does not serve the target port refuses.
import { describe, expect, test } from 'vitest';
import type { Cluster, Pod, Service } from '../../../spec/model.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { ProbeResult } from '../../../spec/target.ts';
import type { PolicyOracle } from '../../policyOracle.ts';
import { judgeProbe } from './judge.ts';
import { planProbes } from './probePlan.ts';

function pod(name: string, ports: Pod['containers'][number]['ports']): Pod {
  return {
    namespace: 'x',
    name,
    labels: { pod: name },
    nodeName: 'node-1',
    hostNetwork: false,
    containers: [{ name: 'c', ports }],
    ips: [],
    ready: true,
  };
}

const service = (name: string, selector: string, targetPort: number): Service => ({
  namespace: 'x',
  name,
  selector: { pod: selector },
  ports: [{ protocol: 'UDP', port: 9000, targetPort }],
  sessionAffinity: 'None',
  affinityTimeoutSeconds: 10800,
});

const cluster: Cluster = {
  nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
  namespaces: [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }],
  pods: [pod('a', []), pod('b', [{ containerPort: 80, protocol: 'UDP' }])],
  // s-none selects a, which declares nothing; s-dual selects b, which serves 80/UDP.
  services: [
    service('s-none', 'a', 80),
    { ...service('s-dual', 'b', 80), ipFamilyPolicy: 'RequireDualStack' },
  ],
  policies: [],
};

const realized: Realized = {
  podIPs: { 'x/a': ['10.244.0.2', 'fd00:10:244::2'], 'x/b': ['10.244.0.3', 'fd00:10:244::3'] },
  serviceIPs: { 'x/s-none': '10.96.0.10', 'x/s-dual': '10.96.0.11' },
  secondaryServiceIPs: { 'x/s-dual': 'fd00:10:96::b' },
  nodeIPs: { 'node-1': '192.168.100.10' },
  nodeSubnets: { 'node-1': '10.244.0.0/24' },
  clusterNetwork: '10.244.0.0/16',
  outsideNetwork: '192.168.200.0/24',
};

// Allows IPv4 and denies IPv6 (a policy with only IPv4 ipBlocks): the family must reach the oracle.
const v4Only: PolicyOracle = {
  judge: (_from, _to, _port, _protocol, family) =>
    family === 6
      ? { verdict: 'deny', explanation: ['no IPv6 block'] }
      : { verdict: 'allow', explanation: ['ok'] },
  verdict: () => 'allow',
};

const plan = planProbes(cluster, realized, {
  protocols: ['TCP', 'UDP'],
  timeoutMs: 1000,
  maxProbes: 1000,
  viaServices: true,
  outside: false,
  seed: 1,
}).probes.filter((p) => p.dest.kind === 'service' && p.request.from === 'x/a');

const result = (id: string, outcome: ProbeResult['outcome']): ProbeResult => ({ id, outcome, durationMs: 1 });

describe('probes through Services', () => {
  test('a dual-stack Service is probed at both ClusterIPs; a single-stack one at its one', () => {
    expect(plan.map((p) => p.request.host).sort()).toEqual(['10.96.0.10', '10.96.0.11', 'fd00:10:96::b']);
  });

  test("each ClusterIP is judged with its family's verdict", () => {
    const at = (host: string) => plan.find((p) => p.request.host === host)!;
    const v4 = judgeProbe(at('10.96.0.11'), result('1', 'connected'), cluster, realized, v4Only);
    const v6 = judgeProbe(at('fd00:10:96::b'), result('2', 'connected'), cluster, realized, v4Only);
    expect([v4.expected, v4.kind]).toEqual(['allow', 'conforms']);
    expect([v6.expected, v6.kind]).toEqual(['deny', 'leak']);
  });

  test('a backend that does not serve the target port refuses, whatever the policies allow', () => {
    const probe = plan.find((p) => p.request.host === '10.96.0.10')!;
    const refused = judgeProbe(probe, result('3', 'refused'), cluster, realized, v4Only);
    expect([refused.expected, refused.kind]).toEqual(['deny', 'conforms']);
    expect(refused.explanation.join(' ')).toContain('x/a serves nothing on 80/UDP');
  });
});
