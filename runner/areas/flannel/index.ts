/**
 * The flannel area: on the lab, generated net-confs and topologies (flannelArea.ts); on a cluster, the
 * net-conf its flannel runs, never changed (clusterFlannel.ts).
 */

import type { AreaDescriptor, AreaRunner } from '../../area.ts';
import { catalogueArea } from '../catalogue.ts';
import { clusterFlannelArea } from './clusterFlannel.ts';
import { flannelArea as generatedFlannelArea } from './flannelArea.ts';

const lab: AreaRunner = generatedFlannelArea();
const cluster: AreaRunner = clusterFlannelArea();

export const flannelArea: AreaDescriptor = catalogueArea({
  name: 'flannel',
  title: 'Flannel',
  replayable: false,
  byDefault: false,
  runner: async (kind) => (kind === 'lab' ? lab : cluster),
});
