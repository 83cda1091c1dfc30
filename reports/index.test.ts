import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { PodnetInputError } from '../spec/errors.ts';
import { readResultsFile } from '../spec/resultsFile.ts';
import { loadFixture } from './fixtures/load.ts';
import { renderAll } from './index.ts';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-reports-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('renderAll', () => {
  test('writes report.html and junit.xml; summary.md and annotations only with github', async () => {
    const doc = loadFixture('full');
    const plain = await renderAll(doc, dir);
    expect(plain).toEqual({ html: join(dir, 'report.html'), junit: join(dir, 'junit.xml'), annotations: [] });
    expect(await readFile(plain.html, 'utf8')).toMatch(/^<!doctype html>/);
    expect(await readFile(plain.junit, 'utf8')).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>/);
    await expect(readFile(join(dir, 'summary.md'))).rejects.toThrow();

    const github = await renderAll(doc, join(dir, 'gh'), { github: true });
    const failing = doc.findings.filter((f) => f.kind !== 'inconclusive' && f.kind !== 'undefined').length;
    expect(failing).toBeGreaterThan(1);
    expect(await readFile(github.summary ?? '', 'utf8')).toMatch(
      new RegExp(`^## podnet: ❌ ${failing} findings`),
    );
    expect(github.annotations).toHaveLength(failing);
  });

  test('honours explicit output paths', async () => {
    const out = await renderAll(loadFixture('clean'), dir, {
      htmlPath: join(dir, 'x', 'a.html'),
      junitPath: join(dir, 'y', 'b.xml'),
    });
    expect(await readFile(join(dir, 'x', 'a.html'), 'utf8')).toContain('PASS');
    expect(out.junit).toBe(join(dir, 'y', 'b.xml'));
  });
});

describe('the results reader', () => {
  test('a missing file and a foreign file are input errors (exit 2)', async () => {
    expect(() => readResultsFile(join(dir, 'nope.json'))).toThrow(PodnetInputError);
    const foreign = join(dir, 'other.json');
    await writeFile(foreign, JSON.stringify({ tool: { name: 'cyclonus' }, schemaVersion: 1 }));
    expect(() => readResultsFile(foreign)).toThrow(/not a podnet results document/);
  });
});
