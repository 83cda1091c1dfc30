/**
 * IP addresses and CIDRs as integer ranges. IPv4 is a uint32 held in a number (cheap on the hot path),
 * IPv6 a bigint. A CIDR with host bits set (`10.10.1.12/24`) means its network, as Go's net.ParseCIDR
 * does (docs/research/netpol.md §7 rule 18, Antrea #1764); an IPv4 range never contains an IPv6 address.
 */

export type IPAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

export type CidrRange =
  | { readonly family: 4; readonly first: number; readonly last: number }
  | { readonly family: 6; readonly first: bigint; readonly last: bigint };

const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** A dotted-quad IPv4 address as an unsigned 32-bit number, or undefined. */
export function parseIPv4(text: string): number | undefined {
  const m = IPV4.exec(text);
  if (!m) return undefined;
  let value = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i] ?? '';
    // Leading zeros are rejected by Go's parser (and by the API server) since Go 1.17.
    if (part.length > 1 && part.startsWith('0')) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = value * 256 + octet;
  }
  return value;
}

/** An IPv6 address (with `::` and an optional embedded IPv4 tail) as a 128-bit bigint, or undefined. */
export function parseIPv6(text: string): bigint | undefined {
  if (!text.includes(':')) return undefined;
  let head = text;
  const lastColon = head.lastIndexOf(':');
  const tail = head.slice(lastColon + 1);
  if (tail.includes('.')) {
    // `::ffff:1.2.3.4`: the IPv4 tail is the last two 16-bit groups.
    const v4 = parseIPv4(tail);
    if (v4 === undefined) return undefined;
    const hi = Math.floor(v4 / 65536).toString(16);
    const lo = (v4 % 65536).toString(16);
    head = `${head.slice(0, lastColon + 1)}${hi}:${lo}`;
  }
  const groups = expandGroups(head);
  if (!groups) return undefined;
  let value = 0n;
  for (const g of groups) value = (value << 16n) | BigInt(g);
  return value;
}

function parseGroups(part: string): number[] | undefined {
  if (part === '') return [];
  const out: number[] = [];
  for (const g of part.split(':')) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(g)) return undefined;
    out.push(Number.parseInt(g, 16));
  }
  return out;
}

/** The eight 16-bit groups of an IPv6 address written with at most one `::`. */
function expandGroups(text: string): number[] | undefined {
  const doubleColon = text.indexOf('::');
  if (doubleColon < 0) {
    const all = parseGroups(text);
    return all && all.length === 8 ? all : undefined;
  }
  if (text.indexOf('::', doubleColon + 1) >= 0) return undefined;
  const left = parseGroups(text.slice(0, doubleColon));
  const right = parseGroups(text.slice(doubleColon + 2));
  if (!left || !right || left.length + right.length > 7) return undefined;
  return [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
}

/** Either family, or undefined when `text` is not an IP address. */
export function parseIP(text: string): IPAddress | undefined {
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return { family: 4, value: v4 };
  const v6 = parseIPv6(text);
  if (v6 !== undefined) return { family: 6, value: v6 };
  return undefined;
}

/** The range a CIDR covers (host bits cleared), or undefined when it is not a CIDR. */
export function parseCidr(text: string): CidrRange | undefined {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1);
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const ip = parseIP(text.slice(0, slash));
  if (!ip) return undefined;
  if (ip.family === 4) {
    if (prefix > 32) return undefined;
    const size = 2 ** (32 - prefix);
    const first = Math.floor(ip.value / size) * size;
    return { family: 4, first, last: first + size - 1 };
  }
  if (prefix > 128) return undefined;
  const hostBits = BigInt(128 - prefix);
  const first = (ip.value >> hostBits) << hostBits;
  return { family: 6, first, last: first + (1n << hostBits) - 1n };
}

/** Whether `ip` lies in `range` (never across families). */
export function rangeContains(range: CidrRange, ip: IPAddress): boolean {
  if (range.family === 4) return ip.family === 4 && ip.value >= range.first && ip.value <= range.last;
  return ip.family === 6 && ip.value >= range.first && ip.value <= range.last;
}

/**
 * Whether `ip` is in `cidr` minus every CIDR of `except` (§7 rule 14). An unparsable CIDR matches nothing.
 */
export function ipBlockContains(cidr: string, except: readonly string[] | undefined, ip: IPAddress): boolean {
  const range = parseCidr(cidr);
  if (!range || !rangeContains(range, ip)) return false;
  for (const e of except ?? []) {
    const hole = parseCidr(e);
    if (hole && rangeContains(hole, ip)) return false;
  }
  return true;
}
