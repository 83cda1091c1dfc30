import { describe, expect, test } from 'vitest';
import { loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import {
  escapeCommandData,
  escapeCommandProperty,
  md,
  renderAnnotations,
  renderGithubSummary,
} from './github.ts';

describe('workflow command escaping (GitHub toolkit: %, CR, LF; also : and , in properties)', () => {
  test('data', () => {
    expect(escapeCommandData('50% a\r\nb: c, d')).toBe('50%25 a%0D%0Ab: c, d');
  });
  test('properties', () => {
    expect(escapeCommandProperty('50% a\nb: c, d')).toBe('50%25 a%0Ab%3A c%2C d');
  });
});

describe('renderAnnotations', () => {
  test('one ::error per failing finding, worst first; inconclusive and undefined are not errors', () => {
    const lines = renderAnnotations(loadFixture('full'));
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^::error title=podnet LEAK NP-PEER-AND::x\/b reached y\/b/);
    expect(lines[4]).toMatch(/^::error title=podnet DISTRIBUTION LB-UNIFORM::.*50%25 of new connections/);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
  });

  test('never more than 10 lines; the last one counts the rest', () => {
    const lines = renderAnnotations(syntheticDocument(5, 100));
    expect(lines).toHaveLength(10);
    const failing = syntheticDocument(5, 100).findings.filter(
      (f) => f.kind !== 'inconclusive' && f.kind !== 'undefined',
    ).length;
    expect(lines[9]).toBe(
      `::error title=podnet::${failing - 9} more findings: see the job summary and report.html`,
    );
  });

  test('a clean run has no annotations', () => {
    expect(renderAnnotations(loadFixture('clean'))).toEqual([]);
  });
});

describe('renderGithubSummary', () => {
  test('a table per area and the findings with replay and YAML', () => {
    const out = renderGithubSummary(loadFixture('full'));
    expect(out).toMatch(/^## podnet: ❌ 5 findings/);
    expect(out).toContain('| policy | fail | 40 | 1 | 1 | · | · | 1 | 1 |');
    expect(out).toContain('```sh\npodnet replay --seed 1234567 --path 17:3:0:1 --target lab\n```');
    expect(out).toContain('<details><summary>Minimal counterexample (YAML)</summary>');
    expect(out).not.toContain('Truncated');
  });

  test('stays under the byte limit and says it truncated', () => {
    const doc = syntheticDocument(9, 100);
    const out = renderGithubSummary(doc, { maxSummaryBytes: 20_000 });
    expect(Buffer.byteLength(out, 'utf8')).toBeLessThanOrEqual(20_000);
    expect(out).toMatch(/> \*\*Truncated:\*\* \d+ more finding\(s\) did not fit/);
    expect(Buffer.byteLength(renderGithubSummary(doc), 'utf8')).toBeLessThan(1024 * 1024);
  });

  test('hostile strings become text: no raw HTML, no table breaks, fences longer than any backtick run', () => {
    const out = renderGithubSummary(loadFixture('hostile'));
    // Inside a fenced code block GitHub shows text verbatim; everywhere else no raw tag may appear.
    const outsideFences = out.replace(/^(`{3,})[a-z]*\n[\s\S]*?\n\1$/gm, '');
    expect(outsideFences).not.toBe(out);
    expect(outsideFences).not.toMatch(/<(script|img|svg|\/pre)/);
    expect(outsideFences).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(md('a|b<c>`d`')).toBe('a\\|b&lt;c&gt;\\`d\\`');
    expect(out).not.toMatch(/[^\P{Cc}\t\n\r\u0080-\u009f]/u);
  });
});
