/**
 * The coverage section of the HTML report: per area a compact bar (rules and features exercised, out of the
 * catalogue) and a table of rules, never-exercised first, with the scenarios, probes, allow and deny verdicts
 * each decided; the features in a table below it (never-exercised first), and the features the target
 * cannot test with the reason. Every value goes through `esc()`.
 */
import type { ResultsDocument } from '../spec/results.ts';
import { areaTitle } from './areas.ts';
import type { AreaCoverage } from './coverageSummary.ts';
import { coverageSummary, exercised } from './coverageSummary.ts';
import { esc } from './escape.ts';

export function renderCoverage(doc: ResultsDocument): string {
  const s = coverageSummary(doc);
  if (!s.recorded) {
    return (
      '<section id="coverage"><h2>Coverage</h2><div class="empty">' +
      `Not recorded: this document has results schema v${esc(doc.schemaVersion)}, written before runs counted coverage.` +
      '</div></section>'
    );
  }
  const titles = new Map((doc.checks ?? []).map((c) => [`${c.area}|${c.rule}`, c.title]));
  const unsupported = doc.coverage?.unsupported ?? [];
  const head =
    `<p class="headline">Covered <b>${esc(s.rulesCovered)} of ${esc(s.rulesTotal)} rules</b> and ` +
    `<b>${esc(s.featuresCovered)} of ${esc(s.featuresTotal)} features</b>.` +
    ' <span class="muted">A rule or feature is covered when some probe or observation of the run had its verdict decided by it' +
    ' (read from the oracle&#39;s explanations); never-exercised ones come first.</span></p>';
  const panels = s.areas
    .map((a) => {
      const title = areaTitle(doc, a.area);
      return (
        `<div class="panel cov"><h3>${esc(title)} <span class="muted">${esc(a.area)}</span></h3>` +
        bar('rules', a.rulesCovered, a.rules.length) +
        bar('features', a.featuresCovered, a.features.length) +
        ruleTable(a, titles) +
        featureTable(a) +
        '</div>'
      );
    })
    .join('');
  const notTestable =
    unsupported.length === 0
      ? ''
      : '<div class="panel"><h3>Not testable on this target</h3><table class="grid"><thead><tr><th>area</th><th>feature</th><th>why</th></tr></thead><tbody>' +
        unsupported
          .map(
            (u) =>
              `<tr><td class="mono">${esc(u.area)}</td><td>${esc(u.feature)}</td><td>${esc(u.reason)}</td></tr>`,
          )
          .join('') +
        '</tbody></table></div>';
  return `<section id="coverage"><h2>Coverage</h2>${head}<div class="stack">${panels}${notTestable}</div></section>`;
}

/**
 * `rules ▮▮▮▯ 3 of 4`: the covered share as a native meter (no inline style, which the page's
 * Content-Security-Policy forbids), shown as less than optimal while anything is never exercised.
 */
function bar(what: string, covered: number, total: number): string {
  return (
    `<div class="covrow"><span class="covlbl">${esc(what)}</span>` +
    `<meter min="0" max="${esc(Math.max(total, 1))}" value="${esc(covered)}" low="${esc(total - 0.5)}" optimum="${esc(total)}"` +
    ` aria-label="${esc(`${covered} of ${total} ${what} exercised`)}"></meter>` +
    `<span class="covnum">${esc(covered)} of ${esc(total)}</span></div>`
  );
}

function ruleTable(a: AreaCoverage, titles: ReadonlyMap<string, string>): string {
  if (a.rules.length === 0) return '';
  const rows = a.rules.map((r) => {
    const never = !exercised(r);
    return (
      `<tr${never ? ' class="never"' : ''}><td class="mono">${esc(r.rule)}</td>` +
      `<td>${never ? '<b>never exercised</b> · ' : ''}${esc(titles.get(`${r.area}|${r.rule}`) ?? '')}</td>` +
      `<td class="n">${esc(r.scenarios)}</td><td class="n">${esc(r.probes)}</td>` +
      `<td class="n">${esc(r.allow)}</td><td class="n">${esc(r.deny)}</td></tr>`
    );
  });
  return (
    '<table class="grid covt"><thead><tr><th>rule</th><th>statement</th><th class="n">scenarios</th>' +
    '<th class="n">probes</th><th class="n">allow</th><th class="n">deny</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table>`
  );
}

function featureTable(a: AreaCoverage): string {
  if (a.features.length === 0) return '';
  const never = a.features.length - a.featuresCovered;
  const rows = a.features.map(
    (f) =>
      `<tr${exercised(f) ? '' : ' class="never"'}><td>${esc(f.feature)}</td>` +
      `<td class="n">${esc(f.scenarios)}</td><td class="n">${esc(f.probes)}</td></tr>`,
  );
  return (
    `<details class="covf"${never > 0 ? ' open' : ''}><summary>Features: ${esc(a.featuresCovered)} of ${esc(a.features.length)} exercised` +
    `${never > 0 ? `, ${esc(never)} never` : ''}</summary>` +
    '<table class="grid covt"><thead><tr><th>feature</th><th class="n">scenarios</th><th class="n">probes</th></tr></thead>' +
    `<tbody>${rows.join('')}</tbody></table></details>`
  );
}
