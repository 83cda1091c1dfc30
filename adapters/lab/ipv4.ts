/** IPv4 arithmetic the lab needs: parse, format, CIDR membership, the n-th subnet of a network. */

export interface Cidr {
  readonly base: number;
  readonly prefixLength: number;
}

export function parseIPv4(text: string): number {
  const parts = text.split('.');
  if (parts.length !== 4) throw new Error(`not an IPv4 address: ${text}`);
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) throw new Error(`not an IPv4 address: ${text}`);
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join('.');
}

function maskOf(prefixLength: number): number {
  return prefixLength === 0 ? 0 : (2 ** 32 - 2 ** (32 - prefixLength)) >>> 0;
}

/** Parses `a.b.c.d/len`, normalising the base to the network address. */
export function parseCidr(text: string): Cidr {
  const [ip, len] = text.split('/');
  const prefixLength = Number(len);
  if (
    ip === undefined ||
    len === undefined ||
    !Number.isInteger(prefixLength) ||
    prefixLength < 0 ||
    prefixLength > 32
  )
    throw new Error(`not an IPv4 CIDR: ${text}`);
  return { base: (parseIPv4(ip) & maskOf(prefixLength)) >>> 0, prefixLength };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.base)}/${c.prefixLength}`;
}

export function cidrContains(c: Cidr, ip: number): boolean {
  return (ip & maskOf(c.prefixLength)) >>> 0 === c.base;
}

/** The `index`-th subnet of length `subnetLength` inside `network`. */
export function nthSubnet(network: Cidr, subnetLength: number, index: number): Cidr {
  return { base: network.base + index * 2 ** (32 - subnetLength), prefixLength: subnetLength };
}

/** `base + offset` of a CIDR, formatted (`.1` is the gateway, `.0` flannel's VTEP address). */
export function hostOf(c: Cidr, offset: number): string {
  return formatIPv4(c.base + offset);
}

/**
 * A locally administered MAC derived from an IPv4 address (`0a:58:` + its four bytes), as the CNI bridge
 * plugin once pinned its bridge's MAC: stable for the node's life, whatever ports come and go.
 */
export function macOfIPv4(ip: string): string {
  const n = parseIPv4(ip);
  return [
    '0a',
    '58',
    ...[24, 16, 8, 0].map((s) => (Math.floor(n / 2 ** s) % 256).toString(16).padStart(2, '0')),
  ].join(':');
}
