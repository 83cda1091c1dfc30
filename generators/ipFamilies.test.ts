// Issue 20: on a target with IPv6, generated ipBlocks name addresses of each family ("covers pod y/b's IPv6
// address", "node 2's IPv6 subnet except …"); on an IPv4 target the generator draws exactly what it drew
// before, so a seed keeps its scenarios.
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { serviceFamiliesOn } from '../spec/ipFamily.ts';
import type { IPFamily } from '../spec/ipNum.ts';
import { cidrHolds, parseCidr, parseIPv6 } from '../spec/manifests/cidr.ts';
import { keyOf } from '../spec/model.ts';
import { resolveIPBlock } from '../spec/resolve.ts';
import {
  type CidrRef,
  isSymbolicIPBlock,
  type Realized,
  type Scenario,
  type ScenarioCluster,
  type ScenarioPolicy,
  type SymbolicIPBlock,
} from '../spec/scenario.ts';
import { scenarioArb } from './scenario.ts';
import { withSyntheticAddresses } from './syntheticAddresses.ts';

/** Every symbolic ipBlock of a scenario, initial policies and steps alike. */
function ipBlocks(s: Scenario): SymbolicIPBlock[] {
  return ipBlocksOf([
    ...s.cluster.policies,
    ...s.steps.flatMap((st) => (st.kind === 'createPolicy' || st.kind === 'updatePolicy' ? [st.policy] : [])),
  ]);
}

function ipBlocksOf(policies: readonly ScenarioPolicy[]): SymbolicIPBlock[] {
  const out: SymbolicIPBlock[] = [];
  for (const p of policies) {
    for (const rule of [...(p.ingress ?? []), ...(p.egress ?? [])]) {
      for (const peer of rule.peers ?? []) {
        if (peer.ipBlock && isSymbolicIPBlock(peer.ipBlock)) out.push(peer.ipBlock);
      }
    }
  }
  return out;
}

function cidrRefs(s: Scenario): CidrRef[] {
  return ipBlocks(s).flatMap((b) => [b.cidr, ...(b.except ?? [])]);
}

function sample(ipFamilies?: readonly IPFamily[]): CidrRef[] {
  const arb = scenarioArb({ size: 'small', excludeSCTP: true, ...(ipFamilies ? { ipFamilies } : {}) });
  return fc.sample(arb, { numRuns: 300, seed: 7 }).flatMap(cidrRefs);
}

const familyOf = (r: CidrRef) => (r.ref === 'literal' ? (r.cidr.includes(':') ? 6 : 4) : r.family);

/**
 * A cluster's addresses as the dual-stack lab assigns them: IPv4 as withSyntheticAddresses, IPv6 from
 * fd00:10:244::/56 with node i leasing fd00:10:244:i::/64 and its pods from ::2 (adapters/lab/dualStack.test.ts).
 */
function dualStackAddresses(cluster: ScenarioCluster): Realized {
  const { realized } = withSyntheticAddresses(cluster);
  const lease = (i: number) => `fd00:10:244:${i.toString(16)}::`;
  const nodeIndex = new Map(cluster.nodes.map((n, i) => [n.name, i]));
  const nextHost = new Map<number, number>();
  const podIPs: Record<string, string[]> = {};
  for (const p of cluster.pods) {
    const node = nodeIndex.get(p.nodeName ?? '') ?? 0xff;
    const host = nextHost.get(node) ?? 2;
    nextHost.set(node, host + 1);
    podIPs[keyOf(p)] = [...(realized.podIPs[keyOf(p)] ?? []), `${lease(node)}${host.toString(16)}`];
  }
  return {
    ...realized,
    podIPs,
    ipv6: {
      nodeIPs: Object.fromEntries(
        cluster.nodes.map((n, i) => [n.name, `fd00:192:168:100::${(16 + i).toString(16)}`]),
      ),
      nodeSubnets: Object.fromEntries(cluster.nodes.map((n, i) => [n.name, `${lease(i)}/64`])),
      clusterNetwork: 'fd00:10:244::/56',
      outsideNetwork: 'fd00:192:168:200::/64',
    },
  };
}

