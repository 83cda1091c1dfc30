/** The address families of a pod network: `--ip-family` of `podnet run` and `podnet lab up`. */
import type { IPFamily } from './ipNum.ts';

/** IPv4 only, IPv6 only, or dual-stack (IPv4 primary, as `podIPs` lists it). */
export const IP_FAMILY_MODES = ['ipv4', 'ipv6', 'dual'] as const;
export type IPFamilyMode = (typeof IP_FAMILY_MODES)[number];

/** The family of an address or CIDR as a target or a manifest writes it (IPv6 text always holds a colon). */
export function addressFamily(text: string): IPFamily {
  return text.includes(':') ? 6 : 4;
}

/** The families pods get under `mode`, primary first (Capabilities.ipFamilies). */
export function ipFamiliesOf(mode: IPFamilyMode): IPFamily[] {
  return mode === 'ipv4' ? [4] : mode === 'ipv6' ? [6] : [4, 6];
}
