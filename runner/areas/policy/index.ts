/** The policy area: NetworkPolicy verdicts on generated scenarios, judged against the policy oracle. */

import type { AreaDescriptor } from '../../area.ts';
import { catalogueArea } from '../catalogue.ts';
import { conformanceRunner } from './conformanceRunner.ts';

export const policyArea: AreaDescriptor = catalogueArea({
  name: 'policy',
  title: 'NetworkPolicy',
  replayable: true,
  byDefault: true,
  runner: conformanceRunner,
});
