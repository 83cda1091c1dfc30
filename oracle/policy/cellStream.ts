/**
 * Writes every truth-table cell as bytes, in chunks, from templates: each source pod's text and each
 * (destination pod, declared port, verdict) text are encoded once, so a cell costs two byte copies. Tables of
 * millions of cells (hundreds of MB of JSON) are written without building a string per cell or holding the
 * output: `podnet predict --format json` and `--format csv` use it.
 */
import type { Cluster, ObjectKey } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { declaredPorts, type PortProtocol } from './declaredPorts.ts';
import { forEachPrediction } from './truthTable.ts';

export interface CellTemplates {
  /** Written once, before the first cell. */
  readonly head: string;
  /** Written between two cells (`,` for a JSON array). */
  readonly separator: string;
  /** The start of a cell: its source pod. */
  source(key: ObjectKey): string;
  /** The rest of a cell: its destination pod, port and verdict. */
  destination(key: ObjectKey, target: PortProtocol, verdict: Verdict): string;
  /** Written once, after the last cell; `empty` when there was none. */
  tail(empty: boolean): string;
}

/** About how many bytes are gathered before each `write` (1 MiB). */
const CHUNK = 1 << 20;
const VERDICTS: readonly Verdict[] = ['allow', 'deny', 'undefined'];
const VERDICT_INDEX: Readonly<Record<Verdict, number>> = { allow: 0, deny: 1, undefined: 2 };
const encoder = new TextEncoder();

/**
 * Many texts in one byte array: text `i` is `bytes[start[i] .. start[i + 1])`, shifted by `offset` where the
 * array is placed in a larger one.
 */
interface Packed {
  readonly bytes: Uint8Array;
  readonly start: Int32Array;
}

function pack(texts: readonly string[], offset = 0): Packed {
  const encoded = texts.map((t) => encoder.encode(t));
  const start = new Int32Array(texts.length + 1);
  start[0] = offset;
  encoded.forEach((e, i) => {
    start[i + 1] = (start[i] as number) + e.length;
  });
  const bytes = new Uint8Array((start[texts.length] as number) - offset);
  encoded.forEach((e, i) => {
    bytes.set(e, (start[i] as number) - offset);
  });
  return { bytes, start };
}

function longest(p: Packed): number {
  let n = 0;
  for (let i = 0; i + 1 < p.start.length; i++)
    n = Math.max(n, (p.start[i + 1] as number) - (p.start[i] as number));
  return n;
}

/**
 * Streams the cells of `cluster` in {@link forEachPrediction} order through `templates`. `write` must be done
 * with each chunk when it returns: the same memory holds the next one.
 */
export function streamCells(
  cluster: Cluster,
  profile: SemanticProfile,
  templates: CellTemplates,
  write: (chunk: Uint8Array) => void,
  chunkSize = CHUNK,
): void {
  const keys = cluster.pods.map(keyOf);
  const targets = cluster.pods.map(declaredPorts);
  const separator = encoder.encode(templates.separator);
  const sources = pack(keys.map((k) => templates.separator + templates.source(k)));
  // Destination texts by (pod, declared port, verdict); `base[d]` is pod d's first declared port.
  const base = new Int32Array(keys.length + 1);
  targets.forEach((ts, d) => {
    base[d + 1] = (base[d] as number) + ts.length;
  });
  const destinations = pack(
    targets.flatMap((ts, d) =>
      ts.flatMap((t) => VERDICTS.map((v) => templates.destination(keys[d] as ObjectKey, t, v))),
    ),
    sources.bytes.length,
  );
  const longestCell = longest(sources) + longest(destinations);
  // One array holds the texts and, after them, the chunk being filled: a cell is then two `copyWithin`s,
  // native copies that allocate nothing (a byte loop or `set(subarray)` is 3–6× slower here), and the chunk is
  // reused, not allocated per write (fresh 1 MiB arrays cost as much system time as the writing).
  const size = Math.max(chunkSize, longestCell);
  const chunkStart = sources.bytes.length + destinations.bytes.length;
  const arena = new Uint8Array(chunkStart + size);
  arena.set(sources.bytes, 0);
  arena.set(destinations.bytes, sources.bytes.length);
  let at = chunkStart;
  const end = chunkStart + size;
  const flush = () => {
    if (at === chunkStart) return;
    write(arena.subarray(chunkStart, at));
    at = chunkStart;
  };
  const copy = (begin: number, stop: number) => {
    arena.copyWithin(at, begin, stop);
    at += stop - begin;
  };

  const head = encoder.encode(templates.head);
  write(head);
  let empty = true;
  forEachPrediction(cluster, { profile }, (s, d, _t, verdict, targetIndex) => {
    if (at + longestCell > end) flush();
    // The first cell has no separator before it.
    copy((sources.start[s] as number) + (empty ? separator.length : 0), sources.start[s + 1] as number);
    empty = false;
    const which = ((base[d] as number) + targetIndex) * 3 + (VERDICT_INDEX[verdict] as number);
    copy(destinations.start[which] as number, destinations.start[which + 1] as number);
  });
  flush();
  write(encoder.encode(templates.tail(empty)));
}
