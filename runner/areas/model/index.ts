/**
 * The model area: the Kubernetes network model (`oracle/model`), judged on the policy area's probes and
 * cluster states, so it shares the policy area's runner.
 */

import type { AreaDescriptor } from '../../area.ts';
import { catalogueArea } from '../catalogue.ts';
import { conformanceRunner } from '../policy/conformanceRunner.ts';

export const modelArea: AreaDescriptor = catalogueArea({
  name: 'model',
  title: 'Network model',
  replayable: true,
  byDefault: true,
  runner: conformanceRunner,
});
