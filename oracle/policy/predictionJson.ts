/**
 * `podnet predict --format json`, the stable contract `{"profile": {…}, "results": [{from, to, port,
 * protocol, verdict}, …]}`, written in chunks as the cells are computed, never held as one string: a
 * table of millions of cells is larger than the longest string V8 can make. The bytes are exactly those of
 * `JSON.stringify({ profile, results }, null, 2)` (a test holds them to it).
 */
import type { Cluster } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import { forEachPrediction } from './truthTable.ts';

/** About how many characters are gathered before each `write` (1 Mi). */
const CHUNK = 1 << 20;

export function writePredictionJson(
  cluster: Cluster,
  profile: SemanticProfile,
  write: (chunk: string) => void,
  chunk = CHUNK,
): void {
  // Pod keys quoted once: the per-cell work is concatenation only.
  const quoted = cluster.pods.map((p) => JSON.stringify(keyOf(p)));
  const profileText = JSON.stringify(profile, null, 2).replace(/\n/g, '\n  ');
  let buffer = `{\n  "profile": ${profileText},\n  "results": [`;
  let first = true;
  forEachPrediction(cluster, { profile }, (s, d, t, verdict) => {
    buffer += `${first ? '' : ','}\n    {\n      "from": ${quoted[s]},\n      "to": ${quoted[d]},\n      "port": ${t.port},\n      "protocol": "${t.protocol}",\n      "verdict": "${verdict}"\n    }`;
    first = false;
    if (buffer.length >= chunk) {
      write(buffer);
      buffer = '';
    }
  });
  write(`${buffer}${first ? ']' : '\n  ]'}\n}\n`);
}
