/**
 * The HTML report: one self-contained file (inline CSS and a little vanilla JS, nothing from the
 * network, enforced by a Content-Security-Policy). Summary per area and kind; findings worst first,
 * filterable by area, kind, namespace and text; for each: expected vs observed, the truth table, the
 * oracle's explanation, the replay command and the minimal YAML; the coverage of rules and features
 * (htmlCoverage.ts); area sections (LB histograms, flannel node tables) plug in; the run's profile and
 * options. Every value of the document, numbers included, goes through `esc()`; the filter index is
 * embedded as JSON with `<`, `>`, `&`, U+2028 and U+2029 escaped, so neither `</script>` nor `<!--` can
 * appear inside the script element.
 */
import { createHash } from 'node:crypto';
import type { Area, Finding, FlannelDetail, ResultsDocument } from '../spec/results.ts';
import { areaStatus } from './areaStatus.ts';
import { areasOf, areaTitle } from './areas.ts';
import { esc, jsonForScript } from './escape.ts';
import { countByKind, isFailureKind, KINDS_WORST_FIRST, sortFindings } from './findingOrder.ts';
import { REPORT_CSS, REPORT_JS } from './htmlAssets.ts';
import { renderCoverage } from './htmlCoverage.ts';
import { renderFlannelNodeTable, renderFlannelNodeTables } from './htmlFlannelTables.ts';
import { renderLbHistogram } from './htmlLbHistogram.ts';
import { renderTruthTable } from './htmlTruthTable.ts';

export interface HtmlOptions {
  /** Findings whose details start open (default 3: the worst ones). */
  readonly openFindings?: number;
}

/** A section an area contributes below the findings (histograms, node tables). */
interface AreaSection {
  readonly area: Area;
  readonly title: string;
  /** HTML fragment, or undefined when the document has nothing for this section. */
  readonly render: (doc: ResultsDocument) => string | undefined;
}

/** The area sections, in page order. Add an area's section here. */
const AREA_SECTIONS: readonly AreaSection[] = [
  {
    area: 'lb',
    title: 'Load balancing: share of new connections per endpoint',
    render: (doc) => {
      const services = doc.sections?.lb ?? [];
      return services.length > 0 ? services.map(renderLbHistogram).join('') : undefined;
    },
  },
  {
    area: 'flannel',
    title: 'Flannel: node state, expected vs observed',
    render: (doc) => {
      const nodes = doc.sections?.flannel ?? [];
      return nodes.length > 0 ? renderFlannelNodeTables(nodes) : undefined;
    },
  },
];

