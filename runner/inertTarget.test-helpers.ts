/** A target that runs nothing, for tests of the wiring around areas: override what a test needs. */
import type { Capabilities, Target } from '../spec/target.ts';

export function inertTarget(
  capabilities: Partial<Capabilities> = {},
  overrides: Partial<Target> = {},
): Target {
  return {
    name: 'fake',
    capabilities: async () => ({
      protocols: ['TCP'],
      ipv6: false,
      ipFamilies: [4],
      policyEnforced: true,
      proxyModes: [],
      nodeState: false,
      ...capabilities,
    }),
    sync: async () => {
      throw new Error('this test syncs no scenario');
    },
    probe: async () => [],
    nodeStates: async () => [],
    teardown: async () => {},
    ...overrides,
  };
}
