// Property: the fast engine (fast.ts) and the reference evaluator (reference.ts) agree on every probe of random
// clusters, under random profiles (engineArbitraries.test-helpers.ts).
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { keyOf, PROTOCOLS } from '../../spec/model.ts';
import { clusterArb, OUTSIDE, PORTS, profileArb } from './engineArbitraries.test-helpers.ts';
import { compileFast } from './fast.ts';
import { evaluateReference } from './reference.ts';

describe('fast engine vs reference evaluator', () => {
  // Heavy on a loaded 2-core CI machine: a generous timeout (not an assertion on time).
  test('agree on every pod-to-pod and pod-to-address probe (fixed seed)', { timeout: 180_000 }, () => {
    fc.assert(
      fc.property(clusterArb, profileArb, (cluster, profile) => {
        const fast = compileFast(cluster, profile);
        cluster.pods.forEach((from, s) => {
          const destinations = [
            ...cluster.pods.map((p) => keyOf(p) as string | { ip: string }),
            ...OUTSIDE.map((ip) => ({ ip })),
          ];
          destinations.forEach((to, d) => {
            for (const port of [...PORTS, 79, 6000]) {
              for (const protocol of PROTOCOLS) {
                // A pod destination is probed at its primary address and at its address of each family.
                for (const family of typeof to === 'string' ? [undefined, 4, 6] : [undefined]) {
                  const probe = {
                    from: keyOf(from),
                    to,
                    port,
                    protocol,
                    ...(family !== undefined ? { family: family as 4 | 6 } : {}),
                  };
                  const expected = evaluateReference(cluster, probe, profile).verdict;
                  expect(fast.verdict(probe), JSON.stringify(probe)).toBe(expected);
                  if (d < cluster.pods.length)
                    expect(
                      fast.verdictByIndex(
                        s,
                        d,
                        port,
                        PROTOCOLS.indexOf(protocol),
                        family as 4 | 6 | undefined,
                      ),
                    ).toBe(expected);
                }
              }
            }
          });
        });
      }),
      { seed: 20261126, numRuns: 250 },
    );
  });
});
