/** The pod network families a lab is built with (`LabTargetOptions.ipFamily`, `podnet lab up --ip-family`). */
import { PodnetInputError } from '../../spec/errors.ts';
import { IP_FAMILY_MODES, type IPFamilyMode, ipFamiliesOf } from '../../spec/ipFamily.ts';

export const LAB_IP_FAMILIES = IP_FAMILY_MODES;
export type LabIpFamily = IPFamilyMode;
export const familiesOf = ipFamiliesOf;

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
