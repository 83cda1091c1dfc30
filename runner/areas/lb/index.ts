/**
 * The load-balancing area: on the lab, one lab per proxy mode (labLbArea.ts); on a cluster, the mode its
 * kube-proxy runs (clusterModeTargets.ts).
 */
import { FAULTS } from '../../../adapters/lab/faults.ts';
import { clusterToManifests } from '../../../spec/manifests/write.ts';
import { RULES } from '../../../spec/rules.ts';
import type { AreaDescriptor, AreaRunner } from '../../area.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import { clusterModeTargets } from './clusterModeTargets.ts';
import { labLbArea } from './labLbArea.ts';
import { lbArea as lbRunner } from './lbArea.ts';

const lab: AreaRunner = labLbArea();
const cluster: AreaRunner = lbRunner({
  modeTargets: clusterModeTargets,
  oracleFactory: policyOracleFactory,
  toYaml: clusterToManifests,
});

export const lbArea: AreaDescriptor = {
  name: 'lb',
  title: 'Load balancing',
  rules: RULES.filter((r) => r.area === 'lb'),
  faults: FAULTS.filter((f) => f.area === 'lb').map((f) => f.name),
  replayable: false,
  byDefault: false,
  runner: async (kind) => (kind === 'lab' ? lab : cluster),
};
