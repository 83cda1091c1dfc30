import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import { FIXTURES, loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import { renderHtml } from './html.ts';

const MB = 1024 * 1024;

/** Every tag of the page with its (double-quoted, escaped) attribute values blanked out. */
function tagsOf(html: string): string[] {
  const body = html.replace(/<script type="application\/json"[^>]*>[\s\S]*?<\/script>/, '');
  return [...body.matchAll(/<[a-zA-Z!/][^>]*>/g)].map((m) => m[0].replace(/"[^"]*"/g, '""'));
}

function scripts(html: string): string[] {
  return [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)].map((m) => `${m[1]}|${m[2]}`);
}

describe('renderHtml', () => {
  test.each(FIXTURES)('%s: self-contained, nothing that could load from the network', (name) => {
    const html = renderHtml(loadFixture(name));
    const tags = tagsOf(html);
    expect(
      tags.filter((t) => /^<(link|img|iframe|object|embed|image|use|audio|video|source)\b/i.test(t)),
    ).toEqual([]);
    expect(tags.filter((t) => /\s(src|srcset|xlink:href|action|formaction)=/i.test(t))).toEqual([]);
    expect(/<style>([\s\S]*?)<\/style>/.exec(html)?.[1]).not.toMatch(/@import|url\(/i);
    for (const m of html.matchAll(/href="([^"]*)"/g)) expect(m[1]).toMatch(/^#/);
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none';`);
  });

  test('the CSP allows exactly the inline style and script, by hash', () => {
    const html = renderHtml(loadFixture('full'));
    const csp = /content="(default-src[^"]*)"/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const code = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    const hash = (text: string): string => createHash('sha256').update(text).digest('base64');
    expect(csp).toContain(`style-src 'sha256-${hash(style)}'`);
    expect(csp).toContain(`script-src 'sha256-${hash(code)}'`);
    expect(csp).not.toContain('unsafe-inline');
  });

  test('summary per area and kind, findings worst first, profile and options', () => {
    const html = renderHtml(loadFixture('full'));
    expect(html).toContain('<b>5 findings</b>: 1 leak, 1 block, 2 mismatch, 1 distribution.');
    expect(html).toContain('Not judged: 1 inconclusive, 1 undefined.');
    expect(html.match(/<button type="button" class="card /g)).toHaveLength(4);
    const badges = [...html.matchAll(/<span class="badge k-(\w+)">/g)].map((m) => m[1]);
    expect(badges).toEqual([
      'leak',
      'block',
      'mismatch',
      'mismatch',
      'distribution',
      'inconclusive',
      'undefined',
    ]);
    expect(html).toContain('<td class="mono">ipBlockMatchesPodIPs</td><td class="mono">true</td>');
    expect(html).toContain('<td class="mono">alpha</td><td class="mono">0.001</td>');
  });

  test('a finding shows expected vs observed, the explanation, replay and YAML with copy buttons', () => {
    const html = renderHtml(loadFixture('policy'));
    const first =
      /<details class="finding f-leak" id="finding-1" open>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '';
    expect(first).toContain('<div class="exp"><b>expected</b><span>deny</span></div>');
    expect(first).toContain('<div class="obs"><b>observed</b><span>connected</span></div>');
    expect(first).toContain('<li>Therefore ingress from x/b to y/b:80/TCP is denied.</li>');
    expect(first).toContain(
      '<pre id="finding-1-replay">podnet replay --seed 1234567 --path 17:3:0:1 --target lab</pre><button type="button" class="copy" data-copy="finding-1-replay">',
    );
    expect(first).toMatch(/<pre class="yaml" id="finding-1-yaml">apiVersion: v1\nkind: Namespace/);
    expect(first).toContain('data-copy="finding-1-yaml"');
  });

  test('truth table: differing cells are highlighted in both matrices, with a tooltip', () => {
    const html = renderHtml(loadFixture('policy'));
    const first = /id="finding-1"[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(first).toContain('80/TCP · 2 of 81 cells differ');
    const diffs = [...first.matchAll(/<td class="d" title="([^"]*)">(.)<\/td>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    expect(diffs).toEqual([
      'x/b → y/b 80/TCP: expected deny, observed connected X',
      'x/c → y/b 80/TCP: expected deny, observed connected X',
      'x/b → y/b 80/TCP: expected deny, observed connected .',
      'x/c → y/b 80/TCP: expected deny, observed connected .',
    ]);
  });

  test('area sections: LB histogram with the expected share marked, flannel node tables with differing rows', () => {
    const html = renderHtml(loadFixture('full'));
    expect(html).toContain('<section id="areas">');
    // web-0 observed 301/600 = 50.2%, expected 1/3: the expected line sits at 1/3 of the 0–60% scale.
    expect(html).toContain('301 · 50.2% (exp. 33.3%)');
    expect(html).toMatch(/<line x1="317" x2="317" [^>]*class="exp"\/>/);
    expect(html).toContain('<span class="rej">rejected</span>: p = 6.1e-18 &lt; α 0.001');
    expect(html).toContain('node-1 <span class="muted">1 of 4 rows differ</span>');
    expect(html).toContain(
      '<tr class="d"><td class="obj">mtu</td><td class="mono key">flannel.1</td><td class="mono">1450</td><td class="mono">1500</td></tr>',
    );
  });

  test('a clean run says so and has no area section to show', () => {
    const html = renderHtml(loadFixture('clean'));
    expect(html).toContain('<div class="verdict pass">PASS</div>');
    expect(html).toContain('No findings: every judged probe and check matched the oracle.');
    expect(html).not.toContain('<section id="areas">');
  });

  test('hostile labels, names and YAML stay text: no injected tag, attribute or script', () => {
    const html = renderHtml(loadFixture('hostile'));
    expect(scripts(html)).toHaveLength(2);
    const tags = tagsOf(html);
    expect(tags.filter((t) => /alert|\son[a-z]+=/i.test(t))).toEqual([]);
    expect(tags.filter((t) => /^<script/i.test(t))).toEqual(['<script>']);
    expect(html).not.toMatch(/[^\P{Cc}\t\n\r\u0080-\u009f]/u);
    expect(html).toContain('label &lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;]]&gt;');
    const json =
      /<script type="application\/json" id="podnet-index">([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
    expect(json).not.toMatch(/[<>\u2028\u2029]/);
    const index = JSON.parse(json) as { ns: string[] }[];
    expect(index[0]?.ns).toContain('"><svg onload=alert(5)>');
  });

  test('100 findings stay under 2 MB', () => {
    const html = renderHtml(syntheticDocument(11, 100));
    const bytes = Buffer.byteLength(html, 'utf8');
    expect(bytes).toBeLessThan(2 * MB);
    expect(html.match(/<details class="finding /g)).toHaveLength(100);
  });
});
