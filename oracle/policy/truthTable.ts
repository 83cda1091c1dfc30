/**
 * Truth tables: the verdict for every ordered pair of pods (a pod with itself included) on every
 * (containerPort, protocol) the destination pod declares, and their rendering as one matrix per
 * (port, protocol) in the style of the upstream e2e output (`.` allow, `X` deny, `?` undefined).
 */
import type { Cluster, ObjectKey } from '../../spec/model.ts';
import { keyOf, PROTOCOLS } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { compileClasses } from './classes.ts';
import type { PredictionRow } from './decision.ts';
import { comparePortProtocol, declaredPorts, type PortProtocol } from './declaredPorts.ts';

export type { PortProtocol } from './declaredPorts.ts';

import { compileFast } from './fast.ts';
import { evaluateReference } from './reference.ts';

export interface PredictOptions {
  readonly profile?: SemanticProfile;
  /**
   * Which engine decides the cells: `classes` (default) compiles the fast engine over one or two pods per
   * equivalence class; `fast` over every pod; `reference` evaluates each cell from the manifests.
   */
  readonly engine?: 'classes' | 'fast' | 'reference';
}

/** Every (from, to, port, protocol) cell with its verdict, rows ordered by from, to, port, protocol. */
export function predictMatrix(cluster: Cluster, options: PredictOptions = {}): PredictionRow[] {
  const rows: PredictionRow[] = [];
  forEachPrediction(cluster, options, (s, d, t, verdict) =>
    rows.push({
      from: keyOf(cluster.pods[s]!),
      to: keyOf(cluster.pods[d]!),
      port: t.port,
      protocol: t.protocol,
      verdict,
    }),
  );
  return rows;
}

/**
 * Visits every cell of {@link predictMatrix} in the same order without keeping any: source and destination
 * by their index in `cluster.pods`. For tables too large to hold (`podnet predict --format json` streams).
 */
export function forEachPrediction(
  cluster: Cluster,
  options: PredictOptions,
  visit: (
    source: number,
    destination: number,
    target: PortProtocol,
    verdict: Verdict,
    targetIndex: number,
  ) => void,
): void {
  const profile = options.profile ?? DEFAULT_PROFILE;
  const pods = cluster.pods;
  const targets = pods.map(declaredPorts);
  const protocolIndex = targets.map((ts) => ts.map((t) => PROTOCOLS.indexOf(t.protocol)));
  const engineName = options.engine ?? 'classes';
  if (engineName !== 'reference') {
    const engine =
      engineName === 'classes' ? compileClasses(cluster, profile) : compileFast(cluster, profile);
    for (let s = 0; s < pods.length; s++) {
      for (let d = 0; d < pods.length; d++) {
        const ts = targets[d]!;
        for (let i = 0; i < ts.length; i++) {
          const t = ts[i]!;
          visit(s, d, t, engine.verdictByIndex(s, d, t.port, protocolIndex[d]![i]!), i);
        }
      }
    }
    return;
  }
  const keys = pods.map(keyOf);
  for (let s = 0; s < pods.length; s++) {
    for (let d = 0; d < pods.length; d++) {
      targets[d]!.forEach((t, i) => {
        const probe = { from: keys[s]!, to: keys[d]!, port: t.port, protocol: t.protocol };
        visit(s, d, t, evaluateReference(cluster, probe, profile).verdict, i);
      });
    }
  }
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
  for (const { target, cells } of [...byTarget.values()].sort((a, b) =>
    comparePortProtocol(a.target, b.target),
  )) {
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
