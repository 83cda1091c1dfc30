/** What to probe: pods directly, or also through Service IPs. */
import fc from 'fast-check';
import type { TrafficSpec } from '../spec/scenario.ts';

export function trafficSpecArb(): fc.Arbitrary<TrafficSpec> {
  return fc.boolean().map((viaServices) => ({ viaServices }));
}
