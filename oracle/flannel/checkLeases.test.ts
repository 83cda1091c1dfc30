// Lease invariants, docs/research/flannel.md §2.4. Sources: pkg/subnet/kube/kube.go `AcquireLease` (Network
// must contain the podCIDR), pkg/subnet/etcd/local_manager.go (`isSubnetConfigCompat`, `allocateSubnet`), and
// kubernetes pkg/controller/nodeipam/ipam/cidrset/cidr_set.go (`AllocateNext`, index 0 first).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { EffectiveNetConf } from '../../spec/flannelExpectation.ts';
import { checkLeases } from './checkLeases.ts';
import { expectedLeasesInOrder } from './expectedLeasesInOrder.ts';
import { parseNetConf } from './parseNetConf.ts';

function config(conf: object, subnetManager: 'kube' | 'etcd'): EffectiveNetConf {
  const r = parseNetConf(JSON.stringify(conf), { subnetManager });
  if (!r.ok) throw new Error(r.error);
  return r.config;
}
const kubeConf = config({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } }, 'kube');
const etcdConf = config(
  {
    Network: '10.3.0.0/16',
    SubnetLen: 24,
    SubnetMin: '10.3.5.0',
    SubnetMax: '10.3.8.0',
    Backend: { Type: 'vxlan' },
  },
  'etcd',
);
const rules = (v: ReturnType<typeof checkLeases>) => v.map((x) => `${x.rule}:${x.nodes.join(',')}`);

describe('checkLeases, kube manager', () => {
  test('consecutive /24s inside Network hold every invariant', () => {
    expect(checkLeases(kubeConf, { a: '10.244.0.0/24', b: '10.244.1.0/24', c: '10.244.2.0/24' })).toEqual([]);
  });

  test('a podCIDR outside Network is the error flannel exits with (kube.go AcquireLease)', () => {
    const v = checkLeases(kubeConf, { a: '10.10.0.0/24' });
    expect(rules(v)).toEqual(['lease-inside-network:a']);
    expect(v[0]!.message).toBe(
      'subnet "10.244.0.0/16" specified in the flannel net config doesn\'t contain "10.10.0.0/24" PodCIDR of the "a" node',
    );
  });

  test('two nodes holding one lease (the duplicate-lease bug) are named together', () => {
    expect(rules(checkLeases(kubeConf, { a: '10.244.1.0/24', b: '10.244.1.0/24' }))).toEqual([
      'lease-disjoint:a,b',
    ]);
  });

  test('overlap of different lengths counts (flannel IP4Net.Overlaps compares under the shorter mask)', () => {
    expect(rules(checkLeases(kubeConf, { a: '10.244.0.0/23', b: '10.244.1.0/24' }))).toEqual([
      'lease-length:a',
      'lease-disjoint:a,b',
    ]);
  });

  test('length is the node mask (KCM default 24), not SubnetLen', () => {
    const withSubnetLen = config(
      { Network: '10.244.0.0/16', SubnetLen: 26, Backend: { Type: 'vxlan' } },
      'kube',
    );
    expect(checkLeases(withSubnetLen, { a: '10.244.0.0/24' })).toEqual([]);
    expect(rules(checkLeases(withSubnetLen, { a: '10.244.0.0/26' }))).toEqual(['lease-length:a']);
    expect(checkLeases(withSubnetLen, { a: '10.244.0.0/26' }, 'kube', { nodeCidrMaskSize: 26 })).toEqual([]);
  });

  test('host bits set and unparsable leases', () => {
    expect(rules(checkLeases(kubeConf, { a: '10.244.1.7/24', b: 'nonsense' }))).toEqual([
      'lease-aligned:a',
      'lease-valid-cidr:b',
    ]);
  });
});

