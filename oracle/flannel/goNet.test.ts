// Go's net.ParseIP / net.ParseCIDR semantics that flannel inherits (pkg/ip/ipnet.go, pkg/ip/ip6net.go).
import { isIPv4 } from 'node:net';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  cidrContains,
  cidrOverlaps,
  formatCidr,
  formatIP,
  parseGoCidr,
  parseGoIP,
  parseGoIPv4,
  parseGoIPv6,
} from './goNet.ts';

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
    expect(parseGoCidr('fc00::/129').ok).toBe(false);
    expect(parseGoCidr('10.244.0.0/').ok).toBe(false);
    expect(parseGoCidr('10.244.0.0/+16').ok).toBe(false);
  });

  test('the prefix length may have leading zeros: net.ParseCIDR reads it with dtoi (Go src/net/ip.go ParseCIDR)', () => {
    expect(formatCidr(cidr('10.244.0.0/016'))).toBe('10.244.0.0/16');
    expect(formatCidr(cidr('fc00::/00064'))).toBe('fc00::/64');
    expect(parseGoCidr('10.244.0.0/033').ok).toBe(false);
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

/** A valid address with up to two characters inserted or deleted: the edges of the grammar. */
function nearly(valid: fc.Arbitrary<string>, alphabet: string): fc.Arbitrary<string> {
  const edit = fc.record({
    at: fc.nat(),
    insert: fc.option(fc.constantFrom(...alphabet), { nil: undefined }),
  });
  return fc.tuple(valid, fc.array(edit, { maxLength: 2 })).map(([text, edits]) =>
    edits.reduce((t, e) => {
      const at = e.at % (t.length + 1);
      return e.insert === undefined
        ? t.slice(0, at) + t.slice(at + 1)
        : t.slice(0, at) + e.insert + t.slice(at);
    }, text),
  );
}

// The syntax check is podnet's; these compare it with two independent readers on the same strings.
describe('Go address syntax against independent readers', () => {
  // Node's net.isIPv4 takes exactly Go ≥ 1.17's dotted quads: four decimal octets ≤ 255, no leading zeros.
  test('property: IPv4 is what net.isIPv4 accepts, and prints back as written', () => {
    fc.assert(
      fc.property(nearly(fc.ipV4(), '0123456789.'), (text) => {
        const value = parseGoIPv4(text);
        expect(value !== undefined).toBe(isIPv4(text));
        if (value !== undefined) expect(formatIP(value, 4)).toBe(text);
      }),
      { numRuns: 2000, seed: 7 },
    );
  });

  // RFC 4291 §2.2 text forms with a strict dotted tail, no zone: what the WHATWG URL parser takes inside
  // brackets (url.spec.whatwg.org "IPv6 parser"), and its serializer prints the same value.
  test('property: IPv6 is what the WHATWG URL parser accepts, with the same value', () => {
    fc.assert(
      fc.property(nearly(fc.ipV6(), '0123456789abcdefABCDEF:.%'), (text) => {
        const value = parseGoIPv6(text);
        let url: string | undefined;
        try {
          url = new URL(`http://[${text}]`).hostname;
        } catch {
          url = undefined;
        }
        expect(value === undefined ? undefined : `[${formatIP(value, 6)}]`).toBe(url);
      }),
      { numRuns: 3000, seed: 7 },
    );
  });
});
