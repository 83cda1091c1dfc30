// Issue 20: on a target with IPv6, generated ipBlocks name addresses of each family ("covers pod y/b's IPv6
// address", "node 2's IPv6 subnet except …"); on an IPv4 target the generator draws exactly what it drew
// before, so a seed keeps its scenarios.
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import type { IPFamily } from '../spec/ipNum.ts';
import { type CidrRef, isSymbolicIPBlock, type Scenario, type SymbolicIPBlock } from '../spec/scenario.ts';
import { scenarioArb } from './scenario.ts';

/** Every symbolic ipBlock of a scenario, initial policies and steps alike. */
function ipBlocks(s: Scenario): SymbolicIPBlock[] {
  const policies = [
    ...s.cluster.policies,
    ...s.steps.flatMap((st) => (st.kind === 'createPolicy' || st.kind === 'updatePolicy' ? [st.policy] : [])),
  ];
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
  });
});
