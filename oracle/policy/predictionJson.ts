/**
 * `podnet predict --format json`, the stable contract `{"profile": {…}, "results": [{from, to, port,
 * protocol, verdict}, …]}`, written in chunks as the cells are computed, never held as one string: a
 * table of millions of cells is larger than the longest string V8 can make. The bytes are exactly those of
 * `JSON.stringify({ profile, results }, null, 2)` (a test holds them to it).
 */
import type { Cluster } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import { type CellTemplates, streamCells } from './cellStream.ts';

function jsonTemplates(profile: SemanticProfile): CellTemplates {
  const profileText = JSON.stringify(profile, null, 2).replace(/\n/g, '\n  ');
  return {
    head: `{\n  "profile": ${profileText},\n  "results": [`,
    separator: ',',
    source: (key) => `\n    {\n      "from": ${JSON.stringify(key)},\n      "to": `,
    destination: (key, t, verdict) =>
      `${JSON.stringify(key)},\n      "port": ${t.port},\n      "protocol": "${t.protocol}",\n      "verdict": "${verdict}"\n    }`,
    tail: (empty) => (empty ? ']\n}\n' : '\n  ]\n}\n'),
  };
}

/** Writes the JSON document in chunks of about `chunk` bytes; `write` must be done with each when it returns. */
export function writePredictionJson(
  cluster: Cluster,
  profile: SemanticProfile,
  write: (chunk: Uint8Array) => void,
  chunk?: number,
): void {
  streamCells(cluster, profile, jsonTemplates(profile), write, chunk);
}
