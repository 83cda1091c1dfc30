/**
 * What the lab-API end-to-end files share: a temporary folder and the labs they started, both removed
 * after the file even when a test failed (only this file's labs: a lab test never removes another's),
 * and `lab up --api` / `lab down` through the CLI with the down checked against the kernel.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, expect } from 'vitest';
import { cleanupLab } from '../adapters/lab/cleanup.ts';
import { testLabId } from '../adapters/lab/testing.ts';
import { labLeftovers } from './labLeftovers.ts';

export const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');

export interface LabApiSuite {
  /** The file's temporary folder (set once the file's tests start). */
  readonly dir: () => string;
  /** A fresh lab id, remembered for the file's final cleanup. */
  readonly newLabId: () => string;
}

/** Registers the file's hooks; call at the top level of a test file. */
export function labApiSuite(prefix: string): LabApiSuite {
  let dir = '';
  const labs: string[] = [];
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), prefix));
  });
  afterAll(async () => {
    for (const id of labs) await cleanupLab(id, undefined, true);
    await rm(dir, { recursive: true, force: true });
  });
  return {
    dir: () => dir,
    newLabId: () => {
      const id = testLabId();
      labs.push(id);
      return id;
    },
  };
}

/** `podnet lab up --api` with `extra` options; the kubeconfig goes into the suite's folder. */
export async function labApiUp(
  suite: LabApiSuite,
  extra: readonly string[] = [],
): Promise<{ id: string; kc: string }> {
  const id = suite.newLabId();
  const kc = join(suite.dir(), `${id}.kubeconfig`);
  const up = await execa('node', [BIN, 'lab', 'up', '--api', '--lab', id, '--kubeconfig-out', kc, ...extra], {
    cwd: suite.dir(),
    reject: false,
  });
  expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
  return { id, kc };
}

/** `podnet lab down`, then nothing of the lab may be left in the kernel. */
export async function labApiDown(suite: LabApiSuite, id: string): Promise<void> {
  const down = await execa('node', [BIN, 'lab', 'down', '--lab', id], { cwd: suite.dir(), reject: false });
  expect(down.exitCode, down.stderr).toBe(0);
  expect(await labLeftovers(id)).toEqual({ netns: [], links: [], processes: [] });
}
