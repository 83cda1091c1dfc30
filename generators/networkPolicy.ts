/**
 * NetworkPolicies over a given cluster, covering every v1 field: podSelector `{}`/matchLabels/
 * matchExpressions (In, NotIn, Exists, DoesNotExist); policyTypes explicit or omitted (then defaulted
 * as the API does, with `policyTypesDefaulted: true` so writers can omit it again); ingress/egress
 * missing, `[]`, `[{}]` or rules; peers podSelector, namespaceSelector (incl. `{}`), both, symbolic
 * ipBlock with except; ports numeric, named, protocol-only and endPort ranges.
 */
import fc from 'fast-check';
import type { ScenarioCluster, ScenarioPolicy } from '../spec/scenario.ts';
import { buildPolicies, buildPolicy, contextOf } from './_internals/build.ts';
import type { GeneratorOptions } from './_internals/options.ts';
import { boundsOf } from './_internals/options.ts';
import { rawPolicyArb } from './_internals/raw.ts';

/** One policy named `name` over `cluster`'s namespaces, pods and nodes. */
export function networkPolicyArb(
  cluster: Pick<ScenarioCluster, 'nodes' | 'namespaces' | 'pods'>,
  options: GeneratorOptions & { readonly name?: string } = {},
): fc.Arbitrary<ScenarioPolicy> {
  const ctx = contextOf(cluster);
  return rawPolicyArb(boundsOf(options)).map((raw) => buildPolicy(raw, options.name ?? 'p1', ctx));
}

/** Up to `maxPolicies` policies named `p1`, `p2`, … over `cluster`. */
export function networkPoliciesArb(
  cluster: Pick<ScenarioCluster, 'nodes' | 'namespaces' | 'pods'>,
  options: GeneratorOptions = {},
): fc.Arbitrary<ScenarioPolicy[]> {
  const bounds = boundsOf(options);
  const ctx = contextOf(cluster);
  return fc
    .array(rawPolicyArb(bounds), { minLength: 0, maxLength: bounds.maxPolicies })
    .map((raws) => buildPolicies(raws, ctx));
}
