/**
 * IPv4 as the lab plans it: parse, format, CIDR membership, the n-th subnet of a network, the n-th host of
 * a subnet. The lab's syntax is decided here (four decimal octets of one to three digits, a leading zero
 * read as decimal; a decimal prefix length); the numbers, ranges and text are ip-num's (spec/ipNum.ts).
 */
import {
  addressValue,
  type CidrRange,
  cidrRange,
  formatCidr as formatRange,
  hostOf as hostOfRange,
  ipNum,
  nthSubnet as nthSubnetOfRange,
  prefixSize,
  rangeHoldsAddress,
} from '../../spec/ipNum.ts';

export interface Cidr {
  readonly base: number;
  readonly prefixLength: number;
}

export function parseIPv4(text: string): number {
  const parts = text.split('.');
  const value =
    parts.length === 4 && parts.every((p) => /^\d{1,3}$/.test(p))
      ? addressValue(parts.map((p) => String(Number(p))).join('.'), 4)
      : undefined;
  if (value === undefined) throw new Error(`not an IPv4 address: ${text}`);
  return Number(value);
}

function rangeOf(c: Cidr): CidrRange {
  return cidrRange(BigInt(c.base), c.prefixLength, 4);
}

function cidrOf(range: CidrRange): Cidr {
  return { base: Number(range.getFirst().value), prefixLength: Number(range.getPrefix().getValue()) };
}

/** Parses `a.b.c.d/len`, normalising the base to the network address. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const lenText = text.slice(slash + 1);
  if (slash < 0 || !/^\d{1,2}$/.test(lenText) || Number(lenText) > 32) {
    throw new Error(`not an IPv4 CIDR: ${text}`);
  }
  return cidrOf(cidrRange(BigInt(parseIPv4(text.slice(0, slash))), Number(lenText), 4));
}

export function formatCidr(c: Cidr): string {
  return formatRange(rangeOf(c));
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return rangeHoldsAddress(rangeOf(c), BigInt(ip), 4);
}

/** How many addresses `c` holds. */
export function cidrSize(c: Cidr): number {
  return Number(prefixSize(c.prefixLength, 4));
}

/** The `index`-th subnet of length `subnetLength` inside `network`. */
export function nthSubnet(network: Cidr, subnetLength: number, index: number): Cidr {
  const subnet = nthSubnetOfRange(rangeOf(network), subnetLength, index);
  if (!subnet) throw new Error(`${formatCidr(network)} has no subnet /${subnetLength} number ${index}`);
  return cidrOf(subnet);
}

/** `base + offset` of a CIDR, formatted (`.1` is the gateway, `.0` flannel's VTEP address). */
export function hostOf(c: Cidr, offset: number): string {
  const host = hostOfRange(rangeOf(c), offset);
  if (!host) throw new Error(`${formatCidr(c)} has no host number ${offset}`);
  return host.toString();
}

/**
 * A locally administered MAC derived from an IPv4 address (`0a:58:` + its four bytes), as the CNI bridge
 * plugin once pinned its bridge's MAC: stable for the node's life, whatever ports come and go.
 */
export function macOfIPv4(ip: string): string {
  const octets = ipNum().IPv4.fromNumber(parseIPv4(ip)).getOctets();
  return ['0a', '58', ...octets.map((o) => o.getValue().toString(16).padStart(2, '0'))].join(':');
}
