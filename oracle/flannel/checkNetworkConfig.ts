/**
 * flannel's `CheckNetworkConfig` (pkg/subnet/config.go), which only the etcd subnet manager runs
 * (pkg/subnet/etcd/local_manager.go `GetNetworkConfig`): SubnetLen, SubnetMin and SubnetMax defaults and
 * their errors, for IPv4 and the IPv6 mirror. Error strings are flannel's, word for word.
 */

import { cidrRange, rangeHoldsAddress } from '../../spec/ipNum.ts';
import type { GoJsonValue } from './goJson.ts';
import { formatIP, type GoCidr, maskOff, sizeOf } from './goNet.ts';

/** net-conf.json after Go decoding, before any check. Zero means "unset", as in flannel. */
export interface DecodedNetConf {
  readonly enableIPv4: boolean;
  readonly enableIPv6: boolean;
  readonly enableNFTables: boolean;
  readonly network?: GoCidr;
  readonly ipv6Network?: GoCidr;
  readonly subnetLen: number;
  readonly ipv6SubnetLen: number;
  readonly subnetMin?: bigint;
  readonly subnetMax?: bigint;
  readonly ipv6SubnetMin?: bigint;
  readonly ipv6SubnetMax?: bigint;
  /** The raw Backend value; absent when the key is absent. */
  readonly backend?: GoJsonValue;
  /** Go field names that appeared in the file. */
  readonly present: Set<string>;
  /** Network / IPv6Network as written (before masking), for the host-bits note. */
  readonly writtenNets: Map<string, string>;
}

export interface CheckedSubnets {
  subnetLen?: number;
  subnetMin?: string;
  subnetMax?: string;
  subnetCount?: number;
  ipv6SubnetLen?: number;
  ipv6SubnetMin?: string;
  ipv6SubnetMax?: string;
}

/**
 * flannel's default SubnetMin and SubnetMax: the second subnet of the network and its last one (Go writes
 * them in wrapping uint32 arithmetic, `n.IP + 1<<(32-SubnetLen)` and `n.IP + 1<<(32-PrefixLen) - 1<<(32-SubnetLen)`,
 * which end inside the network because it holds at least four subnets).
 */
function defaultSubnetBounds(net: GoCidr, subnetLen: number): { min: bigint; max: bigint } {
  const size = sizeOf(subnetLen, net.family);
  const range = cidrRange(net.ip, net.prefixLength, net.family);
  return { min: range.getFirst().value + size, max: range.getLast().value + 1n - size };
}

/** Applies CheckNetworkConfig: the filled-in subnet parameters, or flannel's error. */
export function checkNetworkConfig(c: DecodedNetConf): CheckedSubnets | { error: string } {
  const out: CheckedSubnets = {};
  if (c.enableIPv4) {
    const net = c.network;
    // ip.IP4Net.Empty(): 0.0.0.0/0 counts as "not set".
    if (!net || (net.ip === 0n && net.prefixLength === 0)) {
      return { error: 'please define a correct Network parameter in the flannel config' };
    }
    let subnetLen = c.subnetLen;
    if (subnetLen > 0) {
      if (subnetLen > 30) return { error: 'SubnetLen must be less than /31' };
      if (subnetLen < net.prefixLength + 2) {
        return { error: 'network must be able to accommodate at least four subnets' };
      }
    } else if (net.prefixLength > 28) {
      return { error: 'network is too small. Minimum useful network prefix is /28' };
    } else {
      subnetLen = net.prefixLength <= 22 ? 24 : net.prefixLength + 2;
    }
    const size = sizeOf(subnetLen, 4);
    const defaults = defaultSubnetBounds(net, subnetLen);
    const range = cidrRange(net.ip, net.prefixLength, 4);
    let min = c.subnetMin ?? 0n;
    if (min === 0n) min = defaults.min;
    else if (!rangeHoldsAddress(range, min, 4)) {
      return { error: 'SubnetMin is not in the range of the Network' };
    }
    let max = c.subnetMax ?? 0n;
    if (max === 0n) max = defaults.max;
    else if (!rangeHoldsAddress(range, max, 4)) {
      return { error: 'SubnetMax is not in the range of the Network' };
    }
    if (maskOff(min, subnetLen, 4) !== min) {
      return { error: `SubnetMin is not on a SubnetLen boundary: ${formatIP(min, 4)}` };
    }
    if (maskOff(max, subnetLen, 4) !== max) {
      return { error: `SubnetMax is not on a SubnetLen boundary: ${formatIP(max, 4)}` };
    }
    out.subnetLen = subnetLen;
    out.subnetMin = formatIP(min, 4);
    out.subnetMax = formatIP(max, 4);
    // Not checked by flannel: an inverted range simply has no subnets ("out of subnets" at allocation).
    out.subnetCount = max >= min ? Number((max - min) / size + 1n) : 0;
  }
  if (c.enableIPv6) {
    const net = c.ipv6Network;
    if (!net || (net.ip === 0n && net.prefixLength === 0)) {
      return { error: 'please define a correct IPv6Network parameter in the flannel config' };
    }
    let subnetLen = c.ipv6SubnetLen;
    if (subnetLen > 0) {
      if (subnetLen > 126) return { error: 'SubnetLen must be less than /127' };
      if (subnetLen < net.prefixLength + 2) {
        return { error: 'network must be able to accommodate at least four subnets' };
      }
    } else if (net.prefixLength > 124) {
      return { error: 'IPv6Network is too small. Minimum useful network prefix is /124' };
    } else {
      subnetLen = net.prefixLength <= 62 ? 64 : net.prefixLength + 2;
    }
    const defaults = defaultSubnetBounds(net, subnetLen);
    const range = cidrRange(net.ip, net.prefixLength, 6);
    let min = c.ipv6SubnetMin ?? 0n;
    if (min === 0n) min = defaults.min;
    else if (!rangeHoldsAddress(range, min, 6)) {
      return { error: 'IPv6SubnetMin is not in the range of the IPv6Network' };
    }
    let max = c.ipv6SubnetMax ?? 0n;
    if (max === 0n) max = defaults.max;
    else if (!rangeHoldsAddress(range, max, 6)) {
      return { error: 'IPv6SubnetMax is not in the range of the IPv6Network' };
    }
    if (maskOff(min, subnetLen, 6) !== min) {
      return { error: `IPv6SubnetMin is not on a SubnetLen boundary: ${formatIP(min, 6)}` };
    }
    if (maskOff(max, subnetLen, 6) !== max) {
      return { error: `IPv6SubnetMax is not on a SubnetLen boundary: ${formatIP(max, 6)}` };
    }
    out.ipv6SubnetLen = subnetLen;
    out.ipv6SubnetMin = formatIP(min, 6);
    out.ipv6SubnetMax = formatIP(max, 6);
  }
  return out;
}
