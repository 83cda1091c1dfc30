/**
 * IP and CIDR parsing the way Go's `net.ParseIP` / `net.ParseCIDR` do it (flannel decodes net-conf with
 * them, `pkg/ip/ipnet.go`): IPv4 octets without leading zeros (Go ≥ 1.17), prefixes in decimal with
 * leading zeros allowed (net.ParseCIDR's `dtoi`), host bits masked off by ParseCIDR. This file decides which strings Go accepts; ip-num (spec/ipNum.ts) does the
 * numbers, ranges and text. Addresses are bigints so one code path serves IPv4 and IPv6.
 */
import {
  addressValue,
  cidrRange,
  formatAddress,
  type IPFamily,
  prefixSize,
  rangeHolds,
  rangesOverlap,
} from '../../spec/ipNum.ts';
import { parseIPv6 as parseSharedIPv6 } from '../../spec/manifests/cidr.ts';

export type { IPFamily };

export interface GoIP {
  readonly family: IPFamily;
  readonly value: bigint;
}

export interface GoCidr {
  readonly family: IPFamily;
  /** The network address (host bits cleared). */
  readonly ip: bigint;
  readonly prefixLength: number;
}

function bitsOf(family: IPFamily): number {
  return family === 4 ? 32 : 128;
}

/** Go's dotted quad: four decimal octets, no leading zeros (Go ≥ 1.17, net/ip.go parseIPv4). */
export function parseGoIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^(0|[1-9][0-9]{0,2})$/.test(p))) return undefined;
  return addressValue(text, 4);
}

/** IPv6 as Go reads it: the shared IPv6 syntax, with Go's strict IPv4 for a dotted tail. */
export function parseGoIPv6(text: string): bigint | undefined {
  return parseSharedIPv6(text, parseGoIPv4);
}

/** Go's net.ParseIP: an IPv4 dotted quad or an IPv6 address; undefined when Go returns nil. */
export function parseGoIP(text: string): GoIP | undefined {
  if (text.includes('.') && !text.includes(':')) {
    const v = parseGoIPv4(text);
    return v === undefined ? undefined : { family: 4, value: v };
  }
  if (!text.includes(':')) return undefined;
  const v = parseGoIPv6(text);
  if (v === undefined) return undefined;
  // An IPv4-mapped IPv6 address is an IPv4 address to Go (To4() != nil).
  if (v >> 32n === 0xffffn) return { family: 4, value: v & 0xffffffffn };
  return { family: 6, value: v };
}

/** Go's net.ParseCIDR (network part only); the error text is Go's. */
export function parseGoCidr(text: string): { ok: true; cidr: GoCidr } | { ok: false; error: string } {
  const bad = { ok: false as const, error: `invalid CIDR address: ${text}` };
  const slash = text.indexOf('/');
  if (slash < 0) return bad;
  const addrText = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  const family: IPFamily | undefined = addrText.includes(':') ? 6 : 4;
  const value = family === 4 ? parseGoIPv4(addrText) : parseGoIPv6(addrText);
  if (value === undefined) return bad;
  // net.ParseCIDR reads the length with dtoi: decimal digits, leading zeros allowed ("/016" is /16), below 0xFFFFFF.
  if (!/^[0-9]+$/.test(lenText)) return bad;
  const prefixLength = Number(lenText);
  if (prefixLength >= 0xffffff || prefixLength > bitsOf(family)) return bad;
  return { ok: true, cidr: { family, ip: maskOff(value, prefixLength, family), prefixLength } };
}

/** Clears the host bits of `value` for a prefix of `prefixLength`. */
export function maskOff(value: bigint, prefixLength: number, family: IPFamily): bigint {
  return cidrRange(value, prefixLength, family).getFirst().value;
}

/** The number of addresses in a prefix. */
export function sizeOf(prefixLength: number, family: IPFamily): bigint {
  return prefixSize(prefixLength, family);
}

export function formatIP(value: bigint, family: IPFamily): string {
  return formatAddress(value, family);
}

export function formatCidr(cidr: GoCidr): string {
  return `${formatIP(cidr.ip, cidr.family)}/${cidr.prefixLength}`;
}

function rangeOf(cidr: GoCidr) {
  return cidrRange(cidr.ip, cidr.prefixLength, cidr.family);
}

/** Whether `inner` lies inside `outer` (flannel's `containsCIDR`: outer mask ≤ inner mask, outer contains inner's IP). */
export function cidrContains(outer: GoCidr, inner: GoCidr): boolean {
  return rangeHolds(rangeOf(outer), rangeOf(inner));
}

/** Whether two CIDRs share an address (flannel's `Overlaps`: compare under the shorter mask). */
export function cidrOverlaps(a: GoCidr, b: GoCidr): boolean {
  return rangesOverlap(rangeOf(a), rangeOf(b));
}

/** Parses a CIDR or throws: for inputs the caller already validated. */
export function mustCidr(text: string): GoCidr {
  const r = parseGoCidr(text);
  if (!r.ok) throw new Error(r.error);
  return r.cidr;
}
