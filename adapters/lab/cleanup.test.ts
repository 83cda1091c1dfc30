/** Teardown leaves nothing: not after a failed sync, not on SIGTERM, and a crashed lab is cleaned by prefix. */
import { describe, expect, test } from 'vitest';
import { cleanupLab, leftovers } from './cleanup.ts';
import { createLabTarget } from './labTarget.ts';
import { holdLab } from './testFixtures/holdLab.client.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

describe('lab cleanup', { tags: ['lab'] }, () => {
  test('teardown after a failed sync removes every namespace, process and state file', async () => {
    const lab = createLabTarget({ labId: testLabId() });
    try {
      await lab.sync(labCluster(labNodes([0, 0]), [labPod('x', 'a', 'node-1')]));
      expect((await leftovers(lab.labId)).length).toBeGreaterThan(0);
      await expect(lab.sync(labCluster(labNodes([0, 0]), [labPod('x', 'a', 'node-9')]))).rejects.toThrow(
        /node-9/,
      );
    } finally {
      await lab.teardown();
    }
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('SIGTERM to a process holding a lab tears the lab down', async () => {
    const id = testLabId();
    const h = holdLab(id);
    try {
      await h.up;
      expect((await leftovers(id)).length).toBeGreaterThan(0);
      h.child.kill('SIGTERM');
      await h.exited;
      expect(await leftovers(id)).toEqual([]);
    } finally {
      h.child.kill('SIGKILL');
      await cleanupLab(id);
    }
  });

  test('the leftovers of a killed process are removed by prefix (lab down)', async () => {
    const id = testLabId();
    const h = holdLab(id);
    try {
      await h.up;
      h.child.kill('SIGKILL');
      await h.exited;
      const left = await leftovers(id);
      expect(left.some((l) => l.startsWith('netns'))).toBe(true);
      expect(left.some((l) => l.startsWith('process'))).toBe(true);
    } finally {
      await cleanupLab(id);
    }
    expect(await leftovers(id)).toEqual([]);
  });
});
