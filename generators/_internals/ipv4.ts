/** Minimal IPv4 arithmetic for synthetic addressing. */
export function parseIPv4(ip: string): number {
  const parts = ip.split('.').map(Number);
  return (((parts[0] ?? 0) * 256 + (parts[1] ?? 0)) * 256 + (parts[2] ?? 0)) * 256 + (parts[3] ?? 0);
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function parseCidr(cidr: string): { base: number; prefix: number } {
  const [ip, len] = cidr.split('/');
  const prefix = Number(len ?? 32);
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { base: (parseIPv4(ip ?? '0.0.0.0') & mask) >>> 0, prefix };
}