describe('ipBlock families', () => {
  test('dual-stack: references of both families, an except in the family of its cidr', () => {
    const refs = sample([4, 6]);
    const families = new Set(refs.map(familyOf));
    expect(families).toEqual(new Set([4, 6]));
    expect(refs.some((r) => r.ref === 'literal' && r.cidr === '::/0')).toBe(true);
    const arb = scenarioArb({ size: 'small', excludeSCTP: true, ipFamilies: [4, 6] });
    for (const s of fc.sample(arb, { numRuns: 300, seed: 7 })) {
      for (const block of ipBlocks(s)) {
        const family = familyOf(block.cidr);
        for (const e of block.except ?? []) expect(familyOf(e) ?? 4).toBe(family ?? 4);
      }
    }
  });

  // The lab fault ipv6-except-ignored shows only through an IPv6 except that removes a pod that probes (every pod
  // probes at each of its addresses). Drawn as IPv4 blocks are, about half the IPv6 blocks of a dual-stack
  // scenario had one, and `podnet selftest --ip-family dual` missed the fault at seed 1 within 60 s.
  test('dual-stack: at least 70% of IPv6 ipBlocks carry an except that removes a pod address', () => {
    const arb = scenarioArb({
      size: 'small',
      excludeSCTP: true,
      areas: ['policy', 'model'],
      ipFamilies: [4, 6],
    });
    let ipv6Blocks = 0;
    let removingAPod = 0;
    for (const s of fc.sample(arb, { numRuns: 300, seed: 7 })) {
      const realized = dualStackAddresses(s.cluster);
      const podAddresses = Object.values(realized.podIPs).flatMap((ips) =>
        ips.flatMap((ip) => parseIPv6(ip) ?? []),
      );
      for (const block of ipBlocksOf(s.cluster.policies)) {
        const resolved = resolveIPBlock(block, realized);
        if (!resolved.cidr.includes(':')) continue;
        ipv6Blocks += 1;
        const removes = (resolved.except ?? []).some((e) => {
          const except = parseCidr(e);
          return except !== undefined && podAddresses.some((a) => cidrHolds(except, a, 6));
        });
        if (removes) removingAPod += 1;
      }
    }
    expect(ipv6Blocks).toBeGreaterThan(100);
    expect(removingAPod / ipv6Blocks).toBeGreaterThanOrEqual(0.7);
  });

  test('IPv6 only: every reference names IPv6', () => {
    const refs = sample([6]);
    expect(refs.length).toBeGreaterThan(50);
    expect(refs.every((r) => familyOf(r) === 6)).toBe(true);
  });

  test('IPv4 only (the default): the same scenarios as without the option, no family named', () => {
    const arb = (o: object) => scenarioArb({ size: 'small', excludeSCTP: true, ...o });
    const before = fc.sample(arb({}), { numRuns: 100, seed: 3 });
    expect(fc.sample(arb({ ipFamilies: [4] }), { numRuns: 100, seed: 3 })).toEqual(before);
    expect(before.flatMap(cidrRefs).every((r) => r.ref === 'literal' || r.family === undefined)).toBe(true);
    // The draws of releases before dual-stack tuning (issue 20): change this digest only on purpose, since
    // every recorded IPv4 seed then names other scenarios.
    expect(createHash('sha256').update(JSON.stringify(before)).digest('hex')).toBe(
      '75d05a4acf6859752dd42fb3b886fc51b0fbb08222a511896175902cc2879eae',
    );
  });

  test('dual-stack Services: family fields of every kind, each one a dual-stack cluster accepts', () => {
    const scenarios = fc.sample(scenarioArb({ size: 'small', ipFamilies: [4, 6], areas: ['policy', 'lb'] }), {
      numRuns: 200,
      seed: 5,
    });
    const services = scenarios.flatMap((sc) => sc.cluster.services);
    expect(services.length).toBeGreaterThan(50);
    const kinds = new Set<string>();
    for (const svc of services) {
      const r = serviceFamiliesOn(svc, [4, 6]);
      expect('families' in r).toBe(true);
      if ('families' in r) kinds.add(r.families.join('+'));
    }
    // Single-stack of either family, and dual-stack with either family primary.
    expect([...kinds].sort()).toEqual(['4', '4+6', '6', '6+4']);
  });
});
