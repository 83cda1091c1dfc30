// Waiting for pods with a bound: Ready (or running, for pods meant to stay unready), woken by watch events;
// a pod that cannot start fails the wait at once with the reason and a hint.
import type { V1Pod } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { podState, waitForPods } from './readiness.ts';

const pod = (status: NonNullable<V1Pod['status']>): V1Pod => ({
  metadata: { name: 'a', namespace: 'n' },
  status,
});
const READY: NonNullable<V1Pod['status']> = {
  phase: 'Running',
  podIP: '10.244.1.2',
  conditions: [{ type: 'Ready', status: 'True' }],
  containerStatuses: [
    { name: 'c', image: 'i', imageID: '', ready: true, restartCount: 0, state: { running: {} } },
  ],
};

describe('pod readiness', () => {
  test('states', () => {
    expect(podState(pod(READY), true)).toEqual({ up: true });
    expect(podState(pod({ ...READY, conditions: [{ type: 'Ready', status: 'False' }] }), true)).toMatchObject(
      { up: false, fatal: false },
    );
    expect(podState(pod({ ...READY, conditions: [{ type: 'Ready', status: 'False' }] }), false)).toEqual({
      up: true,
    });
    expect(podState(pod({ phase: 'Pending' }), true)).toMatchObject({ up: false, fatal: false });
    const pull = podState(
      pod({
        phase: 'Pending',
        containerStatuses: [
          {
            name: 'c',
            image: 'i',
            imageID: '',
            ready: false,
            restartCount: 0,
            state: { waiting: { reason: 'ImagePullBackOff' } },
          },
        ],
      }),
      true,
    );
    expect(pull).toMatchObject({ up: false, fatal: true });
  });

  test('a watch event wakes the wait before the next poll', async () => {
    let current = pod({ phase: 'Pending' });
    let fire: (() => void) | undefined;
    let stopped = false;
    const waiting = waitForPods(new Map([['n/a', true]]), async () => [current], {
      timeoutMs: 60_000,
      intervalMs: 60_000,
      image: 'i',
      watch: async (onChange) => {
        fire = onChange;
        return () => {
          stopped = true;
        };
      },
    });
    await new Promise((r) => setTimeout(r, 20));
    current = pod(READY);
    fire?.();
    const seen = await waiting;
    expect(seen.get('n/a')?.status?.podIP).toBe('10.244.1.2');
    expect(stopped).toBe(true);
  });

  // Found on the lab API (adapters/labapi): an event that arrived while a list was in flight was dropped,
  // so the wait slept a whole interval after the pods were already Ready.
  test('a watch event that arrives during a list is not lost', async () => {
    let current = pod({ phase: 'Pending' });
    let fire: (() => void) | undefined;
    let lists = 0;
    const started = Date.now();
    const seen = await waitForPods(
      new Map([['n/a', true]]),
      async () => {
        lists++;
        const answer = [current];
        if (lists === 1) {
          // The pod becomes Ready (and its watch event fires) while this list is still answering.
          current = pod(READY);
          fire?.();
        }
        return answer;
      },
      {
        timeoutMs: 60_000,
        intervalMs: 60_000,
        image: 'i',
        watch: async (onChange) => {
          fire = onChange;
          return () => {};
        },
      },
    );
    expect(seen.get('n/a')?.status?.podIP).toBe('10.244.1.2');
    expect(lists).toBe(2);
    // Bounded far below the 60 s interval the lost event would have cost.
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('an image that cannot be pulled fails at once and names --image', async () => {
    const bad = pod({
      phase: 'Pending',
      containerStatuses: [
        {
          name: 'c',
          image: 'i',
          imageID: '',
          ready: false,
          restartCount: 0,
          state: { waiting: { reason: 'ErrImagePull', message: 'not found' } },
        },
      ],
    });
    await expect(
      waitForPods(new Map([['n/a', true]]), async () => [bad], {
        timeoutMs: 60_000,
        intervalMs: 10,
        image: 'reg/agnhost:x',
      }),
    ).rejects.toThrow(/ErrImagePull.*\n.*--image/s);
  });

  test('the bound: pods still pending are named', async () => {
    await expect(
      waitForPods(new Map([['n/a', true]]), async () => [pod({ phase: 'Pending' })], {
        timeoutMs: 30,
        intervalMs: 10,
        image: 'i',
      }),
    ).rejects.toThrow(/1 pod\(s\) not up.*n\/a: phase Pending/);
  });
});
