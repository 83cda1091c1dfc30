/**
 * A scenario NetworkPolicy as a real one, in the run's namespace, built by the one manifest writer
 * (spec/manifests/write.ts) and typed for client-node. The scenario names namespaces by their scenario
 * names, but on the cluster they are `podnet-<run>-<name>` and the API server sets
 * `kubernetes.io/metadata.name` to that real name; the writer maps namespaceSelector values on that key
 * (matchLabels, or In/NotIn values) to the real names. Every other selector is kept as written: the
 * scenario's own namespace labels are copied onto the real namespaces, so they select the same set.
 * ipBlocks arrive concrete. policyTypes are always written.
 */
import type { V1NetworkPolicy } from '@kubernetes/client-node';
import { policyManifest } from '../../../spec/manifests/write.ts';
import type { NetworkPolicy } from '../../../spec/model.ts';
import { fromApiJson } from '../apiJson.ts';
import { type RenderContext, realNamespace, withRunLabels } from './context.ts';

export function renderPolicy(policy: NetworkPolicy, ctx: RenderContext): V1NetworkPolicy {
  const json = policyManifest(policy, {
    realNamespace: (n) => realNamespace(ctx, n),
    explicitPolicyTypes: true,
  });
  const typed = fromApiJson(json, 'V1NetworkPolicy') as V1NetworkPolicy;
  return { ...typed, metadata: { ...typed.metadata, labels: withRunLabels(ctx) } };
}
