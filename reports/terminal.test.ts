import { describe, expect, test } from 'vitest';
import { loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import { renderTerminal } from './terminal.ts';

describe('renderTerminal', () => {
  test('a clean run says PASS and lists every area', () => {
    const out = renderTerminal(loadFixture('clean'));
    expect(out.split('\n')[0]).toBe('podnet PASS  0 findings');
    for (const area of ['policy', 'model', 'flannel', 'lb'])
      expect(out).toMatch(new RegExp(`^  ${area} +pass`, 'm'));
    expect(out).not.toContain('Findings');
  });

  test('findings are listed worst first, each with rule, expected vs observed, probe and replay', () => {
    const out = renderTerminal(loadFixture('full'));
    expect(out.split('\n')[0]).toBe(
      'podnet FAIL  5 findings (1 leak, 1 block, 2 mismatch, 1 distribution); 1 inconclusive, 1 undefined (not judged)',
    );
    const order = ['LEAK', 'BLOCK', 'MISMATCH', 'DISTRIBUTION', 'INCONCLUSIVE'].map((k) =>
      out.indexOf(` ${k} `),
    );
    expect(order.every((at) => at > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    expect(out).toContain('NP-PEER-AND');
    expect(out).toContain('expected: deny   observed: connected');
    expect(out).toContain('probe:    x/b → y/b 80/TCP (10.244.1.7)');
    expect(out).toContain('replay:   podnet replay --seed 1234567 --path 17:3:0:1 --target lab');
    expect(out).toContain('statistic 79.3, p = 6.1e-18, alpha 0.001');
    expect(out).toContain('node:     node-1 mtu flannel.1: expected 1450, observed 1500');
  });

  test('undefined findings are only counted, never listed', () => {
    const out = renderTerminal(loadFixture('inconclusive'));
    expect(out).toContain('1 undefined (not judged)');
    expect(out).not.toContain('NP-LOOPBACK');
    expect(out).toContain('INCONCLUSIVE');
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
