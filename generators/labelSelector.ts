/** Label selectors over the small pod and namespace vocabularies: empty, matchLabels, matchExpressions (all four operators). */
import fc from 'fast-check';
import type { LabelSelector, LabelSelectorRequirement, SelectorOperator } from '../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../spec/model.ts';
import {
  APP_VALUES,
  CROSS_SHRINK,
  ENV_VALUES,
  NAMESPACE_NAMES,
  POD_NAMES,
  TIER_VALUES,
} from './_internals/vocabulary.ts';

/** Which objects a selector is about: pods or namespaces (different keys and values). */
export type SelectorSubject = 'pod' | 'namespace';

const VALUES: Readonly<Record<SelectorSubject, Readonly<Record<string, readonly string[]>>>> = {
  pod: { pod: POD_NAMES, app: APP_VALUES, tier: TIER_VALUES },
  namespace: { ns: NAMESPACE_NAMES, env: ENV_VALUES, [NAMESPACE_NAME_LABEL]: NAMESPACE_NAMES },
};

const OPERATORS: readonly SelectorOperator[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/**
 * Keys to draw from. `kubernetes.io/metadata.name` is drawn twice as often: it is the label every real
 * namespace has, and implementations that forget it (no-ns-name-label) are only caught by selectors on it.
 */
function keysOf(subject: SelectorSubject): [string, ...string[]] {
  const keys = Object.keys(VALUES[subject]);
  if (subject === 'namespace') keys.push(NAMESPACE_NAME_LABEL);
  return keys as [string, ...string[]];
}

function valueAt(subject: SelectorSubject, key: string, index: number): string {
  const values = VALUES[subject][key] ?? [''];
  return values[index % values.length] ?? '';
}

/** One `key: value` pair from the vocabulary. */
function matchLabelArb(subject: SelectorSubject): fc.Arbitrary<[string, string]> {
  return fc
    .record({ key: fc.constantFrom(...keysOf(subject)), value: fc.nat(3) })
    .map(({ key, value }): [string, string] => [key, valueAt(subject, key, value)]);
}

/** One requirement; In/NotIn carry 1–2 values, Exists/DoesNotExist none (as validation demands). */
function labelSelectorRequirementArb(subject: SelectorSubject): fc.Arbitrary<LabelSelectorRequirement> {
  return fc
    .record({
      key: fc.constantFrom(...keysOf(subject)),
      operator: fc.constantFrom(...OPERATORS),
      values: fc.array(fc.nat(3), { minLength: 1, maxLength: 2 }),
    })
    .map(({ key, operator, values }) => {
      if (operator === 'Exists' || operator === 'DoesNotExist') return { key, operator };
      const vs = [...new Set(values.map((v) => valueAt(subject, key, v)))];
      return { key, operator, values: vs };
    });
}

/**
 * A label selector for `subject`: `{}` (matches everything), one matchLabels pair, one or two
 * matchExpressions, or both. Shrinks towards `{}`.
 */
export function labelSelectorArb(subject: SelectorSubject): fc.Arbitrary<LabelSelector> {
  const labels = matchLabelArb(subject);
  const exprs = fc.array(labelSelectorRequirementArb(subject), { minLength: 1, maxLength: 2 });
  return fc.oneof(
    CROSS_SHRINK,
    { arbitrary: fc.constant<LabelSelector>({}), weight: 2 },
    { arbitrary: labels.map(([k, v]): LabelSelector => ({ matchLabels: { [k]: v } })), weight: 4 },
    { arbitrary: exprs.map((e): LabelSelector => ({ matchExpressions: e })), weight: 3 },
    {
      arbitrary: fc
        .tuple(labels, exprs)
        .map(([[k, v], e]): LabelSelector => ({ matchLabels: { [k]: v }, matchExpressions: e })),
      weight: 1,
    },
  );
}
