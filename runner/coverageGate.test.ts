// The `--require-coverage` gate (docs/rules.md "Coverage"): what was asked for and never exercised.
import { describe, expect, test } from 'vitest';
import type { Coverage } from '../spec/results.ts';
import { unmetCoverage } from './coverageGate.ts';

const coverage: Coverage = {
  rules: [
    { area: 'policy', rule: 'NP-ALLOW', scenarios: 3, probes: 40, allow: 40, deny: 0 },
    { area: 'policy', rule: 'NP-STEP', scenarios: 0, probes: 0, allow: 0, deny: 0 },
  ],
  features: [
    { area: 'policy', feature: 'port name', probes: 4, scenarios: 2 },
    { area: 'policy', feature: 'after relabel namespace', probes: 0, scenarios: 0 },
  ],
  unsupported: [{ area: 'policy', feature: 'protocol SCTP', reason: 'target lab cannot send SCTP' }],
};

describe('unmetCoverage', () => {
  test('all: every listed rule and feature never exercised; unsupported features are not asked for', () => {
    expect(unmetCoverage(coverage, 'all')).toEqual(['NP-STEP', 'after relabel namespace (policy)']);
  });

  test('a file: only what it names, with why when it cannot have been exercised here', () => {
    expect(
      unmetCoverage(coverage, {
        rules: ['NP-ALLOW', 'NP-STEP', 'LB-UNIFORM'],
        features: [
          { area: 'policy', feature: 'port name' },
          { area: 'policy', feature: 'protocol SCTP' },
          { area: 'lb', feature: 'policy after DNAT' },
        ],
      }),
    ).toEqual([
      'NP-STEP',
      'LB-UNIFORM (its area did not run)',
      'protocol SCTP (policy): not testable here, target lab cannot send SCTP',
      'policy after DNAT (lb): its area did not run',
    ]);
  });

  test('met: nothing left', () => {
    expect(
      unmetCoverage(coverage, { rules: ['NP-ALLOW'], features: [{ area: 'policy', feature: 'port name' }] }),
    ).toEqual([]);
  });
});
