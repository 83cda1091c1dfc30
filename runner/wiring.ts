/** The real pieces behind a run: the lab or kube target, the policy oracle, the generators and the renderers. */

import type fc from 'fast-check';
import type { FaultName } from '../adapters/lab/faults.ts';
import { createLabTarget } from '../adapters/lab/labTarget.ts';
import { scenarioArb } from '../generators/scenario.ts';
import { clusterToManifests } from '../spec/manifests/write.ts';
import type { Cluster } from '../spec/model.ts';
import { resolvePolicies } from '../spec/resolve.ts';
import type { Scenario } from '../spec/scenario.ts';
import type { Target } from '../spec/target.ts';
import type { AreaRunner } from './area.ts';
import type { ConformanceAreaDeps } from './areas/conformanceArea.ts';
import { conformanceArea } from './areas/conformanceArea.ts';
import { flannelArea } from './areas/flannelArea.ts';
import { labLbArea } from './areas/lb/labLbArea.ts';
import type { RunOptions } from './options.ts';
import { policyOracleFactory } from './oracleBridge.ts';
import { pinTopology } from './pinTopology.ts';
import type { SessionDeps } from './session.ts';

/** Nodes of the fixed topology the policy and model areas run on. */
const POLICY_AREA_NODES = 2;

export interface LabWiringOptions {
  readonly faults: readonly FaultName[];
  readonly policyMode?: 'enforce' | 'none';
  /** A fixed lab id (4 hex digits) instead of a random one: lets a caller find exactly this lab's leftovers. */
  readonly labId?: string;
}

function scenariosFor(options: RunOptions): fc.Arbitrary<Scenario> {
  return scenarioArb({ size: options.size, excludeSCTP: true, areas: options.areas });
}

function toYaml(cluster: Cluster): string {
  return clusterToManifests(cluster);
}

function prepareForLab(scenario: Scenario): Scenario {
  return pinTopology(scenario, POLICY_AREA_NODES);
}

function openLab(options: LabWiringOptions): () => Promise<Target> {
  return async () =>
    createLabTarget({
      nodes: POLICY_AREA_NODES,
      faults: options.faults,
      signalHandlers: false,
      ...(options.policyMode ? { policyMode: options.policyMode } : {}),
      ...(options.labId ? { labId: options.labId } : {}),
    });
}

/** The pieces of the policy/model conformance loop, as wired for the lab. */
export const LAB_CONFORMANCE: ConformanceAreaDeps = {
  scenarios: scenariosFor,
  prepare: prepareForLab,
  oracleFactory: policyOracleFactory,
  resolvePolicies,
  toYaml,
};

/** Area runners available in this build, in the order a run executes them. */
export const AREA_RUNNERS: readonly AreaRunner[] = [
  conformanceArea(LAB_CONFORMANCE),
  flannelArea(),
  labLbArea(),
];

export function labSessionDeps(options: LabWiringOptions, render?: SessionDeps['render']): SessionDeps {
  return {
    openTarget: openLab(options),
    targetName: 'lab',
    areaRunners: AREA_RUNNERS,
    ...(render ? { render } : {}),
  };
}
