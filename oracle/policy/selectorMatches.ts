/**
 * Label selector semantics (docs/research/netpol.md §7 rule 12, Kubernetes `metav1.LabelSelector`):
 * matchLabels AND every matchExpression; NotIn and DoesNotExist match objects that lack the key;
 * an empty selector `{}` matches everything.
 */
import type { LabelSelector, LabelSelectorRequirement, Labels } from '../../spec/model.ts';

/** Whether `labels` satisfy one requirement. */
function requirementMatches(req: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  switch (req.operator) {
    case 'In':
      return has && value !== undefined && (req.values ?? []).includes(value);
    case 'NotIn':
      return !has || value === undefined || !(req.values ?? []).includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Whether `labels` satisfy `selector`. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  for (const req of selector.matchExpressions ?? []) {
    if (!requirementMatches(req, labels)) return false;
  }
  return true;
}

/** A selector in plain words: `pod=b`, `ns NotIn [x]`, `{} (everything)`. */
export function describeSelector(selector: LabelSelector): string {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) parts.push(`${key}=${value}`);
  for (const req of selector.matchExpressions ?? []) {
    if (req.operator === 'Exists' || req.operator === 'DoesNotExist')
      parts.push(`${req.key} ${req.operator}`);
    else parts.push(`${req.key} ${req.operator} [${(req.values ?? []).join(',')}]`);
  }
  return parts.length === 0 ? '{} (everything)' : parts.join(', ');
}
