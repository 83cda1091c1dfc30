/** The little IPv4 CIDR arithmetic the policy agent needs to write ipset entries, in the lab's syntax (../ipv4.ts). */
import { cidrRange, hostOf } from '../../../spec/ipNum.ts';
import { type Cidr, cidrContains, formatCidr, parseIPv4, parseCidr as parseLabCidr } from '../ipv4.ts';

export type { Cidr };
export { formatCidr };

/** Parses an IPv4 CIDR (or a bare address as /32); host bits are cleared, as Go's `net.ParseCIDR` does. */
export function parseCidr(text: string): Cidr | undefined {
  try {
    return parseLabCidr(text.includes('/') ? text : `${text}/32`);
  } catch {
    return undefined;
  }
}

/** Whether `c` holds the address `ip` (dotted quad). */
export function cidrHolds(c: Cidr, ip: string): boolean {
  try {
    return cidrContains(c, parseIPv4(ip));
  } catch {
    return false;
  }
}

/** The first host address of a subnet (`<lease>.1`, the cni0 address). */
export function firstHost(cidrText: string): string | undefined {
  const c = parseCidr(cidrText);
  return c === undefined ? undefined : hostOf(cidrRange(BigInt(c.base), c.prefixLength, 4), 1)?.toString();
}

/**
 * Splits a CIDR into prefixes ipset's hash:net can hold: it takes /1 to /32, so /0 becomes two /1s.
 */
export function ipsetPrefixes(c: Cidr): Cidr[] {
  if (c.prefixLength > 0) return [c];
  return cidrRange(BigInt(c.base), 0, 4)
    .split()
    .map((half) => ({ base: Number(half.getFirst().value), prefixLength: 1 }));
}
