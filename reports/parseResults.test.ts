import { describe, expect, test } from 'vitest';
import { PodnetInputError } from '../spec/errors.ts';
import { FIXTURES, loadFixture } from './fixtures/load.ts';
import { parseResults } from './parseResults.ts';

function errorOf(text: string): PodnetInputError {
  try {
    parseResults(text, 'r.json');
  } catch (error) {
    if (error instanceof PodnetInputError) return error;
    throw error;
  }
  throw new Error('expected a PodnetInputError');
}

describe('parseResults', () => {
  test.each(FIXTURES)('accepts the %s fixture', (name) => {
    expect(loadFixture(name).tool.name).toBe('podnet');
  });

  test('rejects text that is not JSON, with exit code 2', () => {
    const e = errorOf('{not json');
    expect(e.code).toBe('PODNET_BAD_RESULTS');
    expect(e.exitCode).toBe(2);
    expect(e.message).toContain('r.json');
  });

  test('rejects a JSON document from another tool', () => {
    expect(errorOf('{"results": []}').message).toContain('not a podnet results document');
  });

  test('rejects an unsupported schemaVersion and says which one it reads', () => {
    const doc = { ...loadFixture('clean'), schemaVersion: 2 };
    const e = errorOf(JSON.stringify(doc));
    expect(e.location.field).toBe('schemaVersion');
    expect(e.message).toContain('unsupported schemaVersion 2; this podnet reads version 1');
  });

  test('names the first bad field of a finding', () => {
    const doc = loadFixture('policy');
    const broken = { ...doc, findings: [doc.findings[0], { ...doc.findings[1], kind: 'oops' }] };
    expect(errorOf(JSON.stringify(broken)).location.field).toBe('findings[1].kind');
  });
});
