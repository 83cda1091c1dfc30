// Output paths (`-o`, `--out`, `--junit`) that cannot be written are refused at once, with exit 2 and
// the path, before anything is read, built or written: nothing is left half written. Node's own
// recursive mkdir never returns on /proc/<pid>/x, which is why podnet checks each level itself.
import { execFileSync } from 'node:child_process';
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/podnet.js', import.meta.url));
const FIXTURE = fileURLToPath(new URL('../reports/fixtures/full.json', import.meta.url));

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-outputs-'));
  await copyFile(FIXTURE, join(dir, 'results.json'));
  await mkdir(join(dir, 'a-folder'));
  execFileSync('mkfifo', [join(dir, 'a-fifo')]);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const podnet = (args: readonly string[]) =>
  execa('node', [BIN, ...args], { cwd: dir, reject: false, timeout: 60_000, env: { NO_COLOR: '1' } });

describe('output paths that cannot be written', { tags: ['e2e'] }, () => {
  test.each([
    [
      ['report', 'results.json', '-o', '/proc/podnet-report.html'],
      /\/proc\/podnet-report\.html: cannot write in \/proc/,
    ],
    [
      ['report', 'results.json', '--junit', '/proc/1/podnet/junit.xml'],
      /junit\.xml: cannot create the folder/,
    ],
    [['report', 'results.json', '-o', 'a-folder'], /a-folder: is a directory/],
    [['report', 'results.json', '--junit', 'a-fifo'], /a-fifo: is a FIFO/],
    [
      ['run', '--out', '/proc/1/podnet-results', '--budget', '5s'],
      /podnet-results: cannot create the folder/,
    ],
    [['run', '--out', 'results.json', '--budget', '5s'], /results\.json: is a regular file, not a folder/],
    [
      ['selftest', '--out', '/proc/podnet', '--budget-per-fault', '5s'],
      /\/proc\/podnet: cannot (create|write)/,
    ],
    [['generate', '--seed', '1', '-o', '/proc/1/x'], /\/proc\/1\/x: cannot create the folder/],
  ])('podnet %j: exit 2 at once, nothing written', async (args, message) => {
    const before = (await readdir(dir)).sort();
    const r = await podnet(args);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode, r.stderr).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toContain('internal error');
    // Nothing beside the input: no report.html, junit.xml or podnet-results folder half made.
    expect((await readdir(dir)).sort()).toEqual(before);
  });
});