describe('checkLeases, etcd manager', () => {
  test('leases of SubnetLen inside SubnetMin..SubnetMax pass', () => {
    expect(checkLeases(etcdConf, { a: '10.3.5.0/24', b: '10.3.8.0/24' })).toEqual([]);
  });

  test('a lease outside SubnetMin..SubnetMax (isSubnetConfigCompat)', () => {
    expect(rules(checkLeases(etcdConf, { a: '10.3.4.0/24', b: '10.3.9.0/24' }))).toEqual([
      'lease-within-min-max:a',
      'lease-within-min-max:b',
    ]);
  });

  test('the network base subnet is never allocated with the default SubnetMin', () => {
    const defaults = config({ Network: '10.3.0.0/16', Backend: { Type: 'vxlan' } }, 'etcd');
    expect(rules(checkLeases(defaults, { a: '10.3.0.0/24' }))).toEqual(['lease-within-min-max:a']);
  });

  test('a lease whose length is not SubnetLen', () => {
    expect(rules(checkLeases(etcdConf, { a: '10.3.6.0/25' }))).toEqual(['lease-length:a']);
  });
});

// IPv6 leases (EnableIPv6): pkg/subnet/kube/kube.go `AcquireLease` (containsCIDR of IPv6Network, the podCIDR
// of the IPv6 family, only with enableIPv6) and pkg/subnet/etcd/local_manager.go (`isIPv6SubnetConfigCompat`,
// `allocateSubnet` skipping an IPv6 subnet that Overlaps a held one); KCM's --node-cidr-mask-size-ipv6 is 64.
describe('checkLeases, IPv6 leases (EnableIPv6)', () => {
  const dualKube = config(
    {
      Network: '10.244.0.0/16',
      EnableIPv6: true,
      IPv6Network: 'fd00:10:244::/56',
      Backend: { Type: 'vxlan' },
    },
    'kube',
  );
  const v4 = { a: '10.244.0.0/24', b: '10.244.1.0/24' };
  const v6 = (leases: Record<string, string>, nodeCidrMaskSize?: number) => ({
    ipv6: { leases, ...(nodeCidrMaskSize !== undefined ? { nodeCidrMaskSize } : {}) },
  });
  const withFamily = (v: ReturnType<typeof checkLeases>) =>
    v.map((x) => `${x.family}:${x.rule}:${x.nodes.join(',')}`);

  test('consecutive /64s inside IPv6Network hold every invariant', () => {
    expect(checkLeases(dualKube, v4, 'kube', v6({ a: 'fd00:10:244::/64', b: 'fd00:10:244:1::/64' }))).toEqual(
      [],
    );
  });

  test('an IPv6 podCIDR outside IPv6Network is the error flannel exits with (kube.go AcquireLease)', () => {
    const v = checkLeases(dualKube, v4, 'kube', v6({ a: 'fd00:10:244::/64', b: 'fd00:99::/64' }));
    expect(withFamily(v)).toEqual(['6:lease-inside-network:b']);
    expect(v[0]!.message).toBe(
      'subnet "fd00:10:244::/56" specified in the flannel net config doesn\'t contain "fd00:99::/64" IPv6 PodCIDR of the "b" node',
    );
  });

  test('two nodes holding one IPv6 lease are named together, as IPv6', () => {
    const v = checkLeases(dualKube, v4, 'kube', v6({ a: 'fd00:10:244:1::/64', b: 'fd00:10:244:1::/64' }));
    expect(withFamily(v)).toEqual(['6:lease-disjoint:a,b']);
    expect(v[0]!.message).toContain('IPv6 leases of nodes "a"');
  });

  test('the IPv6 length is the IPv6 node mask (KCM default 64), not IPv6SubnetLen', () => {
    const withSubnetLen = config(
      { Network: '10.244.0.0/16', EnableIPv6: true, IPv6Network: 'fd00::/56', IPv6SubnetLen: 80 },
      'kube',
    );
    expect(checkLeases(withSubnetLen, v4, 'kube', v6({ a: 'fd00::/64' }))).toEqual([]);
    expect(withFamily(checkLeases(withSubnetLen, v4, 'kube', v6({ a: 'fd00::/80' })))).toEqual([
      '6:lease-length:a',
    ]);
    expect(checkLeases(withSubnetLen, v4, 'kube', v6({ a: 'fd00::/80' }, 80))).toEqual([]);
  });

  test('an IPv4 CIDR where the IPv6 lease belongs, and host bits set', () => {
    expect(
      withFamily(checkLeases(dualKube, v4, 'kube', v6({ a: '10.244.0.0/24', b: 'fd00:10:244:1::7/64' }))),
    ).toEqual(['6:lease-valid-cidr:a', '6:lease-aligned:b']);
  });

  test('without EnableIPv6 flannel reads no IPv6 podCIDR, and none is judged', () => {
    expect(checkLeases(kubeConf, v4, 'kube', v6({ a: 'nonsense', b: 'nonsense' }))).toEqual([]);
  });

  test('IPv4 and IPv6 leases are judged apart: the same node breaks each once', () => {
    const v = checkLeases(dualKube, { a: '10.10.0.0/24' }, 'kube', v6({ a: 'fd00:99::/64' }));
    expect(withFamily(v)).toEqual(['4:lease-inside-network:a', '6:lease-inside-network:a']);
  });

  test('etcd: IPv6SubnetLen and IPv6SubnetMin..IPv6SubnetMax (isIPv6SubnetConfigCompat)', () => {
    const dualEtcd = config(
      {
        Network: '10.3.0.0/16',
        EnableIPv6: true,
        IPv6Network: 'fd00:3::/48',
        IPv6SubnetLen: 64,
        IPv6SubnetMin: 'fd00:3:0:5::',
        IPv6SubnetMax: 'fd00:3:0:8::',
        Backend: { Type: 'vxlan' },
      },
      'etcd',
    );
    const v4etcd = { a: '10.3.1.0/24', b: '10.3.2.0/24', c: '10.3.3.0/24' };
    expect(checkLeases(dualEtcd, v4etcd, 'etcd', v6({ a: 'fd00:3:0:5::/64', b: 'fd00:3:0:8::/64' }))).toEqual(
      [],
    );
    expect(
      withFamily(
        checkLeases(
          dualEtcd,
          v4etcd,
          'etcd',
          v6({ a: 'fd00:3:0:4::/64', b: 'fd00:3:0:6::/80', c: 'fd00:3:0:9::/64' }),
        ),
      ),
    ).toEqual(['6:lease-within-min-max:a', '6:lease-length:b', '6:lease-within-min-max:c']);
  });
});

