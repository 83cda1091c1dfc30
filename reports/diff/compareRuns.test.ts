import { describe, expect, test } from 'vitest';
import type { Finding, ResultsDocument } from '../../spec/results.ts';
import { loadFixture } from '../fixtures/load.ts';
import { compareRuns } from './compareRuns.ts';
import { renderDiffAnnotations, renderDiffMarkdown, renderDiffText } from './renderDiff.ts';

const FILES = { before: 'before/results.json', after: 'after/results.json' };
const diffOf = (before: ResultsDocument, after: ResultsDocument) => compareRuns(before, after, FILES);

/** A copy of a document with some of its findings replaced. */
function withFindings(doc: ResultsDocument, findings: readonly Finding[]): ResultsDocument {
  return { ...structuredClone(doc), findings };
}

describe('compareRuns', () => {
  // clean.json and policy.json are what the runner writes for a clean run and an ignore-except run.
  test('a rule that held and now fails is a regression, and its finding is new', () => {
    const diff = diffOf(loadFixture('clean'), loadFixture('policy'));
    const regression = diff.rules.filter((r) => r.change === 'regression');
    expect(regression.map((r) => `${r.area} ${r.rule} ${r.before}→${r.after}`)).toEqual([
      'policy NP-EGRESS-ISOLATION pass→fail',
    ]);
    expect(diff.regressions).toBe(1);
    expect(diff.findings.map((f) => `${f.status} ${f.kind} ${f.rule}`)).toEqual([
      'new leak NP-EGRESS-ISOLATION',
    ]);
  });

  test('swapped, the same rule is a fix and the finding is gone; no regression', () => {
    const diff = diffOf(loadFixture('policy'), loadFixture('clean'));
    expect(diff.regressions).toBe(0);
    expect(diff.fixes).toBe(1);
    expect(diff.rules.find((r) => r.change === 'fixed')?.rule).toBe('NP-EGRESS-ISOLATION');
    expect(diff.findings.map((f) => f.status)).toEqual(['gone']);
  });

  test('a run against itself: every failing rule still fails, every finding is still there', () => {
    const full = loadFixture('full');
    const diff = diffOf(full, full);
    expect(diff.regressions).toBe(0);
    expect(diff.fixes).toBe(0);
    expect(diff.settings).toEqual([]);
    expect(new Set(diff.findings.map((f) => f.status))).toEqual(new Set(['still']));
    expect(diff.findings).toHaveLength(full.findings.length);
    expect(diff.rules.filter((r) => r.change === 'still-failing').length).toBeGreaterThan(0);
  });

  test('findings match by what they are about, not by id or by the addresses a target assigned', () => {
    const policy = loadFixture('policy');
    const renamed = withFindings(
      policy,
      policy.findings.map((f) => ({
        ...f,
        id: `${f.id}-other-run`,
        ...(f.probe ? { probe: { ...f.probe, host: '10.244.9.9', command: 'another command' } } : {}),
      })),
    );
    expect(diffOf(policy, renamed).findings.map((f) => f.status)).toEqual(['still']);
  });

  test('the same rule failing on another minimal scenario: one new, one gone, the rule still failing', () => {
    const policy = loadFixture('policy');
    const other = withFindings(
      policy,
      policy.findings.map((f) => ({
        ...f,
        ...(f.probe ? { probe: { ...f.probe, port: f.probe.port + 1 } } : {}),
      })),
    );
    const diff = diffOf(policy, other);
    expect(diff.findings.map((f) => f.status).sort()).toEqual(['gone', 'new']);
    expect(diff.regressions).toBe(0);
    expect(diff.rules.find((r) => r.rule === 'NP-EGRESS-ISOLATION')?.change).toBe('still-failing');
  });

  test('a rule that was not run before and fails now is a regression too', () => {
    // inconclusive.json did not run flannel; flannel.json found vxlan-fdb-missing.
    const diff = diffOf(loadFixture('inconclusive'), loadFixture('flannel'));
    const regressed = diff.rules.filter((r) => r.change === 'regression');
    expect(regressed.length).toBeGreaterThan(0);
    expect(regressed.every((r) => r.area === 'flannel' && r.before === 'not-run')).toBe(true);
  });

  test('a different semantic profile is flagged as making the runs incomparable; other options are listed', () => {
    const clean = loadFixture('clean');
    const other: ResultsDocument = {
      ...structuredClone(clean),
      profile: { ...clean.profile, loopback: 'allow' },
      options: { ...clean.options, probeTimeoutMs: 999 },
    };
    const settings = diffOf(clean, other).settings;
    expect(settings.find((s) => s.key === 'profile.loopback')).toMatchObject({
      before: '"undefined"',
      after: '"allow"',
      incomparable: expect.stringContaining('profile'),
    });
    const timeout = settings.find((s) => s.key === 'options.probeTimeoutMs');
    expect(timeout).toMatchObject({ before: '2000', after: '999' });
    expect(timeout?.incomparable).toBeUndefined();
  });
});

