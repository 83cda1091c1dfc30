/**
 * The flannel area: on the lab, generated net-confs and topologies (flannelArea.ts); on a cluster, the
 * net-conf its flannel runs, never changed (clusterFlannel.ts).
 */
import { FAULTS } from '../../../adapters/lab/faults.ts';
import { RULES } from '../../../spec/rules.ts';
import type { AreaDescriptor, AreaRunner } from '../../area.ts';
import { clusterFlannelArea } from './clusterFlannel.ts';
import { flannelArea as generatedFlannelArea } from './flannelArea.ts';

const lab: AreaRunner = generatedFlannelArea();
const cluster: AreaRunner = clusterFlannelArea();

export const flannelArea: AreaDescriptor = {
  name: 'flannel',
  title: 'Flannel',
  rules: RULES.filter((r) => r.area === 'flannel'),
  faults: FAULTS.filter((f) => f.area === 'flannel').map((f) => f.name),
  replayable: false,
  byDefault: false,
  runner: async (kind) => (kind === 'lab' ? lab : cluster),
};
