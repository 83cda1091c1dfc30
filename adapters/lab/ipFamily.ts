/** The pod network families a lab is built with (`LabTargetOptions.ipFamily`, `podnet lab up --ip-family`). */
import { PodnetInputError } from '../../spec/errors.ts';

export const LAB_IP_FAMILIES = ['ipv4', 'ipv6', 'dual'] as const;
export type LabIpFamily = (typeof LAB_IP_FAMILIES)[number];

/** The families pods get under `mode`, primary first (Capabilities.ipFamilies). */
export function familiesOf(mode: LabIpFamily): (4 | 6)[] {
  return mode === 'ipv4' ? [4] : mode === 'ipv6' ? [6] : [4, 6];
}

/** Refuses an `ipFamily` that is not one of LAB_IP_FAMILIES (JavaScript callers, the CLI's text). */
export function checkIpFamily(value: string | undefined): asserts value is LabIpFamily | undefined {
  if (value === undefined || (LAB_IP_FAMILIES as readonly string[]).includes(value)) return;
  throw new PodnetInputError(
    'PODNET_LAB_IP_FAMILY',
    `ipFamily "${value}" is not one of ${LAB_IP_FAMILIES.join(', ')}`,
    { field: 'ipFamily' },
    'use ipv4 (the default), ipv6 or dual',
  );
}
