import { createHash } from 'node:crypto';
import { describe, expect, test } from 'vitest';
import type { Finding } from '../spec/results.ts';
import type { FindingKind } from '../spec/verdict.ts';
import { esc } from './escape.ts';
import { KINDS_WORST_FIRST, kindRank } from './findingOrder.ts';
import { FIXTURES, loadFixture } from './fixtures/load.ts';
import { syntheticDocument } from './fixtures/synthetic.ts';
import { withUndefinedFinding } from './fixtures/undefinedFinding.ts';
import { formatNumber } from './formatNumber.ts';
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
  test('a coverage section: per area a bar and its rules, never-exercised first, its features and what is not testable', () => {
    const doc = loadFixture('policy');
    const html = renderHtml(doc);
    const section = html.slice(
      html.indexOf('<section id="coverage">'),
      html.indexOf('</section>', html.indexOf('<section id="coverage">')),
    );
    expect(section).toContain('<h2>Coverage</h2>');
    const rulesCovered = doc.coverage!.rules.filter((r) => r.scenarios > 0).length;
    expect(section).toContain(`Covered <b>${rulesCovered} of ${doc.coverage!.rules.length} rules</b>`);
    for (const area of ['policy', 'model']) {
      const rules = doc.coverage!.rules.filter((r) => r.area === area);
      const covered = rules.filter((r) => r.scenarios > 0).length;
      expect(section).toContain(
        `<meter min="0" max="${rules.length}" value="${covered}" low="${rules.length - 0.5}" optimum="${rules.length}"`,
      );
    }
    // Rows in table order: a never-exercised rule of an area comes before the exercised ones.
    const rows = [...section.matchAll(/<tr( class="never")?><td class="mono">([A-Z-]+)<\/td>/g)].map((m) => ({
      never: m[1] !== undefined,
      rule: m[2],
    }));
    const policyRows = rows.filter((r) => r.rule?.startsWith('NP-'));
    expect(policyRows.map((r) => r.rule).sort()).toEqual(
      doc
        .coverage!.rules.filter((r) => r.area === 'policy')
        .map((r) => r.rule)
        .sort(),
    );
    const firstExercised = policyRows.findIndex((r) => !r.never);
    expect(policyRows.slice(firstExercised).every((r) => !r.never)).toBe(true);
    expect(policyRows[0]?.never).toBe(true);
    for (const u of doc.coverage!.unsupported) expect(section).toContain(esc(u.reason));
  });

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
    const doc = withUndefinedFinding(loadFixture('full'));
    const html = renderHtml(doc);
    const n = (kind: Finding['kind']) => doc.findings.filter((f) => f.kind === kind).length;
    const judged = n('leak') + n('block') + n('mismatch') + n('distribution');
    expect(html).toContain(
      `<b>${judged} findings</b>: ${n('leak')} leak, ${n('block')} block, ${n('mismatch')} mismatch, ${n('distribution')} distribution.`,
    );
    expect(html).toContain(`Not judged: ${n('inconclusive')} inconclusive, ${n('undefined')} undefined.`);
    expect(html.match(/<button type="button" class="card /g)).toHaveLength(4);
    // Every finding has its badge, worst first (kindRank: a mismatch and a distribution rank alike).
    const badges = [...html.matchAll(/<span class="badge k-(\w+)">/g)].map((m) => m[1] as FindingKind);
    expect(new Set(badges)).toEqual(new Set(KINDS_WORST_FIRST));
    expect([...badges].sort()).toEqual(doc.findings.map((f) => f.kind).sort());
    const ranks = badges.map(kindRank);
    expect(ranks).toEqual([...ranks].sort((a, b) => a - b));
    expect(html).toContain(
      `<td class="mono">ipBlockMatchesPodIPs</td><td class="mono">${doc.profile.ipBlockMatchesPodIPs}</td>`,
    );
    expect(doc.options.lbFamilyAlpha).toBe(0.001);
    expect(html).toContain('<td class="mono">lbFamilyAlpha</td><td class="mono">0.001</td>');
  });

  test('a finding shows expected vs observed, the explanation, replay and YAML with copy buttons', () => {
    const doc = loadFixture('policy');
    const leak = doc.findings.find((f) => f.kind === 'leak');
    if (!leak) throw new Error('the policy fixture has no leak');
    const html = renderHtml(doc);
    const first =
      /<details class="finding f-leak" id="finding-1" open>([\s\S]*?)<\/details>/.exec(html)?.[1] ?? '';
    expect(first).toContain(`<div class="exp"><b>expected</b><span>${esc(leak.expected)}</span></div>`);
    expect(first).toContain(`<div class="obs"><b>observed</b><span>${esc(leak.observed)}</span></div>`);
    expect(leak.explanation?.length).toBeGreaterThan(1);
    for (const line of leak.explanation ?? []) expect(first).toContain(`<li>${esc(line)}</li>`);
    expect(first).toContain(
      `<pre id="finding-1-replay">${esc(leak.replayCommand)}</pre><button type="button" class="copy" data-copy="finding-1-replay">`,
    );
    expect(first).toContain(`<pre class="yaml" id="finding-1-yaml">${esc(leak.scenarioYaml)}</pre>`);
    expect(first).toMatch(
      /<pre class="yaml" id="finding-1-yaml"># podnet minimal counterexample [^\n]*\n# initial state[^\n]*\napiVersion: v1\nkind: Namespace/,
    );
    expect(first).toContain('data-copy="finding-1-yaml"');
  });

  test('truth table: differing cells are highlighted in both matrices, with a tooltip', () => {
    const doc = loadFixture('policy');
    const leak = doc.findings[0];
    const port = leak?.truthTable?.[0]?.port ?? '?';
    const cells = leak?.truthTable?.filter((c) => c.port === port) ?? [];
    const differing = cells.filter((c) => c.differs);
    expect(differing.length).toBeGreaterThan(0);
    expect(cells.some((c) => !c.differs)).toBe(true);
    const html = renderHtml(doc);
    const first = /id="finding-1"[\s\S]*?<\/details>/.exec(html)?.[0] ?? '';
    expect(first).toContain(`${port} · ${differing.length} of ${cells.length} cells differ`);
    const diffs = [...first.matchAll(/<td class="d" title="([^"]*)">(.)<\/td>/g)].map(
      (m) => `${m[1]} ${m[2]}`,
    );
    const tooltip = (c: (typeof cells)[number]) =>
      `${c.from} → ${c.to} ${c.port}: expected ${c.expected}, observed ${c.observed}`;
    const expectedMark = { allow: '.', deny: 'X', undefined: '?' } as const;
    const observedMark = (o: string) =>
      o === 'connected' ? '.' : o === 'refused' || o === 'timeout' ? 'X' : '?';
    expect(diffs).toEqual([
      ...differing.map((c) => `${tooltip(c)} ${expectedMark[c.expected]}`),
      ...differing.map((c) => `${tooltip(c)} ${observedMark(c.observed ?? '')}`),
    ]);
  });

  test('area sections: LB histogram with the expected share marked, flannel node tables with differing rows', () => {
    const doc = loadFixture('full');
    const html = renderHtml(doc);
    expect(html).toContain('<section id="areas">');
    const lb = doc.findings.find((f) => f.kind === 'distribution')?.lb;
    if (!lb) throw new Error('the full fixture has no distribution finding');
    const total = Object.values(lb.counts).reduce((a, b) => a + b, 0);
    const [top, count] = Object.entries(lb.counts).sort((a, b) => b[1] - a[1])[0] ?? ['', 0];
    const share = lb.expectedShares[top] ?? 0;
    const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
    expect(html).toContain(`${count} · ${pct(count / total)} (exp. ${pct(share)})`);
    // The bar's scale runs to the largest share rounded up to a tenth; the expected line sits at its share of 300 px.
    const scale = Math.ceil(Math.max(count / total, ...Object.values(lb.expectedShares)) * 10) / 10;
    const x = 150 + Math.round((share / scale) * 300);
    expect(html).toMatch(new RegExp(`<line x1="${x}" x2="${x}" [^>]*class="exp"/>`));
    expect(lb.pValue).toBeLessThan(lb.alpha);
    expect(html).toContain(
      `<span class="rej">rejected</span>: p = ${formatNumber(lb.pValue)} &lt; α ${lb.alpha}`,
    );
    const table = doc.sections?.flannel?.find((t) => t.rows.some((r) => r.differs && r.object === 'fdb'));
    const row = table?.rows.find((r) => r.differs && r.object === 'fdb');
    if (!table || !row) throw new Error('the full fixture has no flannel table with a differing FDB row');
    const differing = table.rows.filter((r) => r.differs).length;
    expect(differing).toBeLessThan(table.rows.length);
    expect(html).toContain(
      `${table.node} <span class="muted">${differing} of ${table.rows.length} rows differ</span>`,
    );
    expect(html).toContain(
      `<tr class="d"><td class="obj">fdb</td><td class="mono key">${esc(row.key)}</td><td class="mono">${esc(row.expected)}</td><td class="mono">${esc(row.observed)}</td></tr>`,
    );
  });

  test('a clean run says so; its area sections show no rejected test and no differing row', () => {
    const doc = loadFixture('clean');
    const html = renderHtml(doc);
    expect(html).toContain('<div class="verdict pass">PASS</div>');
    expect(html).toContain('No findings: every judged probe and check matched the oracle.');
    expect(doc.sections?.lb?.length).toBeGreaterThan(0);
    expect(doc.sections?.flannel?.length).toBeGreaterThan(0);
    expect(html).toContain('<section id="areas">');
    expect(html).not.toContain('<span class="rej">rejected</span>');
    expect(html).toContain('<span class="acc">consistent</span>');
    expect(html).not.toContain('<tr class="d">');
    expect(html).toContain('all rows match');
  });

  test('a document without area sections has no area section to show', () => {
    const doc = loadFixture('policy');
    expect(doc.sections).toBeUndefined();
    expect(renderHtml(doc)).not.toContain('<section id="areas">');
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
