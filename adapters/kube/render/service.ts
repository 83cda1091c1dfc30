/**
 * A scenario Service as a real ClusterIP Service in the run's namespace (the IP assigned by the cluster),
 * built by the one manifest writer (spec/manifests/write.ts) and typed for client-node.
 */
import type { V1Service } from '@kubernetes/client-node';
import { serviceManifest } from '../../../spec/manifests/write.ts';
import type { Service } from '../../../spec/model.ts';
import { fromApiJson } from '../apiJson.ts';
import { type RenderContext, realNamespace, withRunLabels } from './context.ts';

export function renderService(svc: Service, ctx: RenderContext): V1Service {
  const typed = fromApiJson(
    serviceManifest(svc, { realNamespace: (n) => realNamespace(ctx, n) }),
    'V1Service',
  ) as V1Service;
  return {
    ...typed,
    metadata: { ...typed.metadata, labels: withRunLabels(ctx) },
    spec: { type: 'ClusterIP', ...typed.spec },
  };
}
