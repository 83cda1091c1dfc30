// Symbolic ipBlocks resolve against what the target realized; `except` must stay a strict subset
// of `cidr` (networking/v1 validation: "must be a strict subset of `cidr`").
import { describe, expect, test } from 'vitest';
import {
  realizeCluster,
  resolveCidrRef,
  resolveIPBlock,
  resolvePolicies,
  strictlyInside,
} from './resolve.ts';
import type { Realized, ScenarioCluster, ScenarioPolicy } from './scenario.ts';

const realized: Realized = {
  podIPs: { 'x/a': ['10.244.1.2'], 'y/b': ['10.244.2.3'] },
  serviceIPs: { 'x/s1': '10.96.0.10' },
  nodeIPs: { 'node-1': '172.18.0.10', 'node-2': '172.18.0.11' },
  nodeSubnets: { 'node-1': '10.244.1.0/24', 'node-2': '10.244.2.0/24' },
  clusterNetwork: '10.244.0.0/16',
  outsideNetwork: '203.0.113.0/24',
};

describe('resolveCidrRef', () => {
  test('each reference denotes the address it names, in canonical form', () => {
    expect(resolveCidrRef({ ref: 'pod', pod: 'y/b', prefixLength: 32 }, realized)).toBe('10.244.2.3/32');
    expect(resolveCidrRef({ ref: 'pod', pod: 'y/b', prefixLength: 24 }, realized)).toBe('10.244.2.0/24');
    expect(resolveCidrRef({ ref: 'nodeSubnet', node: 'node-2' }, realized)).toBe('10.244.2.0/24');
    expect(resolveCidrRef({ ref: 'nodeIP', node: 'node-1', prefixLength: 32 }, realized)).toBe(
      '172.18.0.10/32',
    );
    expect(resolveCidrRef({ ref: 'clusterNetwork' }, realized)).toBe('10.244.0.0/16');
    expect(resolveCidrRef({ ref: 'outside' }, realized)).toBe('203.0.113.0/24');
    expect(resolveCidrRef({ ref: 'literal', cidr: '10.10.1.12/24' }, realized)).toBe('10.10.1.0/24');
    expect(resolveCidrRef({ ref: 'pod', pod: 'z/gone', prefixLength: 32 }, realized)).toBeUndefined();
  });

  test('strictlyInside follows the API rule: contained and strictly longer prefix', () => {
    expect(strictlyInside('10.244.1.2/32', '10.244.1.0/24')).toBe(true);
    expect(strictlyInside('10.244.1.0/24', '10.244.1.0/24')).toBe(false);
    expect(strictlyInside('10.244.2.3/32', '10.244.1.0/24')).toBe(false);
    expect(strictlyInside('10.0.0.0/8', '0.0.0.0/0')).toBe(true);
  });

  // CIDRs are read as the API server reads them (manifests/cidr.ts), IPv6 included.
  test("literals in the API server's syntax become canonical, in either family", () => {
    expect(resolveCidrRef({ ref: 'literal', cidr: '010.10.1.12/024' }, realized)).toBe('10.10.1.0/24');
    const v6 = { ...realized, nodeSubnets: { 'node-1': 'fd00:10:244:1::7/64' } };
    expect(resolveCidrRef({ ref: 'nodeSubnet', node: 'node-1' }, v6)).toBe('fd00:10:244:1::/64');
    expect(strictlyInside('fd00::/64', '::/0')).toBe(true);
    expect(strictlyInside('fd00::/64', '0.0.0.0/0')).toBe(false);
    expect(strictlyInside('10.0.0.0/8', '::/0')).toBe(false);
  });
});

