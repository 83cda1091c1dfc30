/**
 * Addresses and CIDR ranges through ip-num (github.com/ip-num/ip-num): the numeric value of address text,
 * ranges, containment, overlap and subnet arithmetic, and address text. Which strings count as an address
 * is not decided here but by each dialect's syntax check, which hands canonical text on: the API server's
 * (`manifests/cidr.ts`), Go's (`oracle/flannel/goNet.ts`) and the lab's (`adapters/lab/ipv4.ts`).
 */
import { createRequire } from 'node:module';
import type * as IpNumModule from 'ip-num';

export type IPFamily = 4 | 6;
export type IPNum = IpNumModule.IPv4 | IpNumModule.IPv6;
export type CidrRange = IpNumModule.IPv4CidrRange | IpNumModule.IPv6CidrRange;

let loaded: typeof IpNumModule | undefined;

/**
 * ip-num, loaded on its first use: a command that reads no address does not pay for it, and `require` of
 * its CommonJS files costs a half to a quarter of `import()` (`npm run bench -- ipnum` prints both).
 */
export function ipNum(): typeof IpNumModule {
  loaded ??= createRequire(import.meta.url)('ip-num') as typeof IpNumModule;
  return loaded;
}

/** The value of address text a dialect accepted (a plain dotted quad, or IPv6 groups), or undefined when ip-num refuses it. */
export function addressValue(text: string, family: IPFamily): bigint | undefined {
  const { IPv4, IPv6 } = ipNum();
  try {
    return family === 4 ? IPv4.fromDecimalDottedString(text).value : IPv6.fromHexadecatet(text).value;
  } catch {
    return undefined;
  }
}

/** The address `value` of `family` as an ip-num number. */
function ipOf(value: bigint, family: IPFamily): IPNum {
  const { IPv4, IPv6 } = ipNum();
  return family === 4 ? IPv4.fromNumber(value) : IPv6.fromBigInt(value);
}

/** A dotted quad, or IPv6 in RFC 5952 form: ip-num prints all eight groups, its collapse helper shortens them. */
export function formatAddress(value: bigint, family: IPFamily): string {
  const text = ipOf(value, family).toString();
  return family === 4 ? text : ipNum().collapseIPv6Number(text);
}

/** The range of the prefix `prefixLength` around `value`; host bits may be set (the range starts at the network). */
export function cidrRange(value: bigint, prefixLength: number, family: IPFamily): CidrRange {
  const { IPv4CidrRange, IPv6CidrRange, IPv4, IPv6, IPv4Prefix, IPv6Prefix } = ipNum();
  const prefix = BigInt(prefixLength);
  return family === 4
    ? new IPv4CidrRange(IPv4.fromNumber(value), IPv4Prefix.fromNumber(prefix))
    : new IPv6CidrRange(IPv6.fromBigInt(value), IPv6Prefix.fromNumber(prefix));
}

/** The family of an ip-num range. */
function familyOf(range: CidrRange): IPFamily {
  return range instanceof ipNum().IPv4CidrRange ? 4 : 6;
}

/** `network/prefix` in `formatAddress` form (ip-num's toCidrString keeps host bits and all eight IPv6 groups). */
export function formatCidr(range: CidrRange): string {
  return `${formatAddress(range.getFirst().value, familyOf(range))}/${range.getPrefix().getValue()}`;
}

/** Whether `outer` holds all of `inner`; never across families. */
export function rangeHolds(outer: CidrRange, inner: CidrRange): boolean {
  const { IPv4CidrRange, IPv6CidrRange } = ipNum();
  if (outer instanceof IPv4CidrRange) return inner instanceof IPv4CidrRange && outer.contains(inner);
  return inner instanceof IPv6CidrRange && outer.contains(inner);
}

/** Whether `range` holds the address `value` of `family`; never across families. */
export function rangeHoldsAddress(range: CidrRange, value: bigint, family: IPFamily): boolean {
  return familyOf(range) === family && range.contains(ipOf(value, family));
}

/** Whether two ranges share an address; never across families. */
export function rangesOverlap(a: CidrRange, b: CidrRange): boolean {
  const { IPv4CidrRange, IPv6CidrRange } = ipNum();
  if (a instanceof IPv4CidrRange) return b instanceof IPv4CidrRange && a.isOverlapping(b);
  return b instanceof IPv6CidrRange && a.isOverlapping(b);
}

/** The number of addresses in a prefix of `prefixLength`. */
export function prefixSize(prefixLength: number, family: IPFamily): bigint {
  const { IPv4Prefix, IPv6Prefix } = ipNum();
  const prefix = BigInt(prefixLength);
  return (family === 4 ? IPv4Prefix.fromNumber(prefix) : IPv6Prefix.fromNumber(prefix)).toRangeSize();
}

/** The `index`-th subnet of `subnetLength` inside `network` (0 is the network's first); undefined past its end. */
export function nthSubnet(network: CidrRange, subnetLength: number, index: number): CidrRange | undefined {
  const family = familyOf(network);
  const size = prefixSize(subnetLength, family);
  const offset = BigInt(index) * size;
  if (index < 0 || offset + size > network.getSize()) return undefined;
  return network.toRangeSet().takeSubRange(offset, size).toCidrRange();
}

/** The address `offset` places into `range` (`.1` of a lease is its gateway); undefined past its end. */
export function hostOf(range: CidrRange, offset: number): IPNum | undefined {
  if (offset < 0 || BigInt(offset) >= range.getSize()) return undefined;
  return range.toRangeSet().takeSubRange(BigInt(offset), 1n).getFirst() as IPNum;
}
