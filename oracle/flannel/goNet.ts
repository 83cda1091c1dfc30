/**
 * IP and CIDR parsing the way Go's `net.ParseIP` / `net.ParseCIDR` do it (flannel decodes net-conf with
 * them, `pkg/ip/ipnet.go`): IPv4 octets without leading zeros (Go ≥ 1.17), prefixes in decimal, host bits
 * masked off by ParseCIDR. Addresses are bigints so one code path serves IPv4 and IPv6.
 */
import { addressText, parseIPv6 as parseSharedIPv6 } from '../../spec/manifests/cidr.ts';

export type IPFamily = 4 | 6;

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

function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/** IPv6 as Go reads it: the shared parser, with Go's strict IPv4 for a dotted tail. */
function parseIPv6(text: string): bigint | undefined {
  return parseSharedIPv6(text, parseIPv4);
}

/** Go's net.ParseIP: an IPv4 dotted quad or an IPv6 address; undefined when Go returns nil. */
export function parseGoIP(text: string): GoIP | undefined {
  if (text.includes('.') && !text.includes(':')) {
    const v = parseIPv4(text);
    return v === undefined ? undefined : { family: 4, value: v };
  }
  if (!text.includes(':')) return undefined;
  const v = parseIPv6(text);
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
  const value = family === 4 ? parseIPv4(addrText) : parseIPv6(addrText);
  if (value === undefined) return bad;
  if (!/^[0-9]+$/.test(lenText) || (lenText.length > 1 && lenText.startsWith('0'))) return bad;
  const prefixLength = Number(lenText);
  if (prefixLength > bitsOf(family)) return bad;
  return { ok: true, cidr: { family, ip: maskOff(value, prefixLength, family), prefixLength } };
}

/** Clears the host bits of `value` for a prefix of `prefixLength`. */
export function maskOff(value: bigint, prefixLength: number, family: IPFamily): bigint {
  const hostBits = BigInt(bitsOf(family) - prefixLength);
  return (value >> hostBits) << hostBits;
}

/** The number of addresses in a prefix. */
export function sizeOf(prefixLength: number, family: IPFamily): bigint {
  return 1n << BigInt(bitsOf(family) - prefixLength);
}

export function formatIP(value: bigint, family: IPFamily): string {
  return addressText(value, family);
}

export function formatCidr(cidr: GoCidr): string {
  return `${formatIP(cidr.ip, cidr.family)}/${cidr.prefixLength}`;
}

/** Whether `inner` lies inside `outer` (flannel's `containsCIDR`: outer mask ≤ inner mask, outer contains inner's IP). */
export function cidrContains(outer: GoCidr, inner: GoCidr): boolean {
  if (outer.family !== inner.family || outer.prefixLength > inner.prefixLength) return false;
  return maskOff(inner.ip, outer.prefixLength, outer.family) === outer.ip;
}

/** Whether two CIDRs share an address (flannel's `Overlaps`: compare under the shorter mask). */
export function cidrOverlaps(a: GoCidr, b: GoCidr): boolean {
  if (a.family !== b.family) return false;
  const shorter = Math.min(a.prefixLength, b.prefixLength);
  return maskOff(a.ip, shorter, a.family) === maskOff(b.ip, shorter, b.family);
}

/** Parses a CIDR or throws: for inputs the caller already validated. */
export function mustCidr(text: string): GoCidr {
  const r = parseGoCidr(text);
  if (!r.ok) throw new Error(r.error);
  return r.cidr;
}
