/**
 * The model area: the Kubernetes network model (`oracle/model`), judged on the policy area's probes and
 * cluster states, so it shares the policy area's runner.
 */
import { FAULTS } from '../../../adapters/lab/faults.ts';
import { RULES } from '../../../spec/rules.ts';
import type { AreaDescriptor } from '../../area.ts';
import { conformanceRunner } from '../policy/conformanceRunner.ts';

export const modelArea: AreaDescriptor = {
  name: 'model',
  title: 'Network model',
  rules: RULES.filter((r) => r.area === 'model'),
  faults: FAULTS.filter((f) => f.area === 'model').map((f) => f.name),
  replayable: true,
  byDefault: true,
  runner: conformanceRunner,
};
