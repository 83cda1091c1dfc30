/** What to probe: the full matrix or a sample of it, directly or also through Service IPs. */
import fc from 'fast-check';
import type { TrafficSpec } from '../spec/scenario.ts';

/** Sample sizes a `sample` spec may carry. */
const SAMPLE_SIZES = [16, 64, 256] as const;

export function trafficSpecArb(): fc.Arbitrary<TrafficSpec> {
  return fc
    .record({
      sample: fc.boolean(),
      maxProbes: fc.constantFrom(...SAMPLE_SIZES),
      viaServices: fc.boolean(),
    })
    .map(
      ({ sample, maxProbes, viaServices }): TrafficSpec =>
        sample ? { mode: 'sample', maxProbes, viaServices } : { mode: 'matrix', viaServices },
    );
}
