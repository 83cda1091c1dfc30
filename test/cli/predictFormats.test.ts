// End-to-end: `podnet predict --format csv|summary|groups|groups-json` on examples/seed-policy, against golden
// files (test/cli/golden/, rewritten with PODNET_UPDATE_GOLDEN=1 and read before committing), and each form
// checked against the JSON contract cell by cell, so a golden file cannot hold a wrong answer unnoticed.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/podnet.js');
const EXAMPLE = join(ROOT, 'examples/seed-policy');
const GOLDEN = join(import.meta.dirname, 'golden');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-predict-formats-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const podnet = (...args: string[]) => execa('node', [BIN, ...args], { cwd: dir, reject: false });

interface Cell {
  readonly from: string;
  readonly to: string;
  readonly port: number;
  readonly protocol: string;
  readonly verdict: string;
}

async function seedCells(): Promise<Cell[]> {
  const r = await podnet('predict', '-f', EXAMPLE, '--format', 'json');
  expect(r.exitCode).toBe(0);
  return (JSON.parse(r.stdout) as { results: Cell[] }).results;
}

async function golden(format: string): Promise<string> {
  const r = await podnet('predict', '-f', EXAMPLE, '--format', format);
  expect(r.stderr).toBe('');
  expect(r.exitCode).toBe(0);
  const file = join(GOLDEN, `predict-seed.${format}.txt`);
  if (process.env.PODNET_UPDATE_GOLDEN === '1') await writeFile(file, `${r.stdout}\n`);
  expect(`${r.stdout}\n`).toBe(await readFile(file, 'utf8'));
  return r.stdout;
}

const cellId = (c: Pick<Cell, 'from' | 'to' | 'port' | 'protocol'>) =>
  `${c.from}>${c.to} ${c.protocol}/${c.port}`;

describe('podnet predict output forms', { tags: ['e2e'] }, () => {
  test('csv: the golden file, and the same cells as the JSON in the same order', async () => {
    const [text, cells] = await Promise.all([golden('csv'), seedCells()]);
    const lines = text.split('\n');
    expect(lines[0]).toBe('from,to,port,protocol,verdict');
    expect(lines.slice(1)).toEqual(
      cells.map((c) => `${c.from},${c.to},${c.port},${c.protocol},${c.verdict}`),
    );
  });

  test('summary: the golden file, and its counts are the JSON cells counted per namespace pair and port', async () => {
    const [text, cells] = await Promise.all([golden('summary'), seedCells()]);
    const expected = new Map<string, number[]>();
    for (const c of cells) {
      const id = `${c.from.split('/')[0]} ${c.to.split('/')[0]} ${c.protocol}/${c.port}`;
      const counts = expected.get(id) ?? [0, 0, 0];
      counts[['allow', 'deny', 'undefined'].indexOf(c.verdict)]! += 1;
      expected.set(id, counts);
    }
    const rows = text
      .split('\n')
      .slice(4)
      .filter((l) => l.trim() !== '' && !l.startsWith('total'))
      .map((l) => l.trim().split(/\s+/));
    expect(new Map(rows.map((r) => [r.slice(0, 3).join(' '), r.slice(3).map(Number)]))).toEqual(expected);
    const total = (text.split('\n').find((l) => l.startsWith('total')) ?? '').trim().split(/\s+/).slice(1);
    expect(total.map(Number).reduce((a, b) => a + b)).toBe(cells.length);
  });

  test('groups-json: the golden file, and its groups expanded give back every allowed and undefined cell', async () => {
    const [text, cells] = await Promise.all([golden('groups-json'), seedCells()]);
    const doc = JSON.parse(text) as {
      selfTraffic: string;
      classes: { id: number; pods: string[] }[];
      connections: { from: number; to: number; self?: boolean; allowed: string[]; undefined: string[] }[];
    };
    const pods = (id: number) => doc.classes.find((c) => c.id === id)?.pods ?? [];
    const expanded = new Map<string, string>();
    for (const c of doc.connections)
      for (const from of pods(c.from))
        for (const to of c.self ? [from] : pods(c.to).filter((p) => p !== from))
          for (const [verdict, ports] of [
            ['allow', c.allowed],
            ['undefined', c.undefined],
          ] as const)
            for (const port of ports) {
              const [protocol, number] = port.split('/');
              expanded.set(cellId({ from, to, port: Number(number), protocol: protocol ?? '' }), verdict);
            }
    // A pod to itself is the profile's (loopback=undefined) and not listed; every other cell is listed unless denied.
    expect(doc.selfTraffic).toBe('undefined');
    const listed = new Map(
      cells.filter((c) => c.from !== c.to && c.verdict !== 'deny').map((c) => [cellId(c), c.verdict]),
    );
    expect(expanded).toEqual(listed);
    expect(doc.classes.flatMap((c) => c.pods).sort()).toEqual([...new Set(cells.map((c) => c.from))].sort());
  });

  test('groups: the golden file; the seed policy lets the frontend group reach the db group on 6379', async () => {
    const text = await golden('groups');
    expect(text).toMatch(
      /^ {2}ns=default role=frontend \(1 pod\) => ns=default role=db \(2 pods\) : .*TCP\/6379/m,
    );
    expect(text).not.toMatch(/role=backend \(1 pod\) => ns=default role=db/);
  });

  test('the truth tables refuse more pods than fit a screen, and name the forms that do', async () => {
    const pods = Array.from({ length: 101 }, (_, i) =>
      [
        'apiVersion: v1',
        'kind: Pod',
        `metadata: { name: p${i}, namespace: big }`,
        'spec: { containers: [{ name: c, ports: [{ containerPort: 80 }] }] }',
        `status: { podIP: 10.1.0.${i + 1} }`,
      ].join('\n'),
    );
    const file = join(dir, 'big.yaml');
    await writeFile(file, pods.join('\n---\n'));
    const r = await podnet('predict', '-f', file);
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('101 pods: truth tables are drawn for up to 100 pods');
    expect(r.stderr).toContain('--format summary');
    const groups = await podnet('predict', '-f', file, '--format', 'groups');
    expect(groups.exitCode).toBe(0);
    // No policy: one group of 101 pods, free to reach each other.
    expect(groups.stdout).toContain('ns=big (101 pods) => ns=big (101 pods) : TCP/80');
  });
});
