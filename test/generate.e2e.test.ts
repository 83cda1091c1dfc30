// `podnet generate` through the real binary in a temp dir: one scenario as files, and the stats table.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { loadManifestsFromPaths } from '../spec/manifests/load.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-generate-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const podnet = (...args: string[]) => execa('node', [BIN, 'generate', ...args], { cwd: dir, reject: false });

describe('podnet generate', { tags: ['e2e'] }, () => {
  test('--seed N -o DIR writes valid YAML, net-conf, steps and the scenario; the same seed writes the same files', async () => {
    const first = await podnet('--seed', '42', '--size', 'large', '-o', 'one');
    expect(first.exitCode).toBe(0);
    expect(first.stdout).toMatch(
      /^wrote cluster\.yaml, net-conf\.json, scenario\.json, steps\.txt to .*one \(seed 42:/,
    );
    const yaml = await readFile(join(dir, 'one', 'cluster.yaml'), 'utf8');
    expect(yaml).toMatch(
      /^# podnet generate --seed 42 --size large\n# ipBlocks in this file were generated symbolically/,
    );
    const loaded = await loadManifestsFromPaths([join(dir, 'one', 'cluster.yaml')]);
    expect(loaded.cluster.pods.length).toBeGreaterThan(0);
    const scenario = JSON.parse(await readFile(join(dir, 'one', 'scenario.json'), 'utf8'));
    expect(scenario.cluster.policies).toHaveLength(loaded.cluster.policies.length);
    const netConf = JSON.parse(await readFile(join(dir, 'one', 'net-conf.json'), 'utf8'));
    expect(netConf.Network).toMatch(/^\d+\.\d+\.\d+\.\d+\/\d+$/);
    const again = await podnet('--seed', '42', '--size', 'large', '-o', 'two');
    expect(again.exitCode).toBe(0);
    expect(await readFile(join(dir, 'two', 'cluster.yaml'), 'utf8')).toBe(yaml);
  });

  test('without -o the YAML goes to stdout; a bad --size is a usage error (exit 2)', async () => {
    const out = await podnet('--seed', '3', '--size', 'small', '--exclude-sctp');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toContain('kind: Namespace');
    expect(out.stdout).not.toContain('SCTP');
    const bad = await podnet('--size', 'huge');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toContain('--size must be small, medium or large, got "huge"');
  });

  test('--stats prints every feature as a share of scenarios and the allow/deny shares of probes', async () => {
    const out = await podnet('--stats', '--runs', '200', '--seed', '9');
    expect(out.exitCode).toBe(0);
    expect(out.stdout).toMatch(/^podnet generate --stats: 200 scenarios, seed 9/);
    expect(out.stdout).toMatch(/^peer ipBlock\s+\d+\.\d%\s+\(\d+\)$/m);
    expect(out.stdout).toMatch(/^allow\s+\d+\.\d%/m);
    expect(out.stdout).toMatch(/^deny\s+\d+\.\d%/m);
  });
});
