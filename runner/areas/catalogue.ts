/**
 * A built-in area's descriptor: its rules from the catalogue (spec/rules.ts) and its faults from the lab's
 * catalogue (adapters/lab/faults.ts), both by area name; the rest as given.
 */
import { FAULTS } from '../../adapters/lab/faults.ts';
import { RULES } from '../../spec/rules.ts';
import type { AreaDescriptor } from '../area.ts';

export function catalogueArea(area: Omit<AreaDescriptor, 'rules' | 'faults'>): AreaDescriptor {
  return {
    ...area,
    rules: RULES.filter((r) => r.area === area.name),
    faults: FAULTS.filter((f) => f.area === area.name).map((f) => f.name),
  };
}
