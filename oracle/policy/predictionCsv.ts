/**
 * `podnet predict --format csv`: one line per truth-table cell under the header `from,to,port,protocol,verdict`
 * (RFC 4180: a field holding a comma, a quote or a line break is quoted, quotes doubled), streamed like the JSON.
 */
import type { Cluster } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import { streamCells } from './cellStream.ts';

/** One CSV field, quoted only when it must be. */
function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const PREDICTION_CSV_HEADER = 'from,to,port,protocol,verdict\n';

export function writePredictionCsv(
  cluster: Cluster,
  profile: SemanticProfile,
  write: (chunk: Uint8Array) => void,
  chunk?: number,
): void {
  streamCells(
    cluster,
    profile,
    {
      head: PREDICTION_CSV_HEADER,
      separator: '',
      source: (key) => `${csvField(key)},`,
      destination: (key, t, verdict) => `${csvField(key)},${t.port},${t.protocol},${verdict}\n`,
      tail: () => '',
    },
    write,
    chunk,
  );
}
