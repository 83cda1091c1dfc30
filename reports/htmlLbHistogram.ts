/**
 * A load-balancing histogram as inline SVG computed here (no script at view time): one bar per
 * endpoint with its observed share, a dark tick at the expected share, and the test's verdict.
 */
import type { LbDetail } from '../spec/results.ts';
import { esc } from './escape.ts';
import { formatNumber, formatPercent } from './formatNumber.ts';

const LABEL_WIDTH = 150;
const BAR_WIDTH = 300;
const VALUE_WIDTH = 190;
const ROW_HEIGHT = 22;
const TOP = 18;

/** Render one service's histogram with a caption (HTML fragment with an inline `<svg>`). */
export function renderLbHistogram(lb: LbDetail): string {
  const endpoints = [...new Set([...Object.keys(lb.counts), ...Object.keys(lb.expectedShares)])].sort();
  const total = endpoints.reduce((t, e) => t + (lb.counts[e] ?? 0), 0);
  const shares = endpoints.map((e) => ({
    endpoint: e,
    count: lb.counts[e] ?? 0,
    observed: total > 0 ? (lb.counts[e] ?? 0) / total : 0,
    expected: lb.expectedShares[e] ?? 0,
  }));
  const peak = Math.max(0.1, ...shares.map((s) => Math.max(s.observed, s.expected)));
  const scaleMax = Math.min(1, Math.ceil(peak * 10) / 10);
  const x = (share: number): number =>
    LABEL_WIDTH + Math.round((Math.min(share, scaleMax) / scaleMax) * BAR_WIDTH);
  const rejected = lb.pValue < lb.alpha;
  const width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH;
  const height = TOP + shares.length * ROW_HEIGHT + 20;
  const rows = shares
    .map((s, i) => {
      const y = TOP + i * ROW_HEIGHT;
      const label = s.endpoint.length > 18 ? `${s.endpoint.slice(0, 17)}…` : s.endpoint;
      return (
        `<g><title>${esc(`${s.endpoint}: ${s.count} of ${total} (${formatPercent(s.observed)}), expected ${formatPercent(s.expected)}`)}</title>` +
        `<text x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end" class="lbl">${esc(label)}</text>` +
        `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${BAR_WIDTH}" height="${ROW_HEIGHT - 6}" class="track"/>` +
        `<rect x="${LABEL_WIDTH}" y="${y + 3}" width="${esc(x(s.observed) - LABEL_WIDTH)}" height="${ROW_HEIGHT - 6}" class="${rejected ? 'bar bad' : 'bar'}"/>` +
        `<line x1="${esc(x(s.expected))}" x2="${esc(x(s.expected))}" y1="${y}" y2="${y + ROW_HEIGHT}" class="exp"/>` +
        `<text x="${LABEL_WIDTH + BAR_WIDTH + 8}" y="${y + 15}" class="val">${esc(s.count)} · ${esc(formatPercent(s.observed))} (exp. ${esc(formatPercent(s.expected))})</text></g>`
      );
    })
    .join('');
  const axisY = TOP + shares.length * ROW_HEIGHT + 14;
  const axis = [0, scaleMax / 2, scaleMax]
    .map(
      (t) =>
        `<text x="${esc(x(t))}" y="${axisY}" text-anchor="middle" class="axis">${esc(formatPercent(t))}</text>`,
    )
    .join('');
  const svg =
    `<svg class="hist" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" ` +
    `aria-label="${esc(`Share of new connections per endpoint of ${lb.service}:${lb.port}`)}">` +
    `<text x="${LABEL_WIDTH}" y="11" class="axis">bar: observed share · black line: expected share</text>${rows}${axis}</svg>`;
  const verdict = rejected
    ? `<span class="rej">rejected</span>: p = ${esc(formatNumber(lb.pValue))} &lt; α ${esc(lb.alpha)}`
    : `<span class="acc">consistent</span>: p = ${esc(formatNumber(lb.pValue))} ≥ α ${esc(lb.alpha)}`;
  return (
    `<figure class="lb"><figcaption><b>${esc(lb.service)}:${esc(lb.port)}</b> · ${esc(lb.mode)} · ${esc(lb.test)} ` +
    `(statistic ${esc(formatNumber(lb.statistic))}, ${esc(total)} connections) · ${verdict}</figcaption>${svg}</figure>`
  );
}
