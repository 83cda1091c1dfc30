/**
 * Labs on a shared machine: file names never come from scenario names, an id in use is never reused,
 * and `lab down --all` leaves alone the labs whose owner still runs.
 */
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PodnetInputError } from '../../spec/errors.ts';
import { cleanupAll, cleanupLab, leftovers } from './cleanup.ts';
import { createLabTarget } from './labTarget.ts';
import { DEFAULT_STATE_ROOT } from './names.ts';
import { holdLab } from './testFixtures/holdLab.client.ts';
import { labCluster, labPod, testLabId } from './testing.ts';

/** Every file and folder under `dir`, relative. */
async function tree(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const rel = `${prefix}${e.name}`;
    out.push(rel);
    if (e.isDirectory()) out.push(...(await tree(join(dir, e.name), `${rel}/`)));
  }
  return out;
}

describe('labs on a shared machine', { tags: ['lab'] }, () => {
  test('state file names come from indexes: a node or pod named like a path writes nowhere else', async () => {
    const canary = `podnet-canary-${testLabId()}`;
    // A forged scenario (results.json is user input) with names that are paths.
    const nodeName = `../../../../tmp/${canary}-node`;
    const podNamespace = `${'../'.repeat(10)}tmp/${canary}`;
    const pod = labPod(podNamespace, 'x', nodeName);
    const lab = createLabTarget({ labId: testLabId(), signalHandlers: false });
    try {
      await lab.sync(labCluster([{ name: nodeName, labels: {}, segment: 0 }], [pod]));
      expect(existsSync(`/tmp/${canary}-node`)).toBe(false);
      expect(existsSync(`/tmp/${canary}`)).toBe(false);
      expect(existsSync(`/tmp/${canary}/x.log`)).toBe(false);
      for (const name of await tree(lab.paths.dir)) {
        expect(name).toMatch(/^[a-z0-9/.-]+$/);
        expect(name).not.toContain('..');
      }
      // The lab still works under such names: the pod's agent answers itself through its IP.
      const realized = await lab.sync(labCluster([{ name: nodeName, labels: {}, segment: 0 }], [pod]));
      const [ip] = realized.podIPs[`${podNamespace}/x`] ?? [];
      const [result] = await lab.probe(
        [
          {
            id: '1',
            from: `${podNamespace}/x`,
            host: ip as string,
            port: 80,
            protocol: 'TCP',
            timeoutMs: 2000,
          },
        ],
        { concurrency: 1 },
      );
      expect(result?.outcome).toBe('connected');
    } finally {
      await lab.teardown();
    }
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('a pinned id that another lab holds is refused before anything is built', async () => {
    const id = testLabId();
    await mkdir(join(DEFAULT_STATE_ROOT, id), { recursive: true });
    const lab = createLabTarget({ labId: id, signalHandlers: false });
    try {
      const error = await lab.sync(labCluster([], [labPod('x', 'a', undefined)])).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PodnetInputError);
      expect((error as PodnetInputError).code).toBe('PODNET_LAB_ID_IN_USE');
      expect((await leftovers(id)).filter((l) => !l.startsWith('state'))).toEqual([]);
    } finally {
      await rm(join(DEFAULT_STATE_ROOT, id), { recursive: true, force: true });
    }
  });

  test('lab down --all keeps a lab whose owner runs and removes one whose owner was killed', async () => {
    const live = testLabId();
    const dead = testLabId();
    const owner = holdLab(live);
    const victim = holdLab(dead);
    try {
      await Promise.all([owner.up, victim.up]);
      victim.child.kill('SIGKILL');
      await victim.exited;
      expect((await leftovers(dead)).length).toBeGreaterThan(0);
      const report = await cleanupAll();
      expect(report.kept.map((k) => k.labId)).toContain(live);
      expect(report.kept.find((k) => k.labId === live)?.owner.pid).toBe(owner.child.pid);
      expect(report.labs).toContain(dead);
      expect(report.labs).not.toContain(live);
      expect(await leftovers(dead)).toEqual([]);
      const still = await leftovers(live);
      expect(still.some((l) => l.startsWith('netns'))).toBe(true);
      expect(still.some((l) => l.startsWith('process'))).toBe(true);
    } finally {
      owner.child.kill('SIGKILL');
      victim.child.kill('SIGKILL');
      await cleanupLab(live);
      await cleanupLab(dead);
    }
  });
});
