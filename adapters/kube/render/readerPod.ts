/**
 * The per-node reader: a hostNetwork agnhost pod pinned to one node, idle (`agnhost pause`), into which
 * the adapter execs `ip -j …`/`bridge -j …` (agnhost's image has iproute2) and reads subnet.env through a
 * read-only hostPath of /run/flannel. It also serves as the source of `node:<name>` probes and reads
 * kube-proxy's `/proxyMode` on 127.0.0.1:10249. It tolerates every taint, so it runs on every node.
 * The hostPath is `type: Directory`, so it never creates anything on the node, and it is mounted only
 * on nodes whose flannel annotations show flannel runs there (elsewhere subnet.env is reported absent).
 */
import type { V1Pod } from '@kubernetes/client-node';
import { ROLE_LABEL, readerPodName, systemNamespaceName } from '../names.ts';
import { type RenderContext, withRunLabels } from './context.ts';

/** Where the reader sees the node's /run/flannel. */
export const READER_FLANNEL_DIR = '/host/run/flannel';
export const READER_CONTAINER = 'reader';

/** `flannel`: mount /run/flannel (only on nodes whose annotations show flannel runs there). */
export function renderReaderPod(
  node: string,
  ctx: RenderContext,
  options: { readonly flannel: boolean } = { flannel: true },
): V1Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: readerPodName(node),
      namespace: systemNamespaceName(ctx.runId),
      labels: { ...withRunLabels(ctx), [ROLE_LABEL]: 'node-reader' },
    },
    spec: {
      nodeName: node,
      hostNetwork: true,
      tolerations: [{ operator: 'Exists' }],
      containers: [
        {
          name: READER_CONTAINER,
          image: ctx.image,
          args: ['pause'],
          ...(options.flannel
            ? { volumeMounts: [{ name: 'run-flannel', mountPath: READER_FLANNEL_DIR, readOnly: true }] }
            : {}),
        },
      ],
      ...(options.flannel
        ? { volumes: [{ name: 'run-flannel', hostPath: { path: '/run/flannel', type: 'Directory' } }] }
        : {}),
      terminationGracePeriodSeconds: 0,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
    },
  };
}
