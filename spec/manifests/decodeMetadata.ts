/** metadata.name, metadata.namespace and metadata.labels, checked as ValidateObjectMeta does. */

import type { Labels } from '../model.ts';
import { quoteValue } from '../quote.ts';
import type { Decoder } from './decoder.ts';
import { DEFAULT_NAMESPACE } from './defaults.ts';
import type { FieldPath } from './manifestObject.ts';
import { dns1123LabelProblems, labelValueProblems, qualifiedNameProblems } from './names.ts';

export interface DecodedMetadata {
  readonly name: string;
  readonly namespace: string;
  readonly labels: Labels;
}

/**
 * Reads metadata; `nameProblems` is the kind's name rule (DNS-1123 subdomain for pods and policies,
 * DNS-1035 label for Services, DNS-1123 label for namespaces), as in each kind's ValidateXName.
 */
export function decodeMetadata(
  d: Decoder,
  nameProblems: (name: string) => string[],
  namespaced: boolean,
): DecodedMetadata | undefined {
  const name = d.string(['metadata', 'name']);
  if (name === undefined) {
    if (!d.has(['metadata', 'name'])) {
      d.fail(['metadata', 'name'], 'PODNET_FIELD_REQUIRED', 'name is required', 'add `metadata: {name: …}`');
    }
  } else {
    for (const p of nameProblems(name)) {
      d.fail(
        ['metadata', 'name'],
        'PODNET_INVALID_NAME',
        `invalid name ${quoteValue(name)}: ${p}`,
        'use a lower-case DNS name such as `web-1`',
      );
    }
  }
  let namespace = DEFAULT_NAMESPACE;
  if (namespaced) {
    const ns = d.string(['metadata', 'namespace']);
    if (ns !== undefined && ns !== '') {
      for (const p of dns1123LabelProblems(ns)) {
        d.fail(
          ['metadata', 'namespace'],
          'PODNET_INVALID_NAME',
          `invalid namespace ${quoteValue(ns)}: ${p}`,
          'use a lower-case DNS label such as `team-a`',
        );
      }
      namespace = ns;
    }
  }
  const labels = decodeLabels(d, ['metadata', 'labels']) ?? {};
  return name === undefined ? undefined : { name, namespace, labels };
}

/** A label map: keys are qualified names, values label values (apimachinery ValidateLabels). */
export function decodeLabels(d: Decoder, path: FieldPath): Labels | undefined {
  const labels = d.stringMap(path);
  if (labels === undefined) return undefined;
  for (const [k, v] of Object.entries(labels)) {
    for (const p of qualifiedNameProblems(k)) {
      d.fail(
        [...path, k],
        'PODNET_INVALID_LABEL',
        `invalid label key ${quoteValue(k)}: ${p}`,
        'use `[prefix/]name`, e.g. `app` or `example.com/tier`',
      );
    }
    for (const p of labelValueProblems(v)) {
      d.fail(
        [...path, k],
        'PODNET_INVALID_LABEL',
        `invalid label value ${quoteValue(v)}: ${p}`,
        'use at most 63 characters from [A-Za-z0-9-_.]',
      );
    }
  }
  return labels;
}
