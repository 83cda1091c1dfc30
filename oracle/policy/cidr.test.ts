import { describe, expect, test } from 'vitest';
import { ipBlockContains, parseCidr, parseIP } from './cidr.ts';

const parseIPv4 = (text: string) => {
  const ip = parseIP(text);
  return ip?.family === 4 ? ip.value : undefined;
};
const parseIPv6 = (text: string) => {
  const ip = parseIP(text);
  return ip?.family === 6 ? ip.value : undefined;
};

describe('cidr', () => {
  test('parses IPv4 and rejects malformed or leading-zero octets', () => {
    expect(parseIPv4('10.0.0.1')).toBe(0x0a000001);
    expect(parseIPv4('255.255.255.255')).toBe(0xffffffff);
    expect(parseIPv4('256.0.0.1')).toBeUndefined();
    expect(parseIPv4('010.0.0.1')).toBeUndefined();
    expect(parseIPv4('10.0.0')).toBeUndefined();
  });

  test('parses IPv6 with :: and an embedded IPv4 tail', () => {
    expect(parseIPv6('::1')).toBe(1n);
    expect(parseIPv6('fd00::5')).toBe((0xfd00n << 112n) | 5n);
    expect(parseIPv6('::ffff:10.0.0.1')).toBe((0xffffn << 32n) | 0x0a000001n);
    expect(parseIPv6('1:2:3:4:5:6:7:8')).toBe(0x00010002000300040005000600070008n);
    expect(parseIPv6('1::2::3')).toBeUndefined();
    expect(parseIPv6('12345::')).toBeUndefined();
  });

  // docs/research/netpol.md §7 rule 18 (Antrea #1764): a CIDR with host bits set means its network.
  test('a CIDR with host bits set means its network', () => {
    expect(parseCidr('10.10.1.12/24')).toEqual(parseCidr('10.10.1.0/24'));
    expect(parseCidr('10.244.1.10/4')).toEqual({ family: 4, first: 0, last: 0x0fffffff });
    expect(parseCidr('fd00::5/8')).toEqual(parseCidr('fd00::/8'));
    expect(parseCidr('0.0.0.0/0')).toEqual({ family: 4, first: 0, last: 0xffffffff });
    expect(parseCidr('10.0.0.0/33')).toBeUndefined();
    expect(parseCidr('10.0.0.0')).toBeUndefined();
  });

  // §7 rule 14 (types.go IPBlock): cidr minus every except; rule 18: IPv4 never matches IPv6.
  test('ipBlock is cidr minus except, and never crosses address families', () => {
    const ip = (s: string) => parseIP(s)!;
    expect(ipBlockContains('172.17.0.0/16', ['172.17.1.0/24'], ip('172.17.0.5'))).toBe(true);
    expect(ipBlockContains('172.17.0.0/16', ['172.17.1.0/24'], ip('172.17.1.5'))).toBe(false);
    expect(ipBlockContains('172.17.0.0/16', ['172.17.1.0/24'], ip('172.18.0.1'))).toBe(false);
    expect(ipBlockContains('0.0.0.0/0', [], ip('fd00::1'))).toBe(false);
    expect(ipBlockContains('::/0', [], ip('10.0.0.1'))).toBe(false);
    expect(ipBlockContains('::/0', [], ip('fd00::1'))).toBe(true);
    expect(ipBlockContains('not-a-cidr', [], ip('10.0.0.1'))).toBe(false);
  });
});
