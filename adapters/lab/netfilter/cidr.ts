/**
 * The little CIDR arithmetic the policy agent needs to write ipset entries, for either family: IPv4 in the
 * lab's syntax (../ipv4.ts), IPv6 in RFC 5952 text (../ipv6.ts). A CIDR of the other family never parses,
 * so an IPv4 ipBlock never reaches the IPv6 rules and the other way round.
 */
import {
  addressValue,
  type CidrRange,
  cidrRange,
  formatCidr as formatRange,
  hostOf,
  type IPFamily,
  rangeHoldsAddress,
} from '../../../spec/ipNum.ts';
import { parseCidr as parseLabCidr } from '../ipv4.ts';
import { parseCidr6 } from '../ipv6.ts';

export interface Cidr {
  readonly range: CidrRange;
  readonly family: IPFamily;
}

/** Parses a CIDR of `family` (or a bare address as /32, /128); host bits are cleared, as Go's `net.ParseCIDR` does. */
export function parseCidr(text: string, family: IPFamily = 4): Cidr | undefined {
  try {
    if (family === 4) {
      const c = parseLabCidr(text.includes('/') ? text : `${text}/32`);
      return { range: cidrRange(BigInt(c.base), c.prefixLength, 4), family };
    }
    const c = parseCidr6(text.includes('/') ? text : `${text}/128`);
    const base = addressValue(c.base, 6);
    return base === undefined ? undefined : { range: cidrRange(base, c.prefixLength, 6), family };
  } catch {
    return undefined;
  }
}

export function formatCidr(c: Cidr): string {
  return formatRange(c.range);
}

/** Whether `c` holds the address `ip` (of its family). */
export function cidrHolds(c: Cidr, ip: string): boolean {
  const value = addressValue(ip, c.family);
  return value !== undefined && rangeHoldsAddress(c.range, value, c.family);
}

/** The first host address of a subnet (`<lease>.1` / `<lease6>::1`, the cni0 address). */
export function firstHost(cidrText: string, family: IPFamily = 4): string | undefined {
  const c = parseCidr(cidrText, family);
  const host = c === undefined ? undefined : hostOf(c.range, 1);
  return host === undefined
    ? undefined
    : formatRange(cidrRange(host.value, family === 4 ? 32 : 128, family)).split('/')[0];
}

/** The host prefix of an address: `/32` for IPv4, `/128` for IPv6. */
export function hostCidr(ip: string): string {
  return `${ip}/${ip.includes(':') ? 128 : 32}`;
}

/**
 * Splits a CIDR into prefixes ipset's hash:net can hold: it takes /1 to /32 (/128), so /0 becomes two /1s.
 */
export function ipsetPrefixes(c: Cidr): Cidr[] {
  if (Number(c.range.getPrefix().getValue()) > 0) return [c];
  return c.range.split().map((half) => ({ range: half, family: c.family }));
}
