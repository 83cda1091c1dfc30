/** A v1 Namespace (DNS-1123 label name) with the API server's `kubernetes.io/metadata.name` label. */
import type { Namespace } from '../model.ts';
import { decodeMetadata } from './decodeMetadata.ts';
import type { Decoder } from './decoder.ts';
import { namespaceLabels } from './defaults.ts';
import { dns1123LabelProblems } from './names.ts';

export function decodeNamespace(d: Decoder): Namespace | undefined {
  const meta = decodeMetadata(d, dns1123LabelProblems, false);
  return meta && { name: meta.name, labels: namespaceLabels(meta.name, meta.labels) };
}
