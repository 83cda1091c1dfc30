// Two `podnet run` at once on one machine both finish with correct results, and a third process running
// `podnet lab down --all` in the middle changes nothing for them: it keeps labs whose owner still runs.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { cleanupLab } from '../adapters/lab/cleanup.ts';
import { DEFAULT_STATE_ROOT } from '../adapters/lab/names.ts';
import { labPaths, readLabOwner } from '../adapters/lab/state.ts';
import { testLabId } from '../adapters/lab/testing.ts';
import { labLeftovers } from './labLeftovers.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
const IDS = [testLabId(), testLabId()] as const;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-shared-'));
});
afterAll(async () => {
  for (const id of IDS) await cleanupLab(id);
  await rm(dir, { recursive: true, force: true });
});

/** Resolves once lab `id` exists and names `pid` as its owner. */
async function ownedBy(id: string, pid: number): Promise<void> {
  for (let i = 0; i < 600; i++) {
    const owner = await readLabOwner(labPaths(DEFAULT_STATE_ROOT, id));
    if (owner?.pid === pid) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`lab ${id} never recorded owner ${pid}`);
}

describe('a shared machine', { tags: ['lab', 'e2e'] }, () => {
  test('two runs at once finish correctly while a third process runs lab down --all', async () => {
    const runs = IDS.map((id, i) =>
      execa(
        'node',
        [BIN, 'run', '--seed', String(i + 1), '--budget', '60s', '--out', `out-${i}`, '--quiet'],
        {
          cwd: dir,
          reject: false,
          env: { PODNET_LAB_ID: id },
        },
      ),
    );
    await Promise.all(IDS.map((id, i) => ownedBy(id, runs[i]?.pid as number)));
    // The runs search for 60 s: long enough that they still hold their labs when `lab down` (a node
    // start, seconds on a loaded machine) looks at the machine.
    const down = await execa('node', [BIN, 'lab', 'down', '--all'], { cwd: dir, reject: false });
    const stillRunning = runs.map((r) => r.exitCode === null);
    const done = await Promise.all(runs);
    const story = `lab down: ${down.stdout}\n${done.map((r) => `run: exit ${r.exitCode}\n${r.stderr}`).join('\n')}`;
    expect(down.exitCode, story).toBe(0);
    expect(stillRunning, `the runs ended before lab down looked; ${story}`).toEqual([true, true]);
    for (const [i, id] of IDS.entries()) {
      expect(down.stdout, story).toContain(`kept lab ${id}: in use by pid ${runs[i]?.pid}`);
    }
    for (const [i, r] of done.entries()) {
      expect(r.stderr).not.toContain('internal error');
      expect(r.exitCode, r.stdout).toBe(0);
      const doc = JSON.parse(await readFile(join(dir, `out-${i}`, 'results.json'), 'utf8'));
      expect(doc.summary.conforms).toBe(true);
      expect(doc.summary.scenarios).toBeGreaterThan(0);
      expect(
        doc.findings.filter((f: { kind: string }) => f.kind !== 'inconclusive' && f.kind !== 'undefined'),
      ).toEqual([]);
    }
    for (const id of IDS) expect(await labLeftovers(id)).toEqual({ netns: [], links: [], processes: [] });
  });
});
