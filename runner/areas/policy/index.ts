/** The policy area: NetworkPolicy verdicts on generated scenarios, judged against the policy oracle. */
import { FAULTS } from '../../../adapters/lab/faults.ts';
import { RULES } from '../../../spec/rules.ts';
import type { AreaDescriptor } from '../../area.ts';
import { conformanceRunner } from './conformanceRunner.ts';

export const policyArea: AreaDescriptor = {
  name: 'policy',
  title: 'NetworkPolicy',
  rules: RULES.filter((r) => r.area === 'policy'),
  faults: FAULTS.filter((f) => f.area === 'policy').map((f) => f.name),
  replayable: true,
  byDefault: true,
  runner: conformanceRunner,
};