describe('coverage between runs', () => {
  test('a rule exercised before and never now is lost; swapped, gained; counts unchanged elsewhere', () => {
    const clean = loadFixture('clean');
    const exercised = clean.coverage?.rules.find((r) => r.scenarios > 0);
    expect(exercised).toBeDefined();
    const fewer: ResultsDocument = {
      ...structuredClone(clean),
      coverage: {
        ...clean.coverage!,
        rules: clean.coverage!.rules.map((r) =>
          r === exercised ? { ...r, scenarios: 0, probes: 0, allow: 0, deny: 0 } : r,
        ),
      },
    };
    expect(diffOf(clean, fewer).coverage).toEqual([
      {
        change: 'lost',
        what: 'rule',
        area: exercised!.area,
        name: exercised!.rule,
        before: exercised!.scenarios,
        after: 0,
      },
    ]);
    expect(diffOf(fewer, clean).coverage?.map((c) => `${c.change} ${c.name}`)).toEqual([
      `gained ${exercised!.rule}`,
    ]);
    expect(diffOf(clean, clean).coverage).toEqual([]);
  });

  test('a document without coverage (schemaVersion 1): nothing said about coverage', () => {
    const clean = loadFixture('clean');
    const { coverage: _, ...old } = structuredClone(clean);
    expect(diffOf(old, clean).coverage).toBeUndefined();
  });
});

describe('renderDiff', () => {
  test('text names the regression and ends with the verdict', () => {
    const text = renderDiffText(diffOf(loadFixture('clean'), loadFixture('policy')));
    expect(text).toMatch(/^ {2}REGRESSION +policy NP-EGRESS-ISOLATION {2}pass → fail/m);
    expect(text.trimEnd().split('\n').at(-1)).toBe('REGRESSION: 1 regression, 0 fixes');
  });

  test('strings from the documents cannot reach the terminal, the Markdown or the workflow log raw', () => {
    // hostile.json carries markup, control characters and workflow-command text in every cluster string.
    const diff = diffOf(loadFixture('clean'), loadFixture('hostile'));
    expect(diff.regressions).toBeGreaterThan(0);
    const text = renderDiffText(diff);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: the point is that none is printed
    expect(text).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f]/);
    const markdown = renderDiffMarkdown(diff);
    expect(markdown).not.toContain('<script>');
    expect(markdown).not.toContain('<svg');
    for (const line of renderDiffAnnotations(diff)) {
      expect(line).toMatch(/^::error title=[^:\n]*::/);
      expect(line).not.toMatch(/[\r\n]/);
    }
  });

  test('annotations: one per regression, the last line counting the rest past the limit', () => {
    const diff = diffOf(loadFixture('clean'), loadFixture('full'));
    expect(diff.regressions).toBeGreaterThan(2);
    expect(renderDiffAnnotations(diff)).toHaveLength(diff.regressions);
    const capped = renderDiffAnnotations(diff, 2);
    expect(capped).toHaveLength(2);
    expect(capped[1]).toContain(`${diff.regressions - 1} more regressions`);
  });
});
