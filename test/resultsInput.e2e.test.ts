// Forged and broken results.json through the real CLI (`podnet report`, `podnet replay`) in a temp dir:
// exit 2 naming the file and the JSON path, never "internal error" or a stack trace, and replay refuses
// before any lab exists. A hostile but valid document renders without a second workflow command.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const BIN = fileURLToPath(new URL('../bin/podnet.js', import.meta.url));
const RUN_LEAK = fileURLToPath(new URL('../spec/fixtures/run-leak.json', import.meta.url));
const HOSTILE = fileURLToPath(new URL('../reports/fixtures/hostile.json', import.meta.url));

let dir = '';
let leak: Record<string, unknown>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-results-input-'));
  leak = JSON.parse(await readFile(RUN_LEAK, 'utf8'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function podnet(args: readonly string[], file: string, text: string) {
  await writeFile(join(dir, file), text);
  return execa('node', [BIN, ...args], { cwd: dir, reject: false, env: { NO_COLOR: '1' } });
}

function expectInputError(run: { exitCode?: number; stderr: string }, ...parts: string[]): void {
  expect(run.exitCode, run.stderr).toBe(2);
  expect(run.stderr).not.toContain('internal error');
  expect(run.stderr).not.toMatch(/\n\s+at /);
  for (const part of parts) expect(run.stderr).toContain(part);
}

describe('forged results.json', { tags: ['e2e'] }, () => {
  test('podnet report: 100,000 levels of nesting, and a bad nested field', async () => {
    const deep = await podnet(
      ['report', 'deep.json'],
      'deep.json',
      `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
    );
    expectInputError(deep, 'deep.json', 'nested more than');
    const forged = structuredClone(leak) as { findings: { truthTable: { expected: string }[] }[] };
    forged.findings[0]!.truthTable[1]!.expected = 'maybe';
    const bad = await podnet(['report', 'bad.json'], 'bad.json', JSON.stringify(forged));
    expectInputError(bad, 'bad.json', 'field findings[0].truthTable[1].expected', 'must be one of');
    expect(existsSync(join(dir, 'report.html'))).toBe(false);
  });

  test('podnet replay: a scenario name that is a path is refused before any lab exists', async () => {
    const canary = join(dir, 'canary');
    const forged = structuredClone(leak) as {
      findings: { scenario: { cluster: { pods: { name: string }[] } } }[];
    };
    forged.findings[0]!.scenario.cluster.pods[0]!.name = `../../../../../..${canary}`;
    const run = await podnet(['replay', 'forged.json'], 'forged.json', JSON.stringify(forged));
    expectInputError(run, 'forged.json', 'field findings[0].scenario.cluster.pods[0].name', 'invalid name');
    // replay announces the lab it opens; it never got there.
    expect(run.stderr).not.toContain('on a fresh lab');
    expect(existsSync(canary)).toBe(false);
    expect(existsSync(`${canary}.log`)).toBe(false);
  });

  test('podnet replay: a seed of 1e999 and a probe timeout of a day are exit 2', async () => {
    const text = JSON.stringify(leak).replace('"seed":3,', '"seed":1e999,');
    expectInputError(await podnet(['replay', 'seed.json'], 'seed.json', text), 'field seed', 'Infinity');
    const slow = structuredClone(leak) as { options: Record<string, unknown> };
    slow.options.probeTimeoutMs = 86_400_000;
    const run = await podnet(['replay', 'slow.json'], 'slow.json', JSON.stringify(slow));
    expectInputError(run, 'field options.probeTimeoutMs', 'must be an integer from 1 to 60000');
    expect(run.stderr).not.toContain('on a fresh lab');
  });

  test('podnet report --github on hostile strings: one ::error line per failing finding, nothing else a command', async () => {
    const run = await podnet(
      ['report', 'hostile.json', '--github'],
      'hostile.json',
      await readFile(HOSTILE, 'utf8'),
    );
    expect(run.exitCode, run.stderr).toBe(0);
    // The runner splits lines on CR and LF and trims leading white space before `::` (actions/runner ActionCommand.cs).
    const lines = `${run.stdout}\n${run.stderr}`.split(/\r\n|\r|\n/);
    const commands = lines.filter((l) => l.trimStart().startsWith('::'));
    expect(commands).toHaveLength(3);
    for (const line of commands) expect(line).toMatch(/^::error title=[^:,]*::/);
    expect(lines.filter((l) => l.includes('##['))).toEqual([]);
    expect(lines.filter((l) => /[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u.test(l))).toEqual([]);
  });
});
