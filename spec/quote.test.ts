// The last guard on printed messages: no unbroken run of characters floods a terminal or a CI log.
import { describe, expect, test } from 'vitest';
import { reportError } from '../cli/main.ts';
import { PodnetInputError } from './errors.ts';
import { cutLongRuns, MAX_RUN_LENGTH, quoteValue } from './quote.ts';

describe('cutLongRuns', () => {
  test('a run longer than the limit keeps its ends and says how long it was; short words are untouched', () => {
    const path = `/tmp/${'d'.repeat(100_000)}/m.yaml`;
    const out = cutLongRuns(`m.yaml: cannot read ${path}: ENOENT`);
    expect(out.length).toBeLessThan(2 * MAX_RUN_LENGTH);
    expect(out).toMatch(/^m\.yaml: cannot read \/tmp\/d+…d+\/m\.yaml: \(100013 characters\) ENOENT$/);
    expect(cutLongRuns('a b\nc  d')).toBe('a b\nc  d');
    expect(cutLongRuns('x'.repeat(MAX_RUN_LENGTH))).toBe('x'.repeat(MAX_RUN_LENGTH));
  });

  test('every error the CLI prints goes through it (an error built from a huge label key)', () => {
    const lines: string[] = [];
    const code = reportError(
      new PodnetInputError(
        'PODNET_BAD_MANIFEST',
        `field metadata.labels.${'k'.repeat(1_000_000)} is invalid`,
      ),
      { stdout: () => {}, stderr: (t: string) => lines.push(t), env: {}, cwd: '/' } as never,
    );
    expect(code).toBe(2);
    expect(
      Math.max(
        ...lines
          .join('')
          .split('\n')
          .map((l) => l.length),
      ),
    ).toBeLessThan(1000);
    expect(lines.join('')).toContain('(1000016 characters)');
  });

  test('quoteValue still cuts to its own shorter length', () => {
    expect(quoteValue('v'.repeat(500))).toMatch(/…" \(500 characters\)$/);
  });
});
