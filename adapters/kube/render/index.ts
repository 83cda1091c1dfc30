/** Pure rendering of a cluster into the Kubernetes objects the kube adapter creates. */
import type { V1Namespace, V1NetworkPolicy, V1Pod, V1Service } from '@kubernetes/client-node';
import type { Cluster } from '../../../spec/model.ts';
import type { RenderContext } from './context.ts';
import { renderNamespace } from './namespace.ts';
import { renderPod } from './pod.ts';
import { renderPolicy } from './policy.ts';
import { renderService } from './service.ts';

export { DEFAULT_AGNHOST_IMAGE, type RenderContext } from './context.ts';
export { renderNamespace } from './namespace.ts';
export { renderPod } from './pod.ts';
export { renderPolicy } from './policy.ts';
export { READER_CONTAINER, renderReaderPod } from './readerPod.ts';

export interface RenderedCluster {
  readonly namespaces: readonly V1Namespace[];
  readonly pods: readonly V1Pod[];
  readonly services: readonly V1Service[];
  readonly policies: readonly V1NetworkPolicy[];
}

/** Every object of a (concrete) cluster, rendered for run `ctx.runId`. */
export function renderCluster(cluster: Cluster, ctx: RenderContext): RenderedCluster {
  return {
    namespaces: cluster.namespaces.map((n) => renderNamespace(n, ctx)),
    pods: cluster.pods.map((p) => renderPod(p, ctx)),
    services: cluster.services.map((s) => renderService(s, ctx)),
    policies: cluster.policies.map((p) => renderPolicy(p, ctx)),
  };
}
