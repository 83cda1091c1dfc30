// Phase timing (`podnet run --profile-timing`): off by default, sums per phase, counts throws, parses /proc/stat.
import { afterEach, describe, expect, test } from 'vitest';
import { enableTiming, machineCpuTicks, recordTiming, timed, timedSync, timingSnapshot } from './timing.ts';

describe('timing', () => {
  afterEach(() => enableTiming());

  test('records per phase once enabled: totals and calls, also for work that throws', async () => {
    enableTiming();
    recordTiming('b.phase', 5);
    recordTiming('b.phase', 7);
    expect(timedSync('a.sync', () => 42)).toBe(42);
    await expect(timed('a.async', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    const snapshot = timingSnapshot();
    expect(snapshot.map((p) => [p.phase, p.count])).toEqual([
      ['a.async', 1],
      ['a.sync', 1],
      ['b.phase', 2],
    ]);
    expect(snapshot.find((p) => p.phase === 'b.phase')?.ms).toBe(12);
  });

  test("the machine's busy and total jiffies from /proc/stat's cpu line (idle and iowait are not busy)", () => {
    const stat = 'cpu  100 5 50 800 20 3 2 0 0 0\ncpu0 50 2 25 400 10 1 1 0 0 0\n';
    expect(machineCpuTicks(() => stat)).toEqual({ busy: 160, total: 980 });
    expect(
      machineCpuTicks(() => {
        throw new Error('ENOENT');
      }),
    ).toBeUndefined();
  });
});
