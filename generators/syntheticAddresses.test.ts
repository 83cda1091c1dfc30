import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { parseCidr as parseOracleCidr } from '../oracle/policy/index.ts';
import { strictlyInside } from '../spec/resolve.ts';
import { clusterArb } from './cluster.ts';
import { flannelNetConfArb } from './flannelNetConf.ts';
import { withSyntheticAddresses } from './syntheticAddresses.ts';

describe('withSyntheticAddresses', () => {
  test('pod IPs are unique and lie in their node lease; leases lie in the Network and do not overlap', () => {
    fc.assert(
      fc.property(clusterArb({ size: 'large' }), flannelNetConfArb(), (c, netConf) => {
        const { cluster, realized } = withSyntheticAddresses(c, netConf);
        const ips = cluster.pods.map((p) => p.ips[0]!);
        expect(new Set(ips).size).toBe(ips.length);
        for (const pod of cluster.pods) {
          const lease = realized.nodeSubnets[pod.nodeName!]!;
          expect(strictlyInside(`${pod.ips[0]}/32`, lease), `${pod.ips[0]} in ${lease}`).toBe(true);
        }
        const leases = Object.values(realized.nodeSubnets);
        expect(new Set(leases).size).toBe(leases.length);
        for (const l of leases)
          expect(strictlyInside(l, realized.clusterNetwork), `${l} in ${realized.clusterNetwork}`).toBe(true);
        expect(strictlyInside(realized.outsideNetwork, realized.clusterNetwork)).toBe(false);
        expect(parseOracleCidr(realized.outsideNetwork)).toBeDefined();
        expect(cluster.services.every((s) => s.clusterIP !== undefined)).toBe(true);
      }),
      { numRuns: 300, seed: 4 },
    );
  });
});
