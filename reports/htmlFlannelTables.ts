/** Flannel node state as tables: one per node, expected vs observed, differing rows highlighted. */
import type { AreaSections, FlannelDetail } from '../spec/results.ts';
import { esc } from './escape.ts';

type Row = FlannelDetail & { readonly differs: boolean };

/** One node's table (HTML fragment). */
export function renderFlannelNodeTable(node: string, rows: readonly Row[]): string {
  const differing = rows.filter((r) => r.differs).length;
  const body = rows
    .map(
      (r) =>
        `<tr${r.differs ? ' class="d"' : ''}><td class="obj">${esc(r.object)}</td><td class="mono key">${esc(r.key)}</td>` +
        `<td class="mono">${cell(r.expected, '(absent)')}</td><td class="mono">${cell(r.observed, '(missing)')}</td></tr>`,
    )
    .join('');
  return (
    `<div class="node"><h4>${esc(node)} <span class="muted">${differing === 0 ? 'all rows match' : `${differing} of ${rows.length} rows differ`}</span></h4>` +
    '<div class="scroll"><table class="grid"><thead><tr><th>object</th><th>key</th><th>expected</th><th>observed</th></tr></thead>' +
    `<tbody>${body}</tbody></table></div></div>`
  );
}

/** All nodes of the run's flannel section. */
export function renderFlannelNodeTables(nodes: NonNullable<AreaSections['flannel']>): string {
  return nodes.map((n) => renderFlannelNodeTable(n.node, n.rows)).join('');
}

function cell(value: string | undefined, absent: string): string {
  return value === undefined ? `<i class="muted">${absent}</i>` : esc(value);
}
