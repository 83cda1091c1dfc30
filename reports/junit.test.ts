import { readFileSync } from 'node:fs';
import { describe, expect, test } from 'vitest';
import { validateXML } from 'xmllint-wasm';
import type { ResultsDocument } from '../spec/results.ts';
import { ruleInfo } from '../spec/rules.ts';
import { escXml } from './escape.ts';
import { FIXTURES, loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import { withUndefinedFinding } from './fixtures/undefinedFinding.ts';
import { renderJunit } from './junit.ts';

const XSD = readFileSync(new URL('./junit.xsd', import.meta.url), 'utf8');

/** Validate against the common JUnit schema with libxml2 (xmllint compiled to wasm). */
async function validate(xml: string): Promise<{ valid: boolean; errors: string[] }> {
  const result = await validateXML({
    xml: [{ fileName: 'junit.xml', contents: xml }],
    schema: [{ fileName: 'junit.xsd', contents: XSD }],
  });
  return { valid: result.valid, errors: result.errors.map((e) => e.rawMessage) };
}

function testIds(xml: string): string[] {
  return [...xml.matchAll(/<testcase classname="([^"]*)" name="([^"]*)"/g)].map((m) => `${m[1]} :: ${m[2]}`);
}

describe('renderJunit', () => {
  test.each(FIXTURES)(
    'the %s fixture passes the common JUnit schema (testmoapp/junitxml shape)',
    async (name) => {
      expect(await validate(renderJunit(loadFixture(name)))).toEqual({ valid: true, errors: [] });
    },
  );

  test('the validator does reject a document that breaks the schema', async () => {
    const xml = renderJunit(loadFixture('policy')).replace(
      '<testcase classname="podnet.policy"',
      '<testcase',
    );
    expect((await validate(xml)).valid).toBe(false);
  });

  test('one suite per area; areas that did not run are skipped', () => {
    const doc = loadFixture('policy');
    const xml = renderJunit(doc);
    const suites = [...xml.matchAll(/<testsuite name="([^"]+)"/g)].map((m) => m[1]);
    expect(suites).toEqual(['podnet.policy', 'podnet.model', 'podnet.flannel', 'podnet.lb']);
    expect(xml).toMatch(
      /<testcase classname="podnet.flannel" name="flannel properties" time="0">\n\s*<skipped message="the area was not run"\/>/,
    );
    // One case per check of the areas that ran, one skipped case per area that did not and per rule the run
    // never exercised, a failure per failing rule.
    const notRun = Object.values(doc.summary.byArea).filter((a) => a.status === 'not-run').length;
    expect(notRun).toBe(2);
    const never = doc.coverage!.rules.filter((r) => r.scenarios === 0).length;
    expect(never).toBeGreaterThan(0);
    const skipped = notRun + never;
    const tests = (doc.checks?.length ?? 0) + notRun;
    const failing = new Set(
      doc.findings
        .filter((f) => ['leak', 'block', 'mismatch', 'distribution'].includes(f.kind))
        .map((f) => `${f.area} ${f.rule}`),
    );
    expect(failing.size).toBeGreaterThan(0);
    expect(xml).toMatch(
      new RegExp(
        `<testsuites name="podnet" tests="${tests}" failures="${failing.size}" errors="0" skipped="${skipped}"`,
      ),
    );
  });

  test('a rule the run never exercised is a skipped case that says so (docs/rules.md "Coverage")', () => {
    const doc = loadFixture('policy');
    const never = doc.coverage!.rules.find((r) => r.scenarios === 0 && r.area === 'policy');
    if (!never) throw new Error('the policy fixture exercises every policy rule');
    const xml = renderJunit(doc);
    const name = escXml(`${never.rule} ${ruleInfo(never.rule)?.statement ?? ''}`, { attribute: true });
    const at = xml.indexOf(`name="${name}"`);
    expect(at).toBeGreaterThan(0);
    const scenarios = doc.summary.byArea.policy?.scenarios;
    const message = `never exercised: no probe or observation of the run's ${scenarios} scenarios had its verdict decided by ${never.rule}`;
    expect(xml.slice(at, xml.indexOf('</testcase>', at))).toContain(
      `<skipped message="${escXml(message, { attribute: true })}`,
    );
    // An exercised rule without findings passes: a self-closing case.
    const covered = doc.coverage!.rules.find(
      (r) => r.scenarios > 0 && r.area === 'policy' && !doc.findings.some((f) => f.rule === r.rule),
    );
    if (!covered) throw new Error('the policy fixture has no exercised rule without findings');
    const line = xml
      .split('\n')
      .find((l) => l.includes(`name="${escXml(covered.rule, { attribute: true })} `));
    expect(line).toMatch(/time="[0-9.]+"\/>$/);
  });

  test('a failure carries the counterexample YAML and the replay command; seed and path sit outside the name', () => {
    const doc = loadFixture('policy');
    const leak = doc.findings.find((f) => f.kind === 'leak');
    if (!leak) throw new Error('the policy fixture has no leak');
    const xml = renderJunit(doc);
    const failure = /<failure message="([^"]*)" type="leak">([\s\S]*?)<\/failure>/.exec(xml);
    expect(failure?.[1]).toBe(escXml(`1 leak: ${leak.title}`, { attribute: true }));
    expect(failure?.[2]).toContain(`replay:   ${leak.replayCommand}`);
    expect(leak.replayCommand).toBe(`npx podnet replay podnet-results/results.json --finding ${leak.id}`);
    expect(failure?.[2]).toContain(escXml(leak.scenarioYaml.trimEnd()));
    expect(leak.scenarioYaml).toContain('kind: NetworkPolicy\nmetadata:\n  name: ');
    expect(xml).toContain(`[[PROPERTY|finding=${leak.id} seed=${leak.seed} path=${leak.path}]]`);
    expect(xml).toContain(`<property name="seed" value="${doc.seed}"/>`);
    for (const id of testIds(xml)) expect(id).not.toContain(leak.path);
  });

  test('inconclusive findings are errors, not failures; undefined ones are not test results', () => {
    const doc = withUndefinedFinding(loadFixture('inconclusive'));
    const xml = renderJunit(doc);
    expect(xml).toContain('type="inconclusive"');
    expect(xml).toMatch(/<error message="1 inconclusive/);
    expect(xml).not.toContain('<failure');
    const undefinedFinding = doc.findings.find((f) => f.kind === 'undefined');
    expect(xml).not.toContain(escXml(undefinedFinding?.title ?? '?'));
    expect(testIds(xml)).toEqual(testIds(renderJunit(loadFixture('inconclusive'))));
    expect(xml).toContain('1 probe(s) hit cells the API leaves undefined');
    expect(xml).toMatch(/<testsuite name="podnet.lb" [^>]*skipped="1"/);
    expect(xml).toContain('the target does not support this area');
  });

  test('test names are identical for two runs with different seeds (CI history keys on classname + name)', () => {
    const a = renderJunit(syntheticDocument(1, 30));
    const b = renderJunit(syntheticDocument(987654, 30));
    expect(a).not.toBe(b);
    expect(testIds(a)).toEqual(testIds(b));
    expect(testIds(a)).toContain(
      'podnet.policy :: NP-PEER-AND podSelector and namespaceSelector in one peer are ANDed',
    );
    for (const id of testIds(a)) expect(id).not.toMatch(/\d{3,}|f-1-|x-\d/);
  });

  test('without a checks list, names still come from the rule, never from generated data', () => {
    const strip = (doc: ResultsDocument): ResultsDocument => {
      const { checks: _checks, ...rest } = doc;
      return rest;
    };
    const a = testIds(renderJunit(strip(syntheticDocument(3, 24))));
    const b = testIds(renderJunit(strip(syntheticDocument(4, 24))));
    expect(a).toEqual(b);
    expect(a.length).toBe(7);
  });

  test('hostile labels: the XML still parses and validates, with no raw markup or forbidden characters', async () => {
    const xml = renderJunit(loadFixture('hostile'));
    expect(await validate(xml)).toEqual({ valid: true, errors: [] });
    expect(xml).not.toContain('<script>');
    expect(xml).not.toContain(']]>');
    expect(xml).not.toMatch(/[^\P{Cc}\t\n\r\u0080-\u009f]/u);
    expect(xml).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;]]&gt;\uFFFD\uFFFD\uFFFD[31m',
    );
  });
});

test('a rule from the catalogue (spec/rules.ts) is named by its catalogue statement', async () => {
  const { RULES } = await import('../spec/rules.ts');
  const rule = RULES.find((r) => r.area === 'policy');
  if (!rule) throw new Error('the catalogue has no policy rule');
  const doc = loadFixture('policy');
  const renamed: ResultsDocument = {
    ...doc,
    checks: [],
    findings: doc.findings.map((f) => ({ ...f, rule: rule.id, ruleTitle: 'something else' })),
  };
  expect(testIds(renderJunit(renamed))).toContain(`podnet.policy :: ${rule.id} ${rule.statement}`);
});
