import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { ipNum } from '../ipNum.ts';
import { addressText, isStrictSubset, networkText, parseCidr, parseIPv4 } from './cidr.ts';

// Source: k8s.io/utils/net ParseCIDRSloppy (Go 1.16 net.ParseCIDR) as used by ValidateIPBlock in
// pkg/apis/networking/validation/validation.go; StrictIPCIDRValidation is alpha and off by default.
describe('parseCidr (ParseCIDRSloppy semantics)', () => {
  test.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    ['10.10.1.12/24', '10.10.1.0/24'], // host bits set: accepted, means its network
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.168.1.1/32', '192.168.1.1/32'],
    ['010.001.0.0/16', '10.1.0.0/16'], // leading zeros read as decimal (sloppy)
    ['10.0.0.0/08', '10.0.0.0/8'], // prefix length with a leading zero
    ['fd00::/064', 'fd00::/64'], // the same for IPv6 (ip-num's IPv6CidrRange refuses it)
    ['2001:db8::/64', '2001:db8::/64'],
    ['2001:DB8:0:0:1::1/64', '2001:db8::/64'],
    ['2001:db8:1:0:0:1::/96', '2001:db8:1::1:0:0/96'], // RFC 5952: first longest zero run
    ['::/0', '::/0'],
    ['::ffff:10.0.0.1/128', '::ffff:a00:1/128'],
    ['fd00:10:244:1::7/128', 'fd00:10:244:1::7/128'],
  ])('%s is valid, network %s', (text, network) => {
    const parsed = parseCidr(text);
    expect(parsed).toBeDefined();
    if (parsed) expect(networkText(parsed)).toBe(network);
  });

  test.each([
    '10.0.0.0',
    '10.0.0.0/33',
    '10.0.0.256/8',
    '10.0.0/8',
    '10.0.0.0/-1',
    '10.0.0.0/ 8',
    '2001:db8:::/64',
    '2001:db8::/129',
    '1:2:3:4:5:6:7:8::/64', // `::` must stand for at least one group
    '1:2:3:4:5:6:7/64',
    'fe80::1%eth0/64',
    '',
    'abc',
  ])('%s is rejected', (text) => {
    expect(parseCidr(text)).toBeUndefined();
  });

  test('strict subset: inside and strictly longer prefix, same family', () => {
    const p = (s: string) => parseCidr(s)!;
    expect(isStrictSubset(p('10.0.5.0/24'), p('10.0.0.0/16'))).toBe(true);
    expect(isStrictSubset(p('10.0.0.0/16'), p('10.0.0.0/16'))).toBe(false);
    expect(isStrictSubset(p('10.1.0.0/24'), p('10.0.0.0/16'))).toBe(false);
    expect(isStrictSubset(p('10.0.0.0/8'), p('10.0.0.0/16'))).toBe(false);
    expect(isStrictSubset(p('::/1'), p('0.0.0.0/0'))).toBe(false);
    // host bits of except are ignored (Contains tests the except's network address)
    expect(isStrictSubset(p('10.0.5.77/24'), p('10.0.0.0/16'))).toBe(true);
  });

  test('property: every IPv4 address and prefix round-trips through text', () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 0, max: 32 }), (ip, len) => {
        const parsed = parseCidr(`${ip}/${len}`);
        expect(parsed && addressText(parsed.address, 4)).toBe(ip);
      }),
      { numRuns: 500, seed: 42 },
    );
  });

  test('property: every IPv6 address parses and prints back in canonical form', () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const parsed = parseCidr(`${ip}/128`);
        expect(parsed).toBeDefined();
        if (!parsed) return;
        const again = parseCidr(`${addressText(parsed.address, 6)}/128`);
        expect(again?.address).toBe(parsed.address);
      }),
      { numRuns: 500, seed: 42 },
    );
  });
});

// The dialect is this file's syntax check; ip-num on its own would answer differently in these cases.
describe('where ip-num alone differs from ParseCIDRSloppy', () => {
  const ipNumAccepts = (cidr: string) => {
    const { IPv4CidrRange, IPv6CidrRange } = ipNum();
    try {
      return (cidr.includes(':') ? IPv6CidrRange : IPv4CidrRange).fromCidr(cidr).toCidrString();
    } catch {
      return undefined;
    }
  };

  test.each([
    // leading zeros: ip-num refuses the octet, the API server reads it as decimal
    ['010.001.0.0/16', undefined, '10.1.0.0/16'],
    // a dotted IPv4 tail inside an IPv6 CIDR: ip-num's CIDR parser refuses it
    ['::ffff:10.0.0.1/128', undefined, '::ffff:a00:1/128'],
    // a leading zero in an IPv6 prefix length (ip-num takes it for IPv4)
    ['fd00::/064', undefined, 'fd00::/64'],
    // a zone: ip-num keeps it, Go's ParseCIDR (and so the API server) refuses it
    ['fe80::1%eth0/64', 'fe80::1%eth0/64', undefined],
    // host bits: both accept, but only the dialect's text is the network
    ['10.0.0.1/24', '10.0.0.1/24', '10.0.0.0/24'],
  ])('%s: ip-num %s, API server %s', (text, byIpNum, byDialect) => {
    expect(ipNumAccepts(text)).toBe(byIpNum);
    const parsed = parseCidr(text);
    expect(parsed && networkText(parsed)).toBe(byDialect);
  });

  test('property: an octet with leading zeros is its decimal value', () => {
    fc.assert(
      fc.property(
        fc.ipV4(),
        fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 4, maxLength: 4 }),
        (ip, pad) => {
          const padded = ip
            .split('.')
            .map((octet, i) => '0'.repeat(pad[i] ?? 0) + octet)
            .join('.');
          expect(parseIPv4(padded)).toBe(parseIPv4(ip));
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
