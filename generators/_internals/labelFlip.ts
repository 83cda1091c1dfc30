/**
 * A relabel step aimed at a selector. A relabel drawn as a whole new label set mostly leaves every
 * selector's answer as it was: over a seeded sample of 2,000 small scenarios, a pod relabel changed some
 * verdict 19% of the time and a namespace relabel 2%, so "traffic follows the new labels" (NP-STEP) was
 * seldom exercised. A flip takes one requirement of a selector in the cluster's policies (a policy's
 * podSelector, a peer's podSelector or namespaceSelector; `matchLabels` pairs count as `In`), one object that
 * selector looks at (the policy's namespace's pods, every pod for a peer with a namespaceSelector, every
 * namespace), and changes that object's labels so the requirement's answer flips. Labels stay in the
 * vocabulary: `pod` and `ns` only ever carry the object's own name, and `kubernetes.io/metadata.name` is
 * never changed (the API sets it). Without a requirement that can flip, there is no flip.
 */
import type { LabelSelector, Labels, SelectorOperator } from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import type { ScenarioCluster, ScenarioPolicy } from '../../spec/scenario.ts';
import { APP_VALUES, ENV_VALUES, TIER_VALUES } from './vocabulary.ts';

/** Which requirement to flip (index into those of the cluster's selectors), and on which of its objects. */
export interface RawLabelFlip {
  readonly term: number;
  readonly object: number;
}

interface Term {
  readonly key: string;
  readonly operator: SelectorOperator;
  readonly values: readonly string[];
}

/** Values a label may take on an object named `name`; undefined for a key podnet never changes. */
function valuesOf(key: string, name: string): readonly string[] | undefined {
  switch (key) {
    case 'pod':
    case 'ns':
      return [name];
    case 'app':
      return APP_VALUES;
    case 'tier':
      return TIER_VALUES;
    case 'env':
      return ENV_VALUES;
    default:
      return undefined;
  }
}

function termsOf(s: LabelSelector | undefined): Term[] {
  if (!s) return [];
  return [
    ...Object.entries(s.matchLabels ?? {}).map(([key, v]) => ({ key, operator: 'In' as const, values: [v] })),
    ...(s.matchExpressions ?? []).map((e) => ({ key: e.key, operator: e.operator, values: e.values ?? [] })),
  ];
}

function holds(term: Term, labels: Labels): boolean {
  const value = labels[term.key];
  switch (term.operator) {
    case 'In':
      return value !== undefined && term.values.includes(value);
    case 'NotIn':
      return value === undefined || !term.values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
  }
}

/** `labels` changed so that `term` flips, or undefined when the vocabulary cannot flip it on this object. */
function flipTerm(term: Term, name: string, labels: Labels): Labels | undefined {
  const allowed = valuesOf(term.key, name);
  if (allowed === undefined) return undefined;
  const { [term.key]: _, ...without } = labels;
  const candidates: Labels[] = [without, ...allowed.map((v) => ({ ...without, [term.key]: v }))];
  const was = holds(term, labels);
  return candidates.find((c) => holds(term, c) !== was);
}

/**
 * The rules whose peers can decide: those of a direction the policy's policyTypes list, unless a rule of
 * that direction lists no peers (it admits every peer, so no peer's labels matter on its ports).
 */
function decisiveRules(policy: ScenarioPolicy) {
  return (['Ingress', 'Egress'] as const).flatMap((type) => {
    const rules = (type === 'Ingress' ? policy.ingress : policy.egress) ?? [];
    if (!policy.policyTypes.includes(type) || rules.some((r) => (r.peers ?? []).length === 0)) return [];
    return rules;
  });
}

/** Whether `labels` satisfy every requirement of `selector` (`{}` matches everything). */
function selects(selector: LabelSelector | undefined, labels: Labels): boolean {
  return termsOf(selector).every((t) => holds(t, labels));
}

/**
 * The requirements the policies select pods (or namespaces) by, each with the objects whose flip can change
 * a verdict: only policies that select some pod; for a policy's podSelector, its namespace's pods; for a
 * peer's podSelector, the pods its namespaceSelector (or the policy's namespace) covers; for a peer's
 * namespaceSelector, the namespaces holding a pod its podSelector matches.
 */
function targets(
  cluster: ScenarioCluster,
  subject: 'pod' | 'namespace',
): { readonly term: Term; readonly objects: readonly string[] }[] {
  const out: { term: Term; objects: readonly string[] }[] = [];
  const nsLabels = new Map(cluster.namespaces.map((n) => [n.name, n.labels]));
  const podsIn = (ns: string) => cluster.pods.filter((p) => p.namespace === ns);
  const key = (p: { namespace: string; name: string }) => `${p.namespace}/${p.name}`;
  for (const policy of cluster.policies) {
    const members = podsIn(policy.namespace).filter((p) => selects(policy.podSelector, p.labels));
    if (members.length === 0 && subject === 'namespace') continue;
    if (subject === 'pod') {
      for (const term of termsOf(policy.podSelector))
        out.push({ term, objects: podsIn(policy.namespace).map(key) });
      if (members.length === 0) continue;
    }
    for (const rule of decisiveRules(policy)) {
      for (const peer of rule.peers ?? []) {
        if (subject === 'namespace') {
          const objects = cluster.namespaces
            .map((n) => n.name)
            .filter((ns) => podsIn(ns).some((p) => selects(peer.podSelector, p.labels)));
          for (const term of termsOf(peer.namespaceSelector)) out.push({ term, objects });
        } else {
          const covered = peer.namespaceSelector
            ? cluster.pods.filter((p) => selects(peer.namespaceSelector, nsLabels.get(p.namespace) ?? {}))
            : podsIn(policy.namespace);
          for (const term of termsOf(peer.podSelector)) out.push({ term, objects: covered.map(key) });
        }
      }
    }
  }
  return out.filter((t) => t.objects.length > 0);
}

/**
 * The relabel a flip denotes: starting at the drawn requirement and object, the first (requirement, object)
 * pair the vocabulary can flip, with the object's new labels; undefined when none can.
 */
export function flipLabels(
  cluster: ScenarioCluster,
  subject: 'pod' | 'namespace',
  flip: RawLabelFlip,
): { readonly object: string; readonly labels: Labels } | undefined {
  const all = targets(cluster, subject);
  for (let i = 0; i < all.length; i++) {
    const { term, objects } = all[(flip.term + i) % all.length] as (typeof all)[number];
    for (let j = 0; j < objects.length; j++) {
      const object = objects[(flip.object + j) % objects.length] as string;
      const current = labelsOf(cluster, subject, object);
      if (current === undefined) continue;
      const name = subject === 'pod' ? object.slice(object.indexOf('/') + 1) : object;
      const labels = flipTerm(term, name, current);
      if (labels !== undefined) return { object, labels };
    }
  }
  return undefined;
}

function labelsOf(
  cluster: ScenarioCluster,
  subject: 'pod' | 'namespace',
  object: string,
): Labels | undefined {
  if (subject === 'namespace') {
    const labels = cluster.namespaces.find((n) => n.name === object)?.labels;
    // The name label is the API's: flips never touch it, and every namespace carries it.
    return labels === undefined ? undefined : { ...labels, [NAMESPACE_NAME_LABEL]: object };
  }
  return cluster.pods.find((p) => `${p.namespace}/${p.name}` === object)?.labels;
}
