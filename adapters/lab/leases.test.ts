import { describe, expect, test } from 'vitest';
import { formatCidr, parseCidr } from './ipv4.ts';
import { allocateLeases } from './leases.ts';

const net = parseCidr('10.244.0.0/16');
const fmt = (m: Map<string, ReturnType<typeof parseCidr>>) =>
  Object.fromEntries([...m].map(([k, v]) => [k, formatCidr(v)]));

describe('lease allocation (kube-controller-manager range allocator, cidr_set.go; docs/research/flannel.md §2.2)', () => {
  test('the first node gets index 0, the Network base subnet, then in node order', () => {
    expect(fmt(allocateLeases([{ name: 'a' }, { name: 'b' }, { name: 'c' }], net, 24))).toEqual({
      a: '10.244.0.0/24',
      b: '10.244.1.0/24',
      c: '10.244.2.0/24',
    });
  });
  test('nodes with a podCIDR keep it and it is skipped for the others (occupyCIDRs)', () => {
    expect(fmt(allocateLeases([{ name: 'a' }, { name: 'b', podCIDR: '10.244.0.0/24' }], net, 24))).toEqual({
      a: '10.244.1.0/24',
      b: '10.244.0.0/24',
    });
  });
  test('SubnetLen sets the mask', () => {
    expect(fmt(allocateLeases([{ name: 'a' }, { name: 'b' }], net, 26))).toEqual({
      a: '10.244.0.0/26',
      b: '10.244.0.64/26',
    });
  });
  test('exhaustion is a target error ("no remaining CIDRs left to allocate")', () => {
    expect(() =>
      allocateLeases([{ name: 'a' }, { name: 'b' }, { name: 'c' }], parseCidr('10.0.0.0/23'), 24),
    ).toThrow(/no remaining CIDRs/);
  });
  test('the duplicate-lease fault hands the second node the first lease', () => {
    const m = fmt(allocateLeases([{ name: 'a' }, { name: 'b' }], net, 24, true));
    expect(m.b).toBe(m.a);
  });
});
