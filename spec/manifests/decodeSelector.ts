/** A metav1.LabelSelector, checked as apimachinery `pkg/apis/meta/v1/validation` ValidateLabelSelector does. */

import type { LabelSelector, LabelSelectorRequirement, SelectorOperator } from '../model.ts';
import { quoteValue } from '../quote.ts';
import { decodeLabels } from './decodeMetadata.ts';
import type { Decoder } from './decoder.ts';
import type { FieldPath } from './manifestObject.ts';
import { labelValueProblems, qualifiedNameProblems } from './names.ts';

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** Decodes the selector at `path` (which must be present). */
export function decodeSelector(d: Decoder, path: FieldPath): LabelSelector {
  d.knownKeys(path, ['matchLabels', 'matchExpressions']);
  if (d.object(path) === undefined) return {};
  const matchLabels = decodeLabels(d, [...path, 'matchLabels']);
  const exprs = d.list([...path, 'matchExpressions']);
  const matchExpressions: LabelSelectorRequirement[] = [];
  exprs?.forEach((_, i) => {
    const ep = [...path, 'matchExpressions', i];
    d.knownKeys(ep, ['key', 'operator', 'values']);
    if (d.object(ep) === undefined) return;
    const key = d.string([...ep, 'key'], true);
    if (key !== undefined) {
      for (const p of qualifiedNameProblems(key)) {
        d.fail(
          [...ep, 'key'],
          'PODNET_INVALID_LABEL',
          `invalid label key ${quoteValue(key)}: ${p}`,
          'use `[prefix/]name`, e.g. `app`',
        );
      }
    }
    const operator = d.string([...ep, 'operator'], true);
    const rawValues = d.list([...ep, 'values']);
    const values: string[] = [];
    rawValues?.forEach((_, j) => {
      const v = d.string([...ep, 'values', j]);
      if (v === undefined) return;
      for (const p of labelValueProblems(v)) {
        d.fail(
          [...ep, 'values', j],
          'PODNET_INVALID_LABEL',
          `invalid label value ${quoteValue(v)}: ${p}`,
          'use at most 63 characters from [A-Za-z0-9-_.]',
        );
      }
      values.push(v);
    });
    if (operator === undefined) return;
    if (!(OPERATORS as readonly string[]).includes(operator)) {
      d.fail(
        [...ep, 'operator'],
        'PODNET_INVALID_SELECTOR',
        `${quoteValue(operator)} is not a valid selector operator`,
        `use one of ${OPERATORS.join(', ')} (case-sensitive)`,
      );
      return;
    }
    const op = operator as SelectorOperator;
    if ((op === 'In' || op === 'NotIn') && values.length === 0 && (rawValues?.length ?? 0) === 0) {
      d.fail(
        [...ep, 'values'],
        'PODNET_INVALID_SELECTOR',
        `must be specified when operator is ${op}`,
        `give at least one value, or use ${op === 'In' ? 'Exists' : 'DoesNotExist'} to test only for the key`,
      );
    }
    if ((op === 'Exists' || op === 'DoesNotExist') && (rawValues?.length ?? 0) > 0) {
      d.fail(
        [...ep, 'values'],
        'PODNET_INVALID_SELECTOR',
        `may not be specified when operator is ${op}`,
        `remove values, or use ${op === 'Exists' ? 'In' : 'NotIn'} to test the values`,
      );
    }
    if (key === undefined) return;
    matchExpressions.push(
      op === 'In' || op === 'NotIn' ? { key, operator: op, values } : { key, operator: op },
    );
  });
  return {
    ...(matchLabels !== undefined ? { matchLabels } : {}),
    ...(exprs !== undefined ? { matchExpressions } : {}),
  };
}
