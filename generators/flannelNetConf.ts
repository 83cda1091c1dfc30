/**
 * flannel net-conf.json values: a Network, an optional SubnetLen that leaves room for four nodes past
 * the first subnet (which flannel never leases), and a Backend (vxlan with VNI/Port/DirectRouting/MTU,
 * host-gw, udp with Port).
 */
import fc from 'fast-check';
import { parseCidr } from '../spec/manifests/cidr.ts';
import type { FlannelNetConf } from '../spec/scenario.ts';
import { CROSS_SHRINK } from './_internals/vocabulary.ts';

const NETWORKS = ['10.244.0.0/16', '10.42.0.0/16', '10.1.0.0/16', '172.30.0.0/20'] as const;

function backendArb(): fc.Arbitrary<NonNullable<FlannelNetConf['Backend']>> {
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
  return fc.oneof(
    CROSS_SHRINK,
    { arbitrary: vxlan, weight: 3 },
    { arbitrary: hostGw, weight: 2 },
    { arbitrary: udp, weight: 1 },
  );
}

/** A valid net-conf: SubnetLen (when present) is ≥ prefix+3 (room for 4 nodes past the first subnet) and ≤ 28. */
export function flannelNetConfArb(): fc.Arbitrary<FlannelNetConf> {
  return fc
    .record(
      {
        network: fc.constantFrom(...NETWORKS),
        subnetLen: fc.constantFrom(24, 26, 22),
        backend: backendArb(),
      },
      { requiredKeys: ['network', 'backend'] },
    )
    .map(({ network, subnetLen, backend }) => {
      const prefix = parseCidr(network)!.prefixLength;
      const conf: FlannelNetConf = { Network: network, Backend: backend };
      if (subnetLen === undefined) return conf;
      return { ...conf, SubnetLen: Math.min(28, Math.max(subnetLen, prefix + 3)) };
    });
}
