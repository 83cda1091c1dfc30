/**
 * CIDR parsing as the API server does it for NetworkPolicy ipBlocks: `netutils.ParseCIDRSloppy`
 * (k8s.io/utils/net, a fork of Go 1.16's net.ParseCIDR) without the StrictIPCIDRValidation gate,
 * which is alpha and off by default (pkg/features/kube_features.go). So IPv4 octets may carry leading
 * zeros (read as decimal) and the address may have host bits set (`10.10.1.12/24` means 10.10.1.0/24;
 * apimachinery `pkg/util/validation/ip.go` only warns that it is "ambiguous").
 */

export interface ParsedCidr {
  readonly family: 4 | 6;
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
  let family: 4 | 6 = 4;
  let address = parseIPv4(addrText);
  if (address === undefined) {
    family = 6;
    address = parseIPv6(addrText);
  }
  if (address === undefined) return undefined;
  const bits = family === 4 ? 32 : 128;
  if (!/^[0-9]+$/.test(lenText)) return undefined;
  const prefixLength = Number(lenText);
  if (prefixLength > bits) return undefined;
  const hostBits = BigInt(bits - prefixLength);
  const network = (address >> hostBits) << hostBits;
  return { family, bits, prefixLength, address, network };
}

/** IPv4 dotted quad; leading zeros are decimal (ParseIPSloppy). */
export function parseIPv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^[0-9]{1,8}$/.test(part)) return undefined;
    const n = Number(part);
    if (n > 255) return undefined;
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

/**
 * IPv6 with at most one `::` and an optional trailing dotted IPv4; no zone. `parseV4Tail` reads that
 * tail (the API server's sloppy IPv4 by default; flannel's oracle passes Go's strict one).
 */
export function parseIPv6(
  text: string,
  parseV4Tail: (text: string) => bigint | undefined = parseIPv4,
): bigint | undefined {
  if (text.length === 0) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parseGroups = (side: string, allowV4Tail: boolean): number[] | undefined => {
    if (side === '') return [];
    const parts = side.split(':');
    const groups: number[] = [];
    for (let i = 0; i < parts.length; i++) {
      const part = parts[i] ?? '';
      if (allowV4Tail && i === parts.length - 1 && part.includes('.')) {
        const v4 = parseV4Tail(part);
        if (v4 === undefined) return undefined;
        groups.push(Number(v4 >> 16n), Number(v4 & 0xffffn));
      } else if (/^[0-9a-fA-F]{1,4}$/.test(part)) {
        groups.push(Number.parseInt(part, 16));
      } else {
        return undefined;
      }
    }
    return groups;
  };
  let groups: number[];
  if (halves.length === 1) {
    const all = parseGroups(text, true);
    if (all === undefined || all.length !== 8) return undefined;
    groups = all;
  } else {
    const left = parseGroups(halves[0] ?? '', false);
    const right = parseGroups(halves[1] ?? '', true);
    // `::` must stand for at least one zero group.
    if (left === undefined || right === undefined || left.length + right.length > 7) return undefined;
    groups = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

/**
 * Whether `inner` is a strict subset of `outer`, the rule ValidateIPBlock applies to each `except`
 * (pkg/apis/networking/validation/validation.go: `!cidrIPNet.Contains(exceptCIDR.IP) || cidrMaskLen >= exceptMaskLen` is an error).
 */
export function isStrictSubset(inner: ParsedCidr, outer: ParsedCidr): boolean {
  return outer.prefixLength < inner.prefixLength && cidrHolds(outer, inner.network, inner.family);
}

/** Whether `cidr` holds the address `address` of family `family`. */
export function cidrHolds(cidr: ParsedCidr, address: bigint, family: 4 | 6): boolean {
  if (cidr.family !== family) return false;
  const shift = BigInt(cidr.bits - cidr.prefixLength);
  return address >> shift === cidr.network >> shift;
}

/** The canonical network text: `10.10.1.12/24` → `10.10.1.0/24`, IPv6 in RFC 5952 form. */
export function networkText(cidr: ParsedCidr): string {
  return `${addressText(cidr.network, cidr.family)}/${cidr.prefixLength}`;
}

/** An address in canonical text (dotted quad, or RFC 5952 IPv6). */
export function addressText(address: bigint, family: 4 | 6): string {
  if (family === 4) {
    return [24n, 16n, 8n, 0n].map((s) => String((address >> s) & 0xffn)).join('.');
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((address >> BigInt(i * 16)) & 0xffffn));
  // RFC 5952: compress the longest run (≥ 2) of zero groups, the first one on a tie.
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}
