import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import {
  addressValue,
  cidrRange,
  formatAddress,
  formatCidr,
  hostOf,
  ipNum,
  nthSubnet,
  prefixSize,
  rangeHolds,
  rangeHoldsAddress,
  rangesOverlap,
} from './ipNum.ts';

/** Eight 16-bit groups, zero half of the time, so that runs of zeros of every length and place occur. */
const ipv6Value = fc
  .array(fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 0xffff })), { minLength: 8, maxLength: 8 })
  .map((groups) => groups.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n));

describe('formatAddress', () => {
  // RFC 5952 §4: lower case, no leading zeros, the longest run of two or more zero groups as `::`, the first
  // on a tie. The WHATWG URL serializer (url.spec.whatwg.org "IPv6 serializer") writes the same form.
  test('property: IPv6 text is what the WHATWG URL serializer writes', () => {
    fc.assert(
      fc.property(ipv6Value, (value) => {
        const text = formatAddress(value, 6);
        expect(`[${text}]`).toBe(new URL(`http://[${text}]`).hostname);
        expect(addressValue(text, 6)).toBe(value);
      }),
      { numRuns: 1000, seed: 17 },
    );
  });

  test('RFC 5952 cases', () => {
    const v6 = (text: string) => formatAddress(addressValue(text, 6)!, 6);
    expect(v6('2001:db8:0:0:1:0:0:1')).toBe('2001:db8::1:0:0:1'); // first of two equal runs
    expect(v6('2001:db8:0:1:1:1:1:1')).toBe('2001:db8:0:1:1:1:1:1'); // RFC 5952 §4.2.2: one zero group stays
    expect(v6('2001:0:0:1:0:0:0:1')).toBe('2001:0:0:1::1'); // the longest run
    expect(v6('0:0:0:0:0:0:0:0')).toBe('::');
    expect(v6('FD00:0:0:0:0:0:0:A')).toBe('fd00::a'); // RFC 5952 §4.3: lower case
  });

  test('property: a dotted quad round-trips', () => {
    fc.assert(
      fc.property(fc.ipV4(), (ip) => {
        expect(formatAddress(addressValue(ip, 4)!, 4)).toBe(ip);
      }),
      { numRuns: 500, seed: 17 },
    );
  });
});

describe('ranges', () => {
  const v4 = (text: string) => addressValue(text, 4)!;

  // ip-num's own text keeps host bits and all eight IPv6 groups; formatCidr prints the network, compressed.
  test('formatCidr prints the network where ip-num toCidrString keeps what was written', () => {
    const { IPv4CidrRange, IPv6CidrRange } = ipNum();
    expect(IPv4CidrRange.fromCidr('10.0.0.1/24').toCidrString()).toBe('10.0.0.1/24');
    expect(formatCidr(cidrRange(v4('10.0.0.1'), 24, 4))).toBe('10.0.0.0/24');
    expect(IPv6CidrRange.fromCidr('fd00:10:96::/112').toCidrString()).toBe('fd00:10:96:0:0:0:0:0/112');
    expect(formatCidr(cidrRange(addressValue('fd00:10:96::7', 6)!, 112, 6))).toBe('fd00:10:96::/112');
    expect(formatCidr(cidrRange(0n, 0, 6))).toBe('::/0');
  });

  test('containment and overlap never cross families', () => {
    expect(rangeHolds(cidrRange(0n, 0, 4), cidrRange(0n, 128, 6))).toBe(false);
    expect(rangesOverlap(cidrRange(0n, 0, 6), cidrRange(0n, 0, 4))).toBe(false);
    expect(rangeHoldsAddress(cidrRange(0n, 0, 6), v4('10.0.0.1'), 4)).toBe(false);
    expect(rangeHolds(cidrRange(v4('10.244.0.0'), 16, 4), cidrRange(v4('10.244.3.0'), 24, 4))).toBe(true);
    expect(rangesOverlap(cidrRange(v4('10.244.0.0'), 23, 4), cidrRange(v4('10.244.1.0'), 24, 4))).toBe(true);
    expect(rangesOverlap(cidrRange(v4('10.244.0.0'), 24, 4), cidrRange(v4('10.244.1.0'), 24, 4))).toBe(false);
  });

  test('subnets and hosts stop at the end of their range', () => {
    const net = cidrRange(v4('10.244.0.0'), 16, 4);
    expect(formatCidr(nthSubnet(net, 24, 0)!)).toBe('10.244.0.0/24');
    expect(formatCidr(nthSubnet(net, 24, 255)!)).toBe('10.244.255.0/24');
    expect(nthSubnet(net, 24, 256)).toBeUndefined();
    expect(nthSubnet(net, 24, -1)).toBeUndefined();
    const lease = nthSubnet(net, 24, 3)!;
    expect(hostOf(lease, 1)?.toString()).toBe('10.244.3.1');
    expect(hostOf(lease, 255)?.toString()).toBe('10.244.3.255');
    expect(hostOf(lease, 256)).toBeUndefined();
    expect(prefixSize(24, 4)).toBe(256n);
    expect(prefixSize(0, 6)).toBe(1n << 128n);
  });
});
