/**
 * CIDR parsing as the API server does it for NetworkPolicy ipBlocks: `netutils.ParseCIDRSloppy`
 * (k8s.io/utils/net, a fork of Go 1.16's net.ParseCIDR) without the StrictIPCIDRValidation gate,
 * which is alpha and off by default (pkg/features/kube_features.go). So IPv4 octets may carry leading
 * zeros (read as decimal) and the address may have host bits set (`10.10.1.12/24` means 10.10.1.0/24;
 * apimachinery `pkg/util/validation/ip.go` only warns that it is "ambiguous").
 *
 * This file decides which strings are addresses in that dialect; ip-num (`../ipNum.ts`) turns them
 * into numbers, holds the ranges and prints them. cidr.test.ts shows where ip-num alone would differ.
 */
import {
  addressValue,
  cidrRange,
  formatAddress,
  formatCidr,
  type IPFamily,
  rangeHolds,
  rangeHoldsAddress,
} from '../ipNum.ts';

export interface ParsedCidr {
  readonly family: IPFamily;
  /** 32 or 128. */
  readonly bits: number;
  readonly prefixLength: number;
  /** The address as written, host bits included. */
  readonly address: bigint;
  /** The network: the address with host bits cleared. */
  readonly network: bigint;
}

/** Parses `addr/len`; undefined when the API server would reject it. */
export function parseCidr(text: string): ParsedCidr | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const addrText = text.slice(0, slash);
  const lenText = text.slice(slash + 1);
  let family: IPFamily = 4;
  let address = parseIPv4(addrText);
  if (address === undefined) {
    family = 6;
    address = parseIPv6(addrText);
  }
  if (address === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  // Go's dtoi: decimal digits only, leading zeros allowed.
  if (!/^[0-9]+$/.test(lenText)) return undefined;
  const prefixLength = Number(lenText);
  if (prefixLength > bits) return undefined;
  const network = cidrRange(address, prefixLength, family).getFirst().value;
  return { family, bits, prefixLength, address, network };
}

/**
 * IPv4 dotted quad; leading zeros are decimal (ParseIPSloppy), so `010` is 10 where ip-num, like Go ≥ 1.17,
 * refuses it: the octets reach ip-num without them.
 */
export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4 || !parts.every((p) => /^[0-9]{1,8}$/.test(p))) return undefined;
  return addressValue(parts.map((p) => String(Number(p))).join('.'), 4);
}

/**
 * IPv6 with at most one `::` and an optional trailing dotted IPv4; no zone (ip-num would take `%eth0`).
 * `parseV4Tail` reads that tail (the API server's sloppy IPv4 by default; flannel's oracle passes Go's
 * strict one); it reaches ip-num as two hex groups, so ip-num judges only the groups and the `::`.
 */
export function parseIPv6(
  text: string,
  parseV4Tail: (text: string) => bigint | undefined = parseIPv4,
): bigint | undefined {
  const lastColon = text.lastIndexOf(':');
  if (lastColon < 0 || text.includes('%')) return undefined;
  const head = text.slice(0, lastColon + 1);
  const tail = text.slice(lastColon + 1);
  if (head.includes('.')) return undefined;
  if (!tail.includes('.')) return addressValue(text, 6);
  const v4 = parseV4Tail(tail);
  if (v4 === undefined) return undefined;
  return addressValue(`${head}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`, 6);
}

/**
 * Whether `inner` is a strict subset of `outer`, the rule ValidateIPBlock applies to each `except`
 * (pkg/apis/networking/validation/validation.go: `!cidrIPNet.Contains(exceptCIDR.IP) || cidrMaskLen >= exceptMaskLen` is an error).
 */
export function isStrictSubset(inner: ParsedCidr, outer: ParsedCidr): boolean {
  return outer.prefixLength < inner.prefixLength && rangeHolds(rangeOf(outer), rangeOf(inner));
}

/** Whether `cidr` holds the address `address` of family `family`. */
export function cidrHolds(cidr: ParsedCidr, address: bigint, family: IPFamily): boolean {
  return rangeHoldsAddress(rangeOf(cidr), address, family);
}

/** The canonical network text: `10.10.1.12/24` → `10.10.1.0/24`, IPv6 in RFC 5952 form. */
export function networkText(cidr: ParsedCidr): string {
  return formatCidr(rangeOf(cidr));
}

/** An address in canonical text (dotted quad, or RFC 5952 IPv6). */
export function addressText(address: bigint, family: IPFamily): string {
  return formatAddress(address, family);
}

function rangeOf(cidr: ParsedCidr) {
  return cidrRange(cidr.network, cidr.prefixLength, cidr.family);
}
