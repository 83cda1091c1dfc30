/**
 * Truth tables: the verdict for every ordered pair of pods (a pod with itself included) on every
 * (containerPort, protocol) the destination pod declares, and their rendering as one matrix per
 * (port, protocol) in the style of the upstream e2e output (`.` allow, `X` deny, `?` undefined).
 */
import type { Cluster, ObjectKey, Pod, Protocol } from '../../spec/model.ts';
import { keyOf, PROTOCOLS } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import type { PredictionRow } from './decision.ts';
import { compileFast } from './fast.ts';
import { evaluateReference } from './reference.ts';

export interface PortProtocol {
  readonly port: number;
  readonly protocol: Protocol;
}

export interface PredictOptions {
  readonly profile?: SemanticProfile;
  /** Which engine decides the cells; default `fast`. */
  readonly engine?: 'fast' | 'reference';
}

function compareTargets(a: PortProtocol, b: PortProtocol): number {
  return a.port - b.port || PROTOCOLS.indexOf(a.protocol) - PROTOCOLS.indexOf(b.protocol);
}

/** The distinct (containerPort, protocol) pairs a pod declares, by port then protocol. */
export function declaredPorts(pod: Pod): PortProtocol[] {
  const seen = new Map<string, PortProtocol>();
  for (const c of pod.containers)
    for (const p of c.ports)
      seen.set(`${p.containerPort}/${p.protocol}`, { port: p.containerPort, protocol: p.protocol });
  return [...seen.values()].sort(compareTargets);
}

/** Every (from, to, port, protocol) cell with its verdict, rows ordered by from, to, port, protocol. */
export function predictMatrix(cluster: Cluster, options: PredictOptions = {}): PredictionRow[] {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const pods = cluster.pods;
  const targets = pods.map(declaredPorts);
  const rows: PredictionRow[] = [];
  if ((options.engine ?? 'fast') === 'fast') {
    const engine = compileFast(cluster, profile);
    pods.forEach((from, s) => {
      pods.forEach((to, d) => {
        for (const t of targets[d] ?? []) {
          const verdict = engine.verdictByIndex(s, d, t.port, PROTOCOLS.indexOf(t.protocol));
          rows.push({ from: keyOf(from), to: keyOf(to), port: t.port, protocol: t.protocol, verdict });
        }
      });
    });
    return rows;
  }
  for (const from of pods) {
    pods.forEach((to, d) => {
      for (const t of targets[d] ?? []) {
        const probe = { from: keyOf(from), to: keyOf(to), port: t.port, protocol: t.protocol };
        rows.push({ ...probe, verdict: evaluateReference(cluster, probe, profile).verdict });
      }
    });
  }
  return rows;
}

const SYMBOL: Readonly<Record<Verdict, string>> = { allow: '.', deny: 'X', undefined: '?' };

/** The legend printed above the tables. */
export const TRUTH_TABLE_LEGEND =
  'rows: from, columns: to; . allow, X deny, ? undefined (not judged), - port not declared by the destination';

/** One text matrix per (port, protocol) found in `rows`, over `podKeys` (default: every pod in `rows`). */
export function renderTruthTables(rows: readonly PredictionRow[], podKeys?: readonly ObjectKey[]): string {
  const keys = podKeys ?? [...new Set(rows.flatMap((r) => [r.from, r.to]))];
  const byTarget = new Map<string, { target: PortProtocol; cells: Map<string, Verdict> }>();
  for (const r of rows) {
    const id = `${r.port}/${r.protocol}`;
    let entry = byTarget.get(id);
    if (!entry) {
      entry = { target: { port: r.port, protocol: r.protocol }, cells: new Map() };
      byTarget.set(id, entry);
    }
    entry.cells.set(`${r.from}\u0000${r.to}`, r.verdict);
  }
  const corner = 'from \\ to';
  const cellWidth = Math.max(1, ...keys.map((k) => k.length));
  const labelWidth = Math.max(corner.length, cellWidth);
  const out: string[] = [];
  for (const { target, cells } of [...byTarget.values()].sort((a, b) => compareTargets(a.target, b.target))) {
    out.push(`${target.protocol}/${target.port}`);
    out.push([corner.padEnd(labelWidth), ...keys.map((k) => k.padEnd(cellWidth))].join(' ').trimEnd());
    for (const from of keys) {
      const line = keys.map((to) => {
        const v = cells.get(`${from}\u0000${to}`);
        return (v === undefined ? '-' : SYMBOL[v]).padEnd(cellWidth);
      });
      out.push([from.padEnd(labelWidth), ...line].join(' ').trimEnd());
    }
    out.push('');
  }
  return out.join('\n');
}
