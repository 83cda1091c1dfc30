/** The LB area as wired for the lab: one lab per proxy mode, the policy oracle for policy after DNAT. */
import { clusterToManifests } from '../../../spec/manifests/write.ts';
import type { AreaRunner } from '../../area.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import { labModeTargets } from './labModeTargets.ts';
import type { LbAreaDeps } from './lbArea.ts';
import { lbArea } from './lbArea.ts';
import { LB_NODES } from './lbScenario.ts';

export function labLbArea(overrides: Partial<Pick<LbAreaDeps, 'lb' | 'area'>> = {}): AreaRunner {
  return lbArea({
    modeTargets: labModeTargets({ nodes: LB_NODES.length }),
    oracleFactory: policyOracleFactory,
    toYaml: clusterToManifests,
    ...overrides,
  });
}
