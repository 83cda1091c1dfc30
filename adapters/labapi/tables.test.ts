// Server-side printing: ages as duration.HumanDuration writes them (duration_test.go cases) and the pod
// STATUS column as printers.go printPod derives it.
import { describe, expect, test } from 'vitest';
import { resourceOfKind } from './resources.ts';
import type { ApiObject } from './store.ts';
import { humanDuration, toTable } from './tables.ts';

describe('humanDuration (apimachinery/pkg/util/duration)', () => {
  test.each([
    [-2000, '<invalid>'],
    [-1000, '0s'],
    [1000, '1s'],
    [119_000, '119s'],
    [120_000, '2m'],
    [121_000, '2m1s'],
    [600_000, '10m'],
    [179 * 60_000, '179m'],
    [3 * 3600_000, '3h'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [8 * 3600_000, '8h'],
    [47 * 3600_000, '47h'],
    [48 * 3600_000, '2d'],
    [49 * 3600_000, '2d1h'],
    [8 * 24 * 3600_000, '8d'],
    [2 * 365 * 24 * 3600_000, '2y'],
    [(2 * 365 + 3) * 24 * 3600_000, '2y3d'],
    [8 * 365 * 24 * 3600_000, '8y'],
  ])('%i ms is %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe('pod rows', () => {
  const base = (status: Record<string, unknown>, deleting = false): ApiObject => ({
    metadata: {
      name: 'p',
      creationTimestamp: new Date(Date.now() - 5000).toISOString(),
      ...(deleting ? { deletionTimestamp: new Date().toISOString() } : {}),
    },
    spec: { nodeName: 'node-1', containers: [{ name: 'a' }, { name: 'b' }] },
    status,
  });
  const row = (o: ApiObject) =>
    (
      (toTable(resourceOfKind('Pod'), [o], {}, 'None') as { rows: { cells: unknown[] }[] }).rows[0] as {
        cells: unknown[];
      }
    ).cells;

  test('READY counts ready running containers; STATUS shows a waiting reason; Terminating wins', () => {
    const running = {
      phase: 'Running',
      podIP: '10.244.0.2',
      containerStatuses: [
        { name: 'a', ready: true, restartCount: 1, state: { running: {} } },
        { name: 'b', ready: false, restartCount: 0, state: { running: {} } },
      ],
    };
    expect(row(base(running))).toEqual([
      'p',
      '1/2',
      'Running',
      '1',
      '5s',
      '10.244.0.2',
      'node-1',
      '<none>',
      '<none>',
    ]);
    const pulling = {
      phase: 'Pending',
      containerStatuses: [{ name: 'a', ready: false, state: { waiting: { reason: 'ErrImagePull' } } }],
    };
    expect(row(base(pulling)).slice(1, 3)).toEqual(['0/2', 'ErrImagePull']);
    expect(row(base(running, true))[2]).toBe('Terminating');
  });
});
