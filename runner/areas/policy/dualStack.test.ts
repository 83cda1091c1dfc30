// Dual-stack targets (issue 20): every pod is probed at each of its addresses, from the source's address of
// the same family (a connection has one family), and each probe is judged by the verdict of its family: an
// IPv4 ipBlock says nothing of IPv6 traffic (networking/v1 IPBlock, kubernetes/api networking/v1/types.go).
import { describe, expect, test } from 'vitest';
import type { Cluster, Pod } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import { DEFAULT_PROFILE } from '../../../spec/profile.ts';
import type { Realized } from '../../../spec/scenario.ts';
import type { ProbeResult } from '../../../spec/target.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import { judgeProbe } from './judge.ts';
import { planProbes } from './probePlan.ts';

function pod(name: string, ips: readonly string[]): Pod {
  return {
    namespace: 'x',
    name,
    labels: { pod: name },
    nodeName: 'node-1',
    hostNetwork: false,
    containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    ips: [...ips],
    ready: true,
  };
}

const realized: Realized = {
  podIPs: {
    'x/a': ['10.244.0.2', 'fd00:10:244::2'],
    'x/b': ['10.244.0.3', 'fd00:10:244::3'],
    'x/c': ['10.244.0.4'],
  },
  serviceIPs: {},
  nodeIPs: { 'node-1': '192.168.100.10' },
  nodeSubnets: { 'node-1': '10.244.0.0/24' },
  clusterNetwork: '10.244.0.0/16',
  outsideNetwork: '192.168.200.0/24',
  ipv6: {
    nodeIPs: { 'node-1': 'fd00:192:168::10' },
    nodeSubnets: { 'node-1': 'fd00:10:244::/64' },
    clusterNetwork: 'fd00:10:244::/56',
    outsideNetwork: 'fd00:192:168:200::/64',
  },
};

// b admits only the IPv4 /16 of the cluster network.
const cluster: Cluster = {
  nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
  namespaces: [{ name: 'x', labels: { [NAMESPACE_NAME_LABEL]: 'x' } }],
  pods: [
    pod('a', realized.podIPs['x/a']!),
    pod('b', realized.podIPs['x/b']!),
    pod('c', realized.podIPs['x/c']!),
  ],
  services: [],
  policies: [
    {
      namespace: 'x',
      name: 'b-v4-only',
      podSelector: { matchLabels: { pod: 'b' } },
      policyTypes: ['Ingress'],
      ingress: [{ peers: [{ ipBlock: { cidr: '10.244.0.0/16' } }] }],
    },
  ],
};

const options = {
  protocols: ['TCP'] as const,
  timeoutMs: 1000,
  maxProbes: 1000,
  viaServices: false,
  outside: false,
  seed: 1,
};

describe('dual-stack probes', () => {
  test('each address of a destination, from a source that has that family', () => {
    const plan = planProbes(cluster, realized, options);
    const pairs = plan.probes.map((p) => `${p.request.from}→${p.request.host}`);
    expect(pairs).toEqual([
      'x/a→10.244.0.2',
      'x/a→fd00:10:244::2',
      'x/a→10.244.0.3',
      'x/a→fd00:10:244::3',
      'x/a→10.244.0.4',
      'x/b→10.244.0.2',
      'x/b→fd00:10:244::2',
      'x/b→10.244.0.3',
      'x/b→fd00:10:244::3',
      'x/b→10.244.0.4',
      // c has no IPv6 address: it cannot open an IPv6 connection.
      'x/c→10.244.0.2',
      'x/c→10.244.0.3',
      'x/c→10.244.0.4',
    ]);
  });

  test('an IPv4 ipBlock admits the IPv4 connection; the IPv6 one to the same pod is denied', () => {
    const oracle = policyOracleFactory(cluster, DEFAULT_PROFILE);
    const plan = planProbes(cluster, realized, options);
    const toB = plan.probes.filter(
      (p) => p.request.from === 'x/a' && p.request.host.startsWith('10.244.0.3'),
    );
    const toB6 = plan.probes.filter((p) => p.request.from === 'x/a' && p.request.host === 'fd00:10:244::3');
    const connected = (id: string, seen: string): ProbeResult => ({
      id,
      outcome: 'connected',
      servedBy: 'x/b',
      sourceSeen: seen,
      durationMs: 1,
    });
    const v4 = judgeProbe(toB[0]!, connected(toB[0]!.request.id, '10.244.0.2'), cluster, realized, oracle);
    expect([v4.expected, v4.kind]).toEqual(['allow', 'conforms']);
    // The IPv6 connection got through: a leak, the classic "ip6tables rules not written".
    const v6 = judgeProbe(
      toB6[0]!,
      connected(toB6[0]!.request.id, 'fd00:10:244::2'),
      cluster,
      realized,
      oracle,
    );
    expect([v6.expected, v6.kind]).toEqual(['deny', 'leak']);
    // Refused, as a correct network does it.
    const refused: ProbeResult = { id: toB6[0]!.request.id, outcome: 'refused', durationMs: 1 };
    expect(judgeProbe(toB6[0]!, refused, cluster, realized, oracle).kind).toBe('conforms');
  });
});
