/**
 * Label selectors as the Kubernetes API defines them (apimachinery `LabelSelectorAsSelector`), written
 * here for the lab's policy agent and service proxy; the lab never borrows the oracle's matcher.
 */
import type { LabelSelector, LabelSelectorRequirement, Labels } from '../../../spec/model.ts';

function requirementMatches(req: LabelSelectorRequirement, labels: Labels): boolean {
  const has = Object.hasOwn(labels, req.key);
  const value = labels[req.key];
  const values = req.values ?? [];
  switch (req.operator) {
    case 'In':
      return has && value !== undefined && values.includes(value);
    // NotIn and DoesNotExist match objects that lack the key (apimachinery `Requirement.Matches`).
    case 'NotIn':
      return !has || value === undefined || !values.includes(value);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}

/** Whether `labels` satisfy `selector`: every matchLabels pair AND every expression; `{}` matches all. */
export function selectorMatches(selector: LabelSelector, labels: Labels): boolean {
  for (const [key, value] of Object.entries(selector.matchLabels ?? {})) {
    if (!Object.hasOwn(labels, key) || labels[key] !== value) return false;
  }
  return (selector.matchExpressions ?? []).every((req) => requirementMatches(req, labels));
}

/**
 * A Service selector (a plain map) as the endpoints controller reads it: absent or empty means
 * "no endpoints managed by Kubernetes", never "every pod".
 */
export function serviceSelectorMatches(selector: Labels | undefined, labels: Labels): boolean {
  if (selector === undefined || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => Object.hasOwn(labels, k) && labels[k] === v);
}
