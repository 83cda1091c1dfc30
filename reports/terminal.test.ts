import { describe, expect, test } from 'vitest';
import type { Finding } from '../spec/results.ts';
import { loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import { withUndefinedFinding } from './fixtures/undefinedFinding.ts';
import { formatNumber } from './formatNumber.ts';
import { renderTerminal } from './terminal.ts';

const first = (findings: readonly Finding[], kind: Finding['kind']): Finding => {
  const f = findings.find((x) => x.kind === kind);
  if (!f) throw new Error(`the fixture has no ${kind} finding`);
  return f;
};

describe('renderTerminal', () => {
  test('a document of schemaVersion 1 says its coverage was not recorded', () => {
    const doc = { ...loadFixture('clean'), schemaVersion: 1 as const };
    delete (doc as { coverage?: unknown }).coverage;
    expect(renderTerminal(doc)).toContain('\ncoverage: not recorded (results schemaVersion 1)\n');
  });

  test('one coverage line: rules and features covered of the catalogue, then what never was (docs/rules.md "Coverage")', () => {
    const doc = loadFixture('policy');
    const never = doc.coverage!.rules.filter((r) => r.scenarios === 0).map((r) => r.rule);
    expect(never.length).toBeGreaterThan(0);
    const covered = doc.coverage!.rules.length - never.length;
    const features = doc.coverage!.features.filter((f) => f.scenarios > 0).length;
    const line = renderTerminal(doc)
      .split('\n')
      .find((l) => l.startsWith('covered '));
    expect(line).toBe(
      `covered ${covered} of ${doc.coverage!.rules.length} rules, ${features} of ${doc.coverage!.features.length} features; ` +
        `never: ${never.join(', ')}; features never: ${doc
          .coverage!.features.filter((f) => f.scenarios === 0)
          .slice(0, 8)
          .map((f) => `${f.feature} (${f.area})`)
          .join(', ')} and ${doc.coverage!.features.filter((f) => f.scenarios === 0).length - 8} more; ` +
        `unsupported: ${doc.coverage!.unsupported.map((u) => `${u.feature} (${u.area})`).join(', ')}`,
    );
  });

  test('a clean run says PASS and lists every area', () => {
    const out = renderTerminal(loadFixture('clean'));
    expect(out.split('\n')[0]).toBe('podnet PASS  0 findings');
    for (const area of ['policy', 'model', 'flannel', 'lb'])
      expect(out).toMatch(new RegExp(`^  ${area} +pass`, 'm'));
    expect(out).not.toContain('Findings');
  });

  test('findings are listed worst first, each with rule, expected vs observed, probe and replay', () => {
    const doc = loadFixture('full');
    const out = renderTerminal(doc);
    const n = (kind: Finding['kind']) => doc.findings.filter((f) => f.kind === kind).length;
    const judged = n('leak') + n('block') + n('mismatch') + n('distribution');
    expect(out.split('\n')[0]).toBe(
      `podnet FAIL  ${judged} findings (${n('leak')} leak, ${n('block')} block, ${n('mismatch')} mismatch, ${n('distribution')} distribution); ${n('inconclusive')} inconclusive (not judged)`,
    );
    const order = ['LEAK', 'BLOCK', 'MISMATCH', 'DISTRIBUTION', 'INCONCLUSIVE'].map((k) =>
      out.indexOf(` ${k} `),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const leak = first(doc.findings, 'leak');
    const p = leak.probe;
    expect(out).toContain(`LEAK         ${leak.rule}  [${leak.area}]  ${leak.title}`);
    expect(out).toContain(`expected: ${leak.expected}   observed: ${leak.observed}`);
    expect(out).toContain(`probe:    ${p?.from} → ${p?.to} ${p?.port}/${p?.protocol} (${p?.host})`);
    expect(out).toContain(`replay:   ${leak.replayCommand}`);
    expect(leak.replayCommand).toMatch(/^npx podnet replay \S+results\.json --finding F\d+$/);
    const lb = first(doc.findings, 'distribution').lb;
    expect(out).toContain(
      `statistic ${formatNumber(lb?.statistic ?? null)}, p = ${formatNumber(lb?.pValue ?? null)}, alpha ${lb?.alpha}`,
    );
    expect(out).toMatch(/statistic [\d.]+, p = \d\.\de-\d+, alpha /);
    const node = doc.findings.find((f) => f.rule === 'FL-FDB')?.flannel?.[0];
    expect(out).toContain(
      `node:     ${node?.node} ${node?.object} ${node?.key}: expected ${node?.expected}, observed ${node?.observed}`,
    );
  });

  test('undefined findings are only counted, never listed', () => {
    const doc = withUndefinedFinding(loadFixture('inconclusive'));
    const out = renderTerminal(doc);
    expect(out).toContain('1 inconclusive, 1 undefined (not judged)');
    expect(out).not.toContain(first(doc.findings, 'undefined').title);
    expect(out).toContain(`INCONCLUSIVE ${first(doc.findings, 'inconclusive').rule}`);
  });

  test('no ANSI codes unless color is asked for', () => {
    const doc = loadFixture('full');
    expect(renderTerminal(doc)).not.toContain('\u001b[');
    expect(renderTerminal(doc, { color: true })).toContain('\u001b[31m');
  });

  test('cluster strings cannot send escape sequences to the terminal', () => {
    const out = renderTerminal(loadFixture('hostile'));
    expect(out).not.toMatch(/[^\P{Cc}\n]|[\u2028\u2029]/u);
    expect(out).toContain('\\x1b[31m');
  });

  test('long lists stop at maxFindings with a count of the rest', () => {
    const out = renderTerminal(syntheticDocument(1, 40), { maxFindings: 5 });
    expect(out).toMatch(/… and 30 more \(see report\.html\)/);
  });
});
