/**
 * A policy truth table as two matrices, expected (oracle) and observed (target), rows = source,
 * columns = destination, one pair per port; the cells a finding is about are highlighted in both.
 */
import type { TruthCell } from '../spec/results.ts';
import type { ProbeOutcome, Verdict } from '../spec/verdict.ts';
import { esc } from './escape.ts';

/** `.` allowed, `X` denied, `?` undefined (the legend in the page says the same). */
function verdictGlyph(v: Verdict): string {
  return v === 'allow' ? '.' : v === 'deny' ? 'X' : '?';
}

/** `.` connected, `X` refused or timed out, `?` probe error or unsupported, `–` not probed. */
function outcomeGlyph(o: ProbeOutcome | undefined): string {
  if (o === undefined) return '–';
  return o === 'connected' ? '.' : o === 'refused' || o === 'timeout' ? 'X' : '?';
}

/** Render the matrices for every port in the table (HTML fragment). */
export function renderTruthTable(cells: readonly TruthCell[]): string {
  const ports = unique(cells.map((c) => c.port));
  return ports
    .map((port) => {
      const inPort = cells.filter((c) => c.port === port);
      const sources = unique(inPort.map((c) => c.from));
      const destinations = unique(inPort.map((c) => c.to));
      const byKey = new Map(inPort.map((c) => [`${c.from}\u0000${c.to}`, c]));
      const differing = inPort.filter((c) => c.differs).length;
      const matrix = (which: 'expected' | 'observed'): string => {
        const head = destinations
          .map((d) => `<th scope="col" title="${esc(d)}"><span>${esc(d)}</span></th>`)
          .join('');
        const rows = sources
          .map((s) => {
            const tds = destinations
              .map((d) => {
                const cell = byKey.get(`${s}\u0000${d}`);
                if (!cell) return '<td class="none"></td>';
                const glyph =
                  which === 'expected' ? verdictGlyph(cell.expected) : outcomeGlyph(cell.observed);
                if (!cell.differs) return `<td>${glyph}</td>`;
                const title = `${s} → ${d} ${port}: expected ${cell.expected}, observed ${cell.observed ?? 'not probed'}`;
                return `<td class="d" title="${esc(title)}">${glyph}</td>`;
              })
              .join('');
            return `<tr><th scope="row" title="${esc(s)}"><span>${esc(s)}</span></th>${tds}</tr>`;
          })
          .join('');
        return (
          `<table class="matrix"><caption>${which === 'expected' ? 'Expected (oracle)' : 'Observed (target)'}</caption>` +
          `<thead><tr><th class="corner">from ╲ to</th>${head}</tr></thead><tbody>${rows}</tbody></table>`
        );
      };
      return (
        `<div class="truth"><div class="truth-head">${esc(port)} · ${differing} of ${inPort.length} cells differ</div>` +
        `<div class="matrices">${matrix('expected')}${matrix('observed')}</div></div>`
      );
    })
    .join('');
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
