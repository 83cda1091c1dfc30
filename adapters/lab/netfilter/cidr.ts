/** The little IPv4 CIDR arithmetic the policy agent needs to write ipset entries. */

function parseIPv4(text: string): number | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

export interface Cidr {
  readonly base: number;
  readonly prefixLength: number;
}

/** Parses an IPv4 CIDR (or a bare address as /32); host bits are cleared, as Go's `net.ParseCIDR` does. */
export function parseCidr(text: string): Cidr | undefined {
  const [ip, len] = text.includes('/') ? text.split('/') : [text, '32'];
  const base = parseIPv4(ip ?? '');
  const prefixLength = Number(len);
  if (base === undefined || !Number.isInteger(prefixLength) || prefixLength < 0 || prefixLength > 32)
    return undefined;
  const block = 2 ** (32 - prefixLength);
  return { base: Math.floor(base / block) * block, prefixLength };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefixLength}`;
}

/** Whether `c` holds the address `ip` (dotted quad). */
export function cidrHolds(c: Cidr, ip: string): boolean {
  const a = parseIPv4(ip);
  if (a === undefined) return false;
  const block = 2 ** (32 - c.prefixLength);
  return Math.floor(a / block) * block === c.base;
}

/** The first host address of a subnet (`<lease>.1`, the cni0 address). */
export function firstHost(cidrText: string): string | undefined {
  const c = parseCidr(cidrText);
  return c === undefined ? undefined : formatIPv4(c.base + 1);
}

/**
 * Splits a CIDR into prefixes ipset's hash:net can hold: it takes /1 to /32, so /0 becomes two /1s.
 */
export function ipsetPrefixes(c: Cidr): Cidr[] {
  if (c.prefixLength > 0) return [c];
  return [
    { base: 0, prefixLength: 1 },
    { base: 2 ** 31, prefixLength: 1 },
  ];
}
