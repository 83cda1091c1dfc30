/**
 * IPv6 as the lab plans it (the dual-stack and IPv6-only pod networks): parse, format, CIDR membership,
 * the n-th subnet of a network, the n-th host of a subnet. Text is RFC 5952 (spec/ipNum.ts); the numbers
 * and ranges are ip-num's. The IPv4 twin is ipv4.ts.
 */
import {
  addressValue,
  type CidrRange,
  cidrRange,
  formatAddress,
  formatCidr as formatRange,
  hostOf as hostOfRange,
  nthSubnet as nthSubnetOfRange,
  rangeHoldsAddress,
} from '../../spec/ipNum.ts';

export interface Cidr6 {
  /** The network address; kept as text so a plan stays JSON (its topology key is JSON). */
  readonly base: string;
  readonly prefixLength: number;
}

/** The value of IPv6 text; throws on anything else (IPv4 included). */
function parseIPv6(text: string): bigint {
  const value = text.includes(':') ? addressValue(text, 6) : undefined;
  if (value === undefined) throw new Error(`not an IPv6 address: ${text}`);
  return value;
}

function rangeOf(c: Cidr6): CidrRange {
  return cidrRange(parseIPv6(c.base), c.prefixLength, 6);
}

function cidrOf(range: CidrRange): Cidr6 {
  return {
    base: formatAddress(range.getFirst().value, 6),
    prefixLength: Number(range.getPrefix().getValue()),
  };
}

/** Parses `addr/len` (host bits cleared); throws on anything that is not an IPv6 CIDR. */
export function parseCidr6(text: string): Cidr6 {
  const slash = text.indexOf('/');
  const lenText = text.slice(slash + 1);
  if (slash < 0 || !/^\d{1,3}$/.test(lenText) || Number(lenText) > 128) {
    throw new Error(`not an IPv6 CIDR: ${text}`);
  }
  return cidrOf(cidrRange(parseIPv6(text.slice(0, slash)), Number(lenText), 6));
}

export function formatCidr6(c: Cidr6): string {
  return formatRange(rangeOf(c));
}

export function cidr6Contains(c: Cidr6, address: string): boolean {
  try {
    return rangeHoldsAddress(rangeOf(c), parseIPv6(address), 6);
  } catch {
    return false;
  }
}

/** The `index`-th subnet of length `subnetLength` inside `network`. */
export function nthSubnet6(network: Cidr6, subnetLength: number, index: number): Cidr6 {
  const subnet = nthSubnetOfRange(rangeOf(network), subnetLength, index);
  if (!subnet) throw new Error(`${formatCidr6(network)} has no subnet /${subnetLength} number ${index}`);
  return cidrOf(subnet);
}

/** `base + offset` of a CIDR, formatted (`::1` is the gateway, `::` flannel's VTEP address). */
export function hostOf6(c: Cidr6, offset: number): string {
  const host = hostOfRange(rangeOf(c), offset);
  if (!host) throw new Error(`${formatCidr6(c)} has no host number ${offset}`);
  return formatAddress(host.value, 6);
}
