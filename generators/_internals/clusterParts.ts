/** The raw parts of a whole cluster (topology, policies, services) and how they build into one. */
import fc from 'fast-check';
import type { ScenarioCluster } from '../../spec/scenario.ts';
import { buildPolicies, buildServices, buildTopology, contextOf } from './build.ts';
import type { Bounds } from './options.ts';
import type { RawCluster, RawPolicy, RawService } from './raw.ts';
import { rawClusterArb, rawPolicyArb, rawServiceArb } from './raw.ts';

export interface RawClusterParts {
  readonly topology: RawCluster;
  readonly policies: readonly RawPolicy[];
  readonly services: readonly RawService[];
}

export function rawClusterPartsArb(bounds: Bounds): fc.Arbitrary<RawClusterParts> {
  return fc.record({
    topology: rawClusterArb(bounds),
    policies: bounds.policies
      ? fc.array(rawPolicyArb(bounds), {
          minLength: Math.min(1, bounds.maxPolicies),
          maxLength: bounds.maxPolicies,
        })
      : fc.constant([]),
    services: bounds.services
      ? fc.array(rawServiceArb(bounds), { minLength: 0, maxLength: bounds.maxServices })
      : fc.constant([]),
  });
}

export function buildClusterParts(raw: RawClusterParts): ScenarioCluster {
  const topology = buildTopology(raw.topology);
  const ctx = contextOf(topology);
  return {
    ...topology,
    services: buildServices(raw.services, ctx),
    policies: buildPolicies(raw.policies, ctx),
  };
}
