import { describe, expect, test } from 'vitest';
import { loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import { withUndefinedFinding } from './fixtures/undefinedFinding.ts';
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
    const doc = withUndefinedFinding(loadFixture('full'));
    const failing = doc.findings.filter((f) => !['inconclusive', 'undefined'].includes(f.kind));
    expect(failing.length).toBeLessThan(doc.findings.length - 1);
    const lines = renderAnnotations(doc);
    expect(lines).toHaveLength(failing.length);
    const leak = failing.find((f) => f.kind === 'leak');
    expect(lines[0]?.startsWith(`::error title=podnet LEAK ${leak?.rule}::${leak?.title}%0A`)).toBe(true);
    expect(lines[0]).toContain(`%0Areplay: ${leak?.replayCommand}`);
    expect(lines.at(-1)).toMatch(/^::error title=podnet DISTRIBUTION LB-UNIFORM::/);
    for (const line of lines) expect(line).not.toMatch(/[\r\n]/);
    // Text from the document is escaped as workflow-command data: a `%` becomes %25.
    const shares = {
      ...doc,
      findings: doc.findings.map((f) =>
        f.kind === 'distribution' ? { ...f, title: `${f.title}: 66% of new connections` } : f,
      ),
    };
    expect(renderAnnotations(shares).at(-1)).toMatch(
      /^::error title=podnet DISTRIBUTION LB-UNIFORM::.*66%25 of new connections/,
    );
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
    const doc = loadFixture('full');
    const out = renderGithubSummary(doc);
    const judged = doc.findings.filter((f) => f.kind !== 'inconclusive' && f.kind !== 'undefined');
    expect(out).toMatch(new RegExp(`^## podnet: ❌ ${judged.length} findings`));
    const policy = doc.findings.filter((f) => f.area === 'policy');
    const cell = (kind: string) => String(policy.filter((f) => f.kind === kind).length).replace(/^0$/, '·');
    const kinds = ['leak', 'block', 'mismatch', 'distribution', 'inconclusive', 'undefined'];
    expect(out).toContain(
      `| policy | fail | ${doc.summary.byArea.policy?.scenarios} | ${kinds.map(cell).join(' | ')} |`,
    );
    const leak = judged.find((f) => f.kind === 'leak');
    expect(out).toContain(`\`\`\`sh\n${leak?.replayCommand}\n\`\`\``);
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