/** Render the whole page. */
export function renderHtml(doc: ResultsDocument, options: HtmlOptions = {}): string {
  const openCount = options.openFindings ?? 3;
  const findings = sortFindings(doc.findings, areasOf(doc));
  const counts = countByKind(doc.findings);
  const failures = doc.findings.filter((f) => isFailureKind(f.kind)).length;
  const index = findings.map((f, i) => ({
    el: `finding-${i + 1}`,
    area: f.area,
    kind: f.kind,
    ns: [...(f.namespaces ?? [])],
    text: searchText(f),
  }));
  const namespaces = [...new Set(findings.flatMap((f) => f.namespaces ?? []))].sort();
  const script = REPORT_JS;
  const csp =
    "default-src 'none'; " +
    `style-src '${sha256(REPORT_CSS)}'; script-src '${sha256(script)}'; base-uri 'none'; form-action 'none'`;
  const areaSections = renderAreaSections(doc);
  const title = `podnet ${failures > 0 ? `FAIL (${failures})` : 'PASS'} · ${doc.target}`;

  return [
    '<!doctype html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${csp}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    '<meta name="referrer" content="no-referrer">',
    `<title>${esc(title)}</title>`,
    `<style>${REPORT_CSS}</style>`,
    '</head>',
    '<body>',
    renderHeader(doc, failures, areaSections !== ''),
    '<main class="wrap">',
    renderSummary(doc, counts, failures),
    renderFindings(findings, namespaces, openCount, areasOf(doc)),
    renderCoverage(doc),
    areaSections,
    renderRun(doc),
    '</main>',
    `<footer class="wrap">podnet ${esc(doc.tool.version)} · results schema v${esc(doc.schemaVersion)} · ` +
      'this page loads nothing from the network; re-render it with <code>podnet report results.json</code></footer>',
    `<script type="application/json" id="podnet-index">${jsonForScript(index)}</script>`,
    `<script>${script}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}

function renderHeader(doc: ResultsDocument, failures: number, hasAreas: boolean): string {
  const started = doc.startedAt
    .replace('T', ' ')
    .replace(/\.\d+Z$/, ' UTC')
    .replace(/Z$/, ' UTC');
  const meta = [
    `target <b>${esc(doc.target)}</b>`,
    `seed <b>${esc(doc.seed)}</b>`,
    `started ${esc(started)}`,
    `${esc((doc.summary.durationMs / 1000).toFixed(1))} s`,
    `${esc(doc.summary.scenarios)} scenarios`,
    `${esc(doc.summary.probes)} probes`,
  ].join(' · ');
  return (
    '<header class="top"><div class="wrap">' +
    `<div class="verdict ${failures > 0 ? 'fail' : 'pass'}">${failures > 0 ? 'FAIL' : 'PASS'}</div>` +
    `<div><h1>podnet conformance report</h1><p class="meta">${meta}</p></div>` +
    `<nav><a href="#summary">Summary</a><a href="#findings">Findings</a><a href="#coverage">Coverage</a>${hasAreas ? '<a href="#areas">Areas</a>' : ''}<a href="#run">Run</a></nav>` +
    '</div></header>'
  );
}

function renderSummary(
  doc: ResultsDocument,
  counts: ReturnType<typeof countByKind>,
  failures: number,
): string {
  const failing = KINDS_WORST_FIRST.filter((k) => isFailureKind(k) && counts[k] > 0);
  const headline =
    failures > 0
      ? `<b>${failures} finding${failures === 1 ? '' : 's'}</b>: ${failing.map((k) => `${counts[k]} ${k}`).join(', ')}.`
      : '<b>The target conforms</b>: every judged probe and check matched the oracle.';
  const notJudged = (['inconclusive', 'undefined'] as const).filter((k) => counts[k] > 0);
  const extra =
    notJudged.length > 0
      ? ` <span class="muted">Not judged: ${notJudged.map((k) => `${counts[k]} ${k}`).join(', ')}.</span>`
      : '';
  const interrupted = doc.summary.interrupted
    ? '<div class="banner">This run was interrupted before it finished: the results are partial.</div>'
    : '';
  const cards = areasOf(doc)
    .map((area) => {
      const status = areaStatus(doc, area);
      const inArea = countByKind(doc.findings.filter((f) => f.area === area));
      const chips = KINDS_WORST_FIRST.filter((k) => inArea[k] > 0)
        .map((k) => `<span class="chip k-${k}">${inArea[k]} ${k}</span>`)
        .join('');
      const scenarios = doc.summary.byArea[area]?.scenarios;
      const sub =
        status === 'not-run'
          ? 'not run'
          : status === 'unsupported'
            ? 'not supported by the target'
            : `${esc(scenarios ?? '?')} scenarios`;
      const cls = status === 'fail' ? 'fail' : status === 'pass' ? 'pass' : 'skip';
      return (
        `<button type="button" class="card ${cls}" data-area="${esc(area)}" title="Show ${esc(area)} findings">` +
        `<div class="row"><span class="name">${esc(areaTitle(doc, area))}</span><span class="st">${esc(status)}</span></div>` +
        `<div class="sub">${esc(area)} · ${sub}</div><div class="chips">${chips || (status === 'pass' ? '<span class="muted">no findings</span>' : '')}</div></button>`
      );
    })
    .join('');
  const kindChips = KINDS_WORST_FIRST.filter((k) => counts[k] > 0)
    .map((k) => `<button type="button" class="chip k-${k}" data-kind="${k}">${counts[k]} ${k}</button>`)
    .join(' ');
  return (
    `<section id="summary"><h2>Summary</h2>${interrupted}<p class="headline">${headline}${extra}</p>` +
    `<div class="cards">${cards}</div>` +
    (kindChips ? `<p class="legend">By kind (click to filter): ${kindChips}</p>` : '') +
    '</section>'
  );
}

function renderFindings(
  findings: readonly Finding[],
  namespaces: readonly string[],
  openCount: number,
  areas: readonly string[],
): string {
  const option = (value: string, label: string): string =>
    `<option value="${esc(value)}">${esc(label)}</option>`;
  const filters =
    '<div class="filters" role="search">' +
    '<input type="search" id="f-q" placeholder="Search: rule, pod, namespace, text…" aria-label="Search findings">' +
    `<select id="f-area" aria-label="Area">${option('', 'All areas')}${areas.map((a) => option(a, a)).join('')}</select>` +
    `<select id="f-kind" aria-label="Kind">${option('', 'All kinds')}${KINDS_WORST_FIRST.map((k) => option(k, k)).join('')}</select>` +
    `<select id="f-ns" aria-label="Namespace">${option('', 'All namespaces')}${namespaces.map((n) => option(n, n)).join('')}</select>` +
    '<button type="button" id="f-clear">Clear filters</button>' +
    '</div>';
  const legend =
    '<div class="legend"><div><b>Truth tables</b> <code>.</code> allowed / connected · <code>X</code> denied / refused or timed out · ' +
    '<code>?</code> undefined by the API / probe error · <span class="dd">highlighted</span> = differs (hover a cell for details)</div>' +
    '<div><b>Kinds</b>, worst first: <b class="k-leak">leak</b> denied but connected · <b class="k-block">block</b> allowed but refused · ' +
    '<b class="k-mismatch">mismatch</b> node state differs · <b class="k-distribution">distribution</b> load balancing differs · ' +
    '<b class="k-inconclusive">inconclusive</b> probe machinery failed · <b class="k-undefined">undefined</b> not judged</div></div>';
  const list =
    findings.length === 0
      ? '<div class="empty">No findings: every judged probe and check matched the oracle.</div>'
      : findings.map((f, i) => renderFinding(f, i, i < openCount)).join('\n');
  return (
    `<section id="findings"><h2>Findings <span class="muted">showing <span id="f-count">${findings.length}</span>, worst first</span></h2>` +
    `${filters}${legend}<div id="finding-list">${list}</div>` +
    '<div class="empty" id="f-none" hidden>No finding matches these filters.</div></section>'
  );
}

function renderFinding(f: Finding, i: number, open: boolean): string {
  const id = `finding-${i + 1}`;
  const summary =
    `<summary><span class="badge k-${esc(f.kind)}">${esc(f.kind.toUpperCase())}</span>` +
    `<span class="rule">${esc(f.rule)}</span><span class="ftitle">${esc(f.title)}</span>` +
    `<span class="tag">${esc(f.area)}</span></summary>`;
  const left: string[] = [];
  const right: string[] = [];
  left.push(
    '<div><h4>What happened</h4><div class="eo">' +
      `<div class="exp"><b>expected</b><span>${esc(f.expected)}</span></div>` +
      `<div class="${isFailureKind(f.kind) ? 'obs' : 'obs neutral'}"><b>observed</b><span>${esc(f.observed)}</span></div></div>${renderFacts(f)}</div>`,
  );
  if (f.replayCommand) left.push(`<div><h4>Replay</h4>${copyable(`${id}-replay`, f.replayCommand)}</div>`);
  if (f.probe?.command) {
    left.push(`<div><h4>Re-run the probe by hand</h4>${copyable(`${id}-probe`, f.probe.command)}</div>`);
  }
  if (f.explanation && f.explanation.length > 0) {
    right.push(
      `<div><h4>Why the oracle expected this</h4><ol class="why">${f.explanation.map((l) => `<li>${esc(l)}</li>`).join('')}</ol></div>`,
    );
  }
  const wide: string[] = [];
  if (f.truthTable && f.truthTable.length > 0) {
    wide.push(`<div class="full"><h4>Truth table</h4>${renderTruthTable(f.truthTable)}</div>`);
  }
  if (f.flannel && f.flannel.length > 0) {
    wide.push(`<div class="full"><h4>Node state</h4>${renderFindingFlannel(f.flannel)}</div>`);
  }
  if (f.lb) wide.push(`<div class="full"><h4>Distribution</h4>${renderLbHistogram(f.lb)}</div>`);
  right.push(renderYaml(f, `${id}-yaml`));
  return (
    `<details class="finding f-${esc(f.kind)}" id="${id}"${open ? ' open' : ''}>${summary}` +
    `<div class="fbody"><div>${left.join('')}</div><div>${right.join('')}</div>${wide.join('')}</div></details>`
  );
}

function renderFacts(f: Finding): string {
  const rows: [string, string][] = [];
  if (f.probe) {
    const p = f.probe;
    rows.push([
      'probe',
      `${esc(p.from)} → ${esc(p.to)} <span class="mono">${esc(p.port)}/${esc(p.protocol)}</span> via <span class="mono">${esc(p.host)}</span>`,
    ]);
  }
  if (f.ruleTitle) rows.push(['rule', esc(f.ruleTitle)]);
  if (f.namespaces && f.namespaces.length > 0) rows.push(['namespaces', f.namespaces.map(esc).join(', ')]);
  rows.push(['seed · path', `<span class="mono">${esc(f.seed)} · ${esc(f.path)}</span>`]);
  if (f.shrink) {
    rows.push([
      'shrunk to',
      `${plural(f.shrink.pods, 'pod')}, ${plural(f.shrink.policies, 'policy', 'policies')}, ${plural(f.shrink.changes, 'change')} (${plural(f.shrink.steps, 'shrink step')})`,
    ]);
  }
  if (f.convergenceMs !== undefined) rows.push(['converged after', `${esc(f.convergenceMs)} ms`]);
  return `<dl class="kv">${rows.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>`;
}

function renderFindingFlannel(details: readonly FlannelDetail[]): string {
  const nodes = [...new Set(details.map((d) => d.node))];
  return nodes
    .map((node) =>
      renderFlannelNodeTable(
        node,
        details.filter((d) => d.node === node).map((d) => ({ ...d, differs: true })),
      ),
    )
    .join('');
}

function renderYaml(f: Finding, id: string): string {
  const what = f.shrink
    ? ` <span class="muted">(${plural(f.shrink.pods, 'pod')}, ${plural(f.shrink.policies, 'policy', 'policies')})</span>`
    : '';
  return (
    `<div><div class="yhead"><h4>Minimal counterexample${what}</h4>` +
    `<button type="button" class="copy" data-copy="${id}">Copy</button></div>` +
    `<pre class="yaml" id="${id}">${esc(f.scenarioYaml)}</pre></div>`
  );
}

function copyable(id: string, text: string): string {
  return `<div class="cmd"><pre id="${id}">${esc(text)}</pre><button type="button" class="copy" data-copy="${id}">Copy</button></div>`;
}

function renderAreaSections(doc: ResultsDocument): string {
  const parts = AREA_SECTIONS.map((section) => {
    const body = section.render(doc);
    return body === undefined
      ? ''
      : `<div class="panel"><h3>${esc(section.title)}</h3><div class="cols">${body}</div></div>`;
  }).filter(Boolean);
  if (parts.length === 0) return '';
  return `<section id="areas"><h2>Areas</h2><div class="stack">${parts.join('')}</div></section>`;
}

function renderRun(doc: ResultsDocument): string {
  const profile = flatten('', doc.profile).map(
    ([k, v]) => `<tr><td class="mono">${esc(k)}</td><td class="mono">${esc(v)}</td></tr>`,
  );
  const options = Object.entries(doc.options).map(
    ([k, v]) =>
      `<tr><td class="mono">${esc(k)}</td><td class="mono">${esc(Array.isArray(v) ? v.join(', ') : String(v))}</td></tr>`,
  );
  const table = (rows: readonly string[]): string =>
    `<table class="grid"><thead><tr><th>name</th><th>value</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  return (
    '<section id="run"><h2>Run</h2><div class="two">' +
    `<div class="panel"><h3>Semantic profile</h3><p class="muted">Behaviour the Kubernetes API leaves to implementations; every verdict was judged under these switches.</p>${table(profile)}</div>` +
    `<div class="panel"><h3>Options</h3><p class="muted">Every option the run used.${doc.summary.interrupted ? ' The run was interrupted.' : ''}</p>${table(options)}</div>` +
    '</div></section>'
  );
}

function searchText(f: Finding): string {
  return [
    f.rule,
    f.ruleTitle ?? '',
    f.kind,
    f.area,
    f.title,
    f.expected,
    f.observed,
    ...(f.namespaces ?? []),
    f.probe ? `${f.probe.from} ${f.probe.to} ${f.probe.host} ${f.probe.port}/${f.probe.protocol}` : '',
    ...(f.explanation ?? []),
    ...(f.flannel ?? []).map((d) => `${d.node} ${d.object} ${d.key}`),
    f.lb ? `${f.lb.service} ${Object.keys(f.lb.counts).join(' ')}` : '',
  ]
    .join(' ')
    .toLowerCase();
}

function flatten(prefix: string, value: unknown): [string, string][] {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([k, v]) => flatten(prefix ? `${prefix}.${k}` : k, v));
  }
  return [[prefix, Array.isArray(value) ? value.join(', ') : String(value)]];
}

function sha256(text: string): string {
  return `sha256-${createHash('sha256').update(text, 'utf8').digest('base64')}`;
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${esc(n)} ${n === 1 ? one : many}`;
}