describe('expectedLeasesInOrder (KCM range allocator, cidr_set.go)', () => {
  test('index 0 first: the cluster CIDR base goes to the first node (issues #533/#535)', () => {
    expect(expectedLeasesInOrder('10.244.0.0/16', ['cp', 'w1', 'w2'])).toEqual({
      cp: '10.244.0.0/24',
      w1: '10.244.1.0/24',
      w2: '10.244.2.0/24',
    });
  });

  test('nodes beyond capacity get no CIDR ("no remaining CIDRs left to allocate")', () => {
    expect(expectedLeasesInOrder('10.1.0.0/23', ['a', 'b', 'c'], { nodeCidrMaskSize: 24 })).toEqual({
      a: '10.1.0.0/24',
      b: '10.1.1.0/24',
    });
  });

  test('property: the predicted leases hold every kube invariant', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 8, max: 24 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 20 }),
        (clusterPrefix, extra, count) => {
          const mask = Math.min(30, clusterPrefix + extra);
          const network = `10.0.0.0/${clusterPrefix}`;
          const conf = config({ Network: network, Backend: { Type: 'host-gw' } }, 'kube');
          const nodes = Array.from({ length: count }, (_, i) => `n${i}`);
          const leases = expectedLeasesInOrder(network, nodes, { nodeCidrMaskSize: mask });
          return (
            Object.keys(leases).length === Math.min(count, 2 ** (mask - clusterPrefix)) &&
            checkLeases(conf, leases, 'kube', { nodeCidrMaskSize: mask }).length === 0
          );
        },
      ),
      { numRuns: 200, seed: 11 },
    );
  });
});
