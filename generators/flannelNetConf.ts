/**
 * flannel net-conf.json values: a Network, an optional SubnetLen that leaves room for four nodes past
 * the first subnet (which flannel never leases), and a Backend (vxlan with VNI/Port/DirectRouting/MTU,
 * host-gw, udp with Port). Dual-stack adds EnableIPv6 with an IPv6Network (ULA, fd00::/8) and an
 * IPv6SubnetLen, and never draws udp: flannel implements IPv6 for vxlan, host-gw and wireguard only
 * (pkg/subnet/kube/kube.go).
 */
import fc from 'fast-check';
import type { IPFamilyMode } from '../spec/ipFamily.ts';
import { parseCidr } from '../spec/manifests/cidr.ts';
import type { FlannelNetConf } from '../spec/scenario.ts';
import { CROSS_SHRINK } from './_internals/vocabulary.ts';

const NETWORKS = ['10.244.0.0/16', '10.42.0.0/16', '10.1.0.0/16', '172.30.0.0/20'] as const;

/**
 * IPv6Network with the IPv6SubnetLen its leases are cut to (absent: the kube allocator's /64), each with
 * room for many more than five nodes; the lab takes lengths up to /120.
 */
const IPV6_NETWORKS = [
  { network: 'fd00:10:244::/56', subnetLen: undefined },
  { network: 'fd00:10:244::/56', subnetLen: 64 },
  { network: 'fd42:42::/48', subnetLen: 64 },
  { network: 'fd00:1:2:3::/112', subnetLen: 120 },
] as const;

function backendArb(withUdp = true): fc.Arbitrary<NonNullable<FlannelNetConf['Backend']>> {
  const vxlan = fc.record(
    {
      Type: fc.constant('vxlan'),
      VNI: fc.constantFrom(1, 42, 4096),
      Port: fc.constantFrom(8472, 4789),
      DirectRouting: fc.boolean(),
      MTU: fc.constantFrom(1500, 1450, 9000),
    },
    { requiredKeys: ['Type'] },
  );
  const hostGw = fc.constant({ Type: 'host-gw' });
  const udp = fc.record(
    { Type: fc.constant('udp'), Port: fc.constantFrom(8285, 8286) },
    { requiredKeys: ['Type'] },
  );
  if (!withUdp)
    return fc.oneof(CROSS_SHRINK, { arbitrary: vxlan, weight: 3 }, { arbitrary: hostGw, weight: 2 });
  return fc.oneof(
    CROSS_SHRINK,
    { arbitrary: vxlan, weight: 3 },
    { arbitrary: hostGw, weight: 2 },
    { arbitrary: udp, weight: 1 },
  );
}

/**
 * A valid net-conf: SubnetLen (when present) is ≥ prefix+3 (room for 4 nodes past the first subnet) and
 * ≤ 28. `ipFamily` other than ipv4 gives a dual-stack one (the lab's pods always hold an IPv4 address);
 * ipv4 (the default) draws exactly what it always has.
 */
export function flannelNetConfArb(ipFamily: IPFamilyMode = 'ipv4'): fc.Arbitrary<FlannelNetConf> {
  const dual = ipFamily !== 'ipv4';
  const ipv4 = fc
    .record(
      {
        network: fc.constantFrom(...NETWORKS),
        subnetLen: fc.constantFrom(24, 26, 22),
        backend: backendArb(!dual),
      },
      { requiredKeys: ['network', 'backend'] },
    )
    .map(({ network, subnetLen, backend }) => {
      const prefix = parseCidr(network)!.prefixLength;
      const conf: FlannelNetConf = { Network: network, Backend: backend };
      if (subnetLen === undefined) return conf;
      return { ...conf, SubnetLen: Math.min(28, Math.max(subnetLen, prefix + 3)) };
    });
  if (!dual) return ipv4;
  return fc.tuple(ipv4, fc.constantFrom(...IPV6_NETWORKS)).map(([conf, { network, subnetLen }]) => {
    const { Backend, ...rest } = conf;
    return {
      ...rest,
      EnableIPv6: true,
      IPv6Network: network,
      ...(subnetLen === undefined ? {} : { IPv6SubnetLen: subnetLen }),
      ...(Backend ? { Backend } : {}),
    };
  });
}
