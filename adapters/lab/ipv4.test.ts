import { describe, expect, test } from 'vitest';
import { cidrContains, formatCidr, hostOf, macOfIPv4, nthSubnet, parseCidr, parseIPv4 } from './ipv4.ts';
import { readNetConf } from './netConf.ts';
import { HostLocalRange } from './pods.ts';
import type { LabNode } from './topology.ts';

describe('macOfIPv4', () => {
  test('is 0a:58 followed by the address bytes in hex', () => {
    expect(macOfIPv4('10.244.0.1')).toBe('0a:58:0a:f4:00:01');
    expect(macOfIPv4('10.244.255.129')).toBe('0a:58:0a:f4:ff:81');
  });
});

describe("the lab's IPv4 syntax", () => {
  test('octets of one to three decimal digits, a leading zero read as decimal; host bits cleared', () => {
    expect(parseIPv4('010.244.000.001')).toBe(parseIPv4('10.244.0.1'));
    expect(formatCidr(parseCidr('010.244.1.7/16'))).toBe('10.244.0.0/16');
    expect(formatCidr(parseCidr('0.0.0.0/0'))).toBe('0.0.0.0/0');
  });

  test.each([
    '10.0.0.0/', // Number('') is 0: this once meant 0.0.0.0/0
    '10.0.0.0/0x10', // and this /16
    '10.0.0.0/ 8',
    '10.0.0.0/8/9',
    '10.0.0.0/33',
    '10.0.0.0',
    '10.0.0.256/8',
    '0010.0.0.0/8',
    'fd00::/64',
  ])('%s is not an IPv4 CIDR', (text) => {
    expect(() => parseCidr(text)).toThrow(/not an IPv4/);
  });

  test('subnets and hosts stay inside their range', () => {
    const net = parseCidr('10.244.0.0/16');
    expect(formatCidr(nthSubnet(net, 24, 255))).toBe('10.244.255.0/24');
    expect(() => nthSubnet(net, 24, 256)).toThrow(/no subnet/);
    const lease = nthSubnet(net, 23, 1);
    expect(hostOf(lease, 300)).toBe('10.244.3.44');
    expect(() => hostOf(lease, 512)).toThrow(/no host/);
    expect(cidrContains(lease, parseIPv4('10.244.3.255'))).toBe(true);
    expect(cidrContains(lease, parseIPv4('10.244.4.0'))).toBe(false);
  });
});

describe('addresses the lab plans', () => {
  // flannel writes FLANNEL_NETWORK from ip.IP4Net, which ParseCIDR masked (pkg/ip/ipnet.go).
  test('the Network text is the masked network', () => {
    expect(readNetConf({ Network: '10.244.1.0/16', Backend: { Type: 'vxlan' } }).networkText).toBe(
      '10.244.0.0/16',
    );
  });

  test('host-local frees an address of a lease wider than a /24 by its offset, not its last octet', () => {
    const node = { name: 'node-1', lease: parseCidr('10.244.2.0/23') } as LabNode;
    const range = new HostLocalRange(node);
    const taken = Array.from({ length: 300 }, () => range.allocate());
    expect(taken[299]).toBe('10.244.3.45');
    range.release('10.244.3.45');
    for (let i = 0; i < 209; i++) range.allocate();
    expect(range.allocate()).toBe('10.244.3.45');
  });
});
