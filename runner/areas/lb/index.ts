/**
 * The load-balancing area: on the lab, one lab per proxy mode (labLbArea.ts); on a cluster, the mode its
 * kube-proxy runs (clusterModeTargets.ts).
 */
import { clusterToManifests } from '../../../spec/manifests/write.ts';
import type { AreaDescriptor, AreaRunner } from '../../area.ts';
import { policyOracleFactory } from '../../oracleBridge.ts';
import { catalogueArea } from '../catalogue.ts';
import { clusterModeTargets } from './clusterModeTargets.ts';
import { labLbArea } from './labLbArea.ts';
import { lbArea as lbRunner } from './lbArea.ts';

const lab: AreaRunner = labLbArea();
const cluster: AreaRunner = lbRunner({
  modeTargets: clusterModeTargets,
  oracleFactory: policyOracleFactory,
  toYaml: clusterToManifests,
});

export const lbArea: AreaDescriptor = catalogueArea({
  name: 'lb',
  title: 'Load balancing',
  replayable: false,
  byDefault: false,
  runner: async (kind) => (kind === 'lab' ? lab : cluster),
});
