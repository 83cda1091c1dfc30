// Go's net.ParseIP / net.ParseCIDR semantics that flannel inherits (pkg/ip/ipnet.go, pkg/ip/ip6net.go).
import { describe, expect, test } from 'vitest';
import { cidrContains, cidrOverlaps, formatCidr, formatIP, parseGoCidr, parseGoIP } from './goNet.ts';

const cidr = (s: string) => {
  const r = parseGoCidr(s);
  if (!r.ok) throw new Error(r.error);
  return r.cidr;
};

describe('goNet', () => {
  test('ParseCIDR masks host bits and rejects what Go rejects', () => {
    expect(formatCidr(cidr('10.244.1.5/16'))).toBe('10.244.0.0/16');
    expect(parseGoCidr('10.244.0.0').ok).toBe(false);
    expect(parseGoCidr('010.244.0.0/16').ok).toBe(false);
    expect(parseGoCidr('10.244.0.0/016').ok).toBe(false);
    expect(parseGoCidr('fc00::/129').ok).toBe(false);
  });

  test('IPv6 is printed as Go prints it (longest zero run compressed, leftmost on ties)', () => {
    expect(formatCidr(cidr('fc00:0:0:1::/64'))).toBe('fc00:0:0:1::/64');
    expect(formatIP(parseGoIP('2001:db8:0:0:1:0:0:1')!.value, 6)).toBe('2001:db8::1:0:0:1');
    expect(formatIP(0n, 6)).toBe('::');
    expect(formatIP(parseGoIP('fc00:1:2:3:4:5:6:0')!.value, 6)).toBe('fc00:1:2:3:4:5:6:0');
  });

  test('an IPv4-mapped IPv6 address is IPv4 to Go', () => {
    expect(parseGoIP('::ffff:10.0.0.1')).toEqual({ family: 4, value: 0x0a000001n });
  });

  test('containment and overlap (IP4Net.ContainsCIDR, IP4Net.Overlaps)', () => {
    expect(cidrContains(cidr('10.244.0.0/16'), cidr('10.244.3.0/24'))).toBe(true);
    expect(cidrContains(cidr('10.244.0.0/24'), cidr('10.244.0.0/16'))).toBe(false);
    expect(cidrOverlaps(cidr('10.244.0.0/23'), cidr('10.244.1.0/24'))).toBe(true);
    expect(cidrOverlaps(cidr('10.244.0.0/24'), cidr('10.244.1.0/24'))).toBe(false);
  });
});