// Issue 20: on a dual-stack target a reference names one family; IPv4 is the primary (first of podIPs).
describe('resolveCidrRef on a dual-stack target', () => {
  const dual: Realized = {
    ...realized,
    podIPs: { 'x/a': ['10.244.1.2', 'fd00:10:244:1::2'], 'y/b': ['10.244.2.3', 'fd00:10:244:2::3'] },
    ipv6: {
      nodeIPs: { 'node-1': 'fd00:172:18::10', 'node-2': 'fd00:172:18::11' },
      nodeSubnets: { 'node-1': 'fd00:10:244:1::/64', 'node-2': 'fd00:10:244:2::/64' },
      clusterNetwork: 'fd00:10:244::/56',
      outsideNetwork: 'fd00:203:0:113::/64',
    },
  };

  test('family 6 names the IPv6 address or network, absent or 4 the IPv4 one', () => {
    expect(resolveCidrRef({ ref: 'pod', pod: 'y/b', prefixLength: 32, family: 6 }, dual)).toBe(
      'fd00:10:244:2::3/128',
    );
    // The prefix is counted as for IPv4: /24 widens an IPv6 address to /120.
    expect(resolveCidrRef({ ref: 'pod', pod: 'y/b', prefixLength: 24, family: 6 }, dual)).toBe(
      'fd00:10:244:2::/120',
    );
    expect(resolveCidrRef({ ref: 'pod', pod: 'y/b', prefixLength: 32, family: 4 }, dual)).toBe(
      '10.244.2.3/32',
    );
    expect(resolveCidrRef({ ref: 'pod', pod: 'y/b', prefixLength: 32 }, dual)).toBe('10.244.2.3/32');
    expect(resolveCidrRef({ ref: 'nodeSubnet', node: 'node-2', family: 6 }, dual)).toBe('fd00:10:244:2::/64');
    expect(resolveCidrRef({ ref: 'nodeIP', node: 'node-1', prefixLength: 32, family: 6 }, dual)).toBe(
      'fd00:172:18::10/128',
    );
    expect(resolveCidrRef({ ref: 'clusterNetwork', family: 6 }, dual)).toBe('fd00:10:244::/56');
    expect(resolveCidrRef({ ref: 'clusterNetwork', family: 4 }, dual)).toBe('10.244.0.0/16');
    expect(resolveCidrRef({ ref: 'outside', family: 6 }, dual)).toBe('fd00:203:0:113::/64');
  });

  test('an IPv6 reference on an IPv4-only target names nothing; the block then stands for outside', () => {
    expect(resolveCidrRef({ ref: 'clusterNetwork', family: 6 }, realized)).toBeUndefined();
    expect(resolveCidrRef({ ref: 'pod', pod: 'y/b', prefixLength: 32, family: 6 }, realized)).toBeUndefined();
    expect(resolveIPBlock({ cidr: { ref: 'nodeSubnet', node: 'node-1', family: 6 } }, realized)).toEqual({
      cidr: '203.0.113.0/24',
    });
  });

  test('on an IPv6-only target the primary networks are IPv6, so family 6 reads the top level', () => {
    const v6only: Realized = {
      podIPs: { 'x/a': ['fd00:10:244:1::2'] },
      serviceIPs: {},
      ...dual.ipv6!,
    };
    expect(resolveCidrRef({ ref: 'nodeSubnet', node: 'node-1', family: 6 }, v6only)).toBe(
      'fd00:10:244:1::/64',
    );
    expect(resolveCidrRef({ ref: 'pod', pod: 'x/a', prefixLength: 32 }, v6only)).toBe('fd00:10:244:1::2/128');
  });

  test('an IPv6 except is kept inside an IPv6 cidr and dropped from an IPv4 one', () => {
    expect(
      resolveIPBlock(
        {
          cidr: { ref: 'nodeSubnet', node: 'node-1', family: 6 },
          except: [{ ref: 'pod', pod: 'x/a', prefixLength: 32, family: 6 }],
        },
        dual,
      ),
    ).toEqual({ cidr: 'fd00:10:244:1::/64', except: ['fd00:10:244:1::2/128'] });
    expect(
      resolveIPBlock(
        {
          cidr: { ref: 'nodeSubnet', node: 'node-1' },
          except: [{ ref: 'pod', pod: 'x/a', prefixLength: 32, family: 6 }],
        },
        dual,
      ),
    ).toEqual({ cidr: '10.244.1.0/24' });
  });
});

describe('resolveIPBlock', () => {
  test('"node-1\'s subnet except pod x/a" becomes the lease minus the pod', () => {
    const block = resolveIPBlock(
      { cidr: { ref: 'nodeSubnet', node: 'node-1' }, except: [{ ref: 'pod', pod: 'x/a', prefixLength: 32 }] },
      realized,
    );
    expect(block).toEqual({ cidr: '10.244.1.0/24', except: ['10.244.1.2/32'] });
  });

  test('an except outside the cidr (the pod moved) is dropped, as the API would reject it', () => {
    const block = resolveIPBlock(
      { cidr: { ref: 'nodeSubnet', node: 'node-1' }, except: [{ ref: 'pod', pod: 'y/b', prefixLength: 32 }] },
      realized,
    );
    expect(block).toEqual({ cidr: '10.244.1.0/24' });
  });

  test('a cidr naming a deleted pod becomes the outside network, never a vanished peer', () => {
    expect(resolveIPBlock({ cidr: { ref: 'pod', pod: 'z/gone', prefixLength: 32 } }, realized)).toEqual({
      cidr: '203.0.113.0/24',
    });
  });

  test('a concrete ipBlock is kept as is', () => {
    expect(resolveIPBlock({ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }, realized)).toEqual({
      cidr: '10.0.0.0/8',
      except: ['10.1.0.0/16'],
    });
  });
});

describe('resolvePolicies and realizeCluster', () => {
  const policy: ScenarioPolicy = {
    namespace: 'x',
    name: 'p1',
    podSelector: {},
    policyTypes: ['Egress'],
    egress: [
      { peers: [{ ipBlock: { cidr: { ref: 'pod', pod: 'y/b', prefixLength: 32 } } }, { podSelector: {} }] },
      { ports: [{ protocol: 'TCP', port: 80 }] },
    ],
  };

  test('only ipBlocks change; selectors, ports and absent fields stay as they were', () => {
    expect(resolvePolicies([policy], realized)).toEqual([
      {
        namespace: 'x',
        name: 'p1',
        podSelector: {},
        policyTypes: ['Egress'],
        egress: [
          { peers: [{ ipBlock: { cidr: '10.244.2.3/32' } }, { podSelector: {} }] },
          { ports: [{ protocol: 'TCP', port: 80 }] },
        ],
      },
    ]);
  });

  test('realizeCluster fills pod IPs, ClusterIPs and node addresses', () => {
    const cluster: ScenarioCluster = {
      nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
      namespaces: [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }],
      pods: [
        {
          namespace: 'x',
          name: 'a',
          labels: {},
          nodeName: 'node-1',
          hostNetwork: false,
          containers: [],
          ips: [],
          ready: true,
        },
      ],
      services: [
        { namespace: 'x', name: 's1', ports: [], sessionAffinity: 'None', affinityTimeoutSeconds: 10800 },
      ],
      policies: [policy],
    };
    const c = realizeCluster(cluster, realized);
    expect(c.pods[0]?.ips).toEqual(['10.244.1.2']);
    expect(c.services[0]?.clusterIP).toBe('10.96.0.10');
    expect(c.nodes[0]).toMatchObject({ podCIDR: '10.244.1.0/24', internalIP: '172.18.0.10' });
    expect(c.policies[0]?.egress?.[0]?.peers?.[0]?.ipBlock).toEqual({ cidr: '10.244.2.3/32' });
  });
});
