// The --profile-timing table: per call, per scenario and as a share of the run's wall-clock time.
import { describe, expect, test } from 'vitest';
import { renderTimingTable } from './timingTable.ts';

describe('renderTimingTable', () => {
  test('one row per phase with total, calls, per call, per scenario and share of the run', () => {
    const text = renderTimingTable(
      [
        { phase: 'lab.netfilter', ms: 2000, count: 8 },
        { phase: 'runner.sync', ms: 5000, count: 8 },
      ],
      { wallMs: 10_000, scenarios: 4, probes: 300, processCpuMs: 3500, machineBusy: 0.91 },
    );
    const lines = text.split('\n');
    expect(lines[0]).toBe(
      'timing: 10.0 s, 4 scenarios, 300 probes; podnet process CPU 3.5 s, machine CPU 91% busy',
    );
    expect(lines[3]?.split(/\s+/)).toEqual(['lab.netfilter', '2.00', '8', '250.0', '500.0', '20.0%']);
    expect(lines[4]?.split(/\s+/)).toEqual(['runner.sync', '5.00', '8', '625.0', '1250.0', '50.0%']);
  });
});
