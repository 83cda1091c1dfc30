/**
 * `podnet predict --format summary`: per (source namespace, destination namespace, declared port) how many
 * cells of the truth table are allowed, denied and undefined. Counted per class pair (classes.ts), so it
 * costs what the classes cost, whatever the number of pods.
 */
import type { Cluster } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { compileClasses } from './classes.ts';
import { comparePortProtocol, type PortProtocol } from './declaredPorts.ts';
import { forEachClassPair, pairCount, VERDICT_CODES } from './groups.ts';
import { profileLine } from './profileLine.ts';

export interface SummaryRow {
  readonly from: string;
  readonly to: string;
  readonly target: PortProtocol;
  allow: number;
  deny: number;
  undefined: number;
}

/** The rows, by source namespace, destination namespace, then port and protocol. */
export function predictSummary(cluster: Cluster, profile: SemanticProfile = DEFAULT_PROFILE): SummaryRow[] {
  const engine = compileClasses(cluster, profile);
  // Rows by number: (source namespace, destination namespace, (port, protocol)), each numbered once.
  const namespaces = [...new Set(engine.classes.map((c) => c.namespace))];
  const namespaceIndex = new Map(namespaces.map((n, i) => [n, i]));
  const targetIndex = new Map<string, number>();
  const targets: PortProtocol[] = [];
  const classTargets = engine.classes.map((c) =>
    Int32Array.from(c.targets, (t) => {
      const id = `${t.port}/${t.protocol}`;
      let i = targetIndex.get(id);
      if (i === undefined) {
        i = targets.length;
        targetIndex.set(id, i);
        targets.push(t);
      }
      return i;
    }),
  );
  const classNamespace = Int32Array.from(engine.classes, (c) => namespaceIndex.get(c.namespace) ?? 0);
  const rows = new Map<number, SummaryRow>();
  forEachClassPair(engine, (from, to, self, verdicts) => {
    const pairs = pairCount(from, to, self);
    const ids = classTargets[to.id] as Int32Array;
    const rowBase =
      ((classNamespace[from.id] as number) * namespaces.length + (classNamespace[to.id] as number)) *
      targets.length;
    for (let i = 0; i < ids.length; i++) {
      const id = rowBase + (ids[i] as number);
      let row = rows.get(id);
      if (!row) {
        row = {
          from: from.namespace,
          to: to.namespace,
          target: targets[ids[i] as number] as PortProtocol,
          allow: 0,
          deny: 0,
          undefined: 0,
        };
        rows.set(id, row);
      }
      row[VERDICT_CODES[verdicts[i] as number] as Verdict] += pairs;
    }
  });
  const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return [...rows.values()].sort(
    (a, b) => byName(a.from, b.from) || byName(a.to, b.to) || comparePortProtocol(a.target, b.target),
  );
}

/** The rows as an aligned table, with a total line. */
export function renderSummary(profile: SemanticProfile, rows: readonly SummaryRow[]): string {
  const header = ['from namespace', 'to namespace', 'port', 'allowed', 'denied', 'undefined'];
  const total = { allow: 0, deny: 0, undefined: 0 };
  const lines = rows.map((r) => {
    total.allow += r.allow;
    total.deny += r.deny;
    total.undefined += r.undefined;
    return [
      r.from,
      r.to,
      `${r.target.protocol}/${r.target.port}`,
      String(r.allow),
      String(r.deny),
      String(r.undefined),
    ];
  });
  lines.push(['total', '', '', String(total.allow), String(total.deny), String(total.undefined)]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const format = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i >= 3 ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${profileLine(profile)}\ncells of the truth table (ordered pod pairs, a pod with itself included) per namespace pair and port\n\n${[header, ...lines].map(format).join('\n')}\n`;
}
