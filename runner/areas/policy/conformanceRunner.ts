/**
 * The policy/model conformance loop as each target kind runs it: the same scenarios, oracle and YAML
 * renderer; on a cluster, wrapped so that a cluster without a policy engine gives one finding
 * (enforcementAware.ts, loaded only for clusters: it reaches the kube adapter). One runner per kind, shared
 * by the policy and model descriptors, so both areas are judged on the same probes.
 */
import type fc from 'fast-check';
import { scenarioArb } from '../../../generators/scenario.ts';
import { ipFamiliesOf } from '../../../spec/ipFamily.ts';
import { clusterToManifests } from '../../../spec/manifests/write.ts';
import { resolvePolicies } from '../../../spec/resolve.ts';
import type { Scenario } from '../../../spec/scenario.ts';
import type { AreaRunner, TargetKind } from '../../area.ts';
import type { RunOptions } from '../../options.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import type { ConformanceAreaDeps } from './conformanceArea.ts';
import { conformanceArea } from './conformanceArea.ts';
import { pinTopology } from './pinTopology.ts';

/** Nodes of the fixed topology the policy and model areas run on. */
export const POLICY_AREA_NODES = 2;

function scenariosFor(options: RunOptions): fc.Arbitrary<Scenario> {
  return scenarioArb({
    size: options.size,
    excludeSCTP: true,
    areas: options.areas,
    ipFamilies: ipFamiliesOf(options.ipFamily),
  });
}

function prepareForLab(scenario: Scenario): Scenario {
  return pinTopology(scenario, POLICY_AREA_NODES);
}

/** The pieces of the policy/model conformance loop (scenarios pinned to two nodes; a cluster maps them). */
export const CONFORMANCE: ConformanceAreaDeps = {
  scenarios: scenariosFor,
  prepare: prepareForLab,
  oracleFactory: policyOracleFactory,
  resolvePolicies,
  toYaml: clusterToManifests,
};

const runners = new Map<TargetKind, Promise<AreaRunner>>();

/** The conformance runner for a target kind (one instance per kind). */
export function conformanceRunner(kind: TargetKind): Promise<AreaRunner> {
  let r = runners.get(kind);
  if (!r) {
    r =
      kind === 'lab'
        ? Promise.resolve(conformanceArea(CONFORMANCE))
        : import('./enforcementAware.ts').then((m) => m.enforcementAware(conformanceArea(CONFORMANCE)));
    runners.set(kind, r);
  }
  return r;
}
