/**
 * IP addresses and CIDRs as integer ranges. A CIDR with host bits set (`10.10.1.12/24`) means its network,
 * as Go's net.ParseCIDR does (docs/research/netpol.md §7 rule 18, Antrea #1764); an IPv4 range never
 * contains an IPv6 address. Addresses are read as Go reads them (oracle/flannel/goNet.ts: no leading zeros
 * in IPv4 octets since Go 1.17) and converted by ip-num; the ranges then keep ip-num's bounds as plain
 * numbers, because the engines test them once per probe and peer.
 */
import { cidrRange } from '../../spec/ipNum.ts';
import { parseGoIPv4, parseGoIPv6 } from '../flannel/goNet.ts';

export type IPAddress =
  | { readonly family: 4; readonly value: number }
  | { readonly family: 6; readonly value: bigint };

export type CidrRange =
  | { readonly family: 4; readonly first: number; readonly last: number }
  | { readonly family: 6; readonly first: bigint; readonly last: bigint };

/**
 * Parsed text by text: the engines read the same few addresses and CIDRs on every probe, and the Go syntax
 * check with ip-num's conversion costs ≈7 µs an address against ≈0.1 µs for a lookup (`npm run bench -- ipnum`:
 * parse_ratio ≈ 70). Bounded, so a long run does not grow it.
 */
function memoized<T>(parse: (text: string) => T | undefined): (text: string) => T | undefined {
  const cache = new Map<string, T | undefined>();
  return (text) => {
    if (cache.has(text)) return cache.get(text);
    if (cache.size >= 10_000) cache.clear();
    const value = parse(text);
    cache.set(text, value);
    return value;
  };
}

/** Either family, or undefined when `text` is not an IP address. An IPv4-mapped IPv6 address stays IPv6. */
export const parseIP = memoized((text: string): IPAddress | undefined => {
  const v4 = parseGoIPv4(text);
  if (v4 !== undefined) return { family: 4, value: Number(v4) };
  const v6 = parseGoIPv6(text);
  if (v6 !== undefined) return { family: 6, value: v6 };
  return undefined;
});

/** The range a CIDR covers (host bits cleared), or undefined when it is not a CIDR. */
export const parseCidr = memoized((text: string): CidrRange | undefined => {
  const slash = text.indexOf('/');
  if (slash < 0) return undefined;
  const prefixText = text.slice(slash + 1);
  // Go's dtoi: decimal digits, leading zeros allowed.
  if (!/^\d{1,3}$/.test(prefixText)) return undefined;
  const prefix = Number(prefixText);
  const ip = parseIP(text.slice(0, slash));
  if (!ip || prefix > (ip.family === 4 ? 32 : 128)) return undefined;
  const range = cidrRange(BigInt(ip.value), prefix, ip.family);
  const first = range.getFirst().value;
  const last = range.getLast().value;
  return ip.family === 4
    ? { family: 4, first: Number(first), last: Number(last) }
    : { family: 6, first, last };
});

/**
 * Whether `ip` lies in `range` (never across families). Numeric bounds (ip-num's first and last), not ip-num's
 * `contains`: this runs for every probe and peer, and `npm run bench -- ipnum` measures ip-num's contains at
 * 27–45 µs a test against 5–10 ns here (contains_ratio 3,000 to 8,800 over four runs).
 */
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
