/** A scenario Service as a real Service in the run's namespace (ClusterIP assigned by the cluster). */
import type { V1Service } from '@kubernetes/client-node';
import type { Service } from '../../../spec/model.ts';
import { type RenderContext, realNamespace, withRunLabels } from './context.ts';

export function renderService(svc: Service, ctx: RenderContext): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: svc.name, namespace: realNamespace(ctx, svc.namespace), labels: withRunLabels(ctx) },
    spec: {
      type: 'ClusterIP',
      ...(svc.selector !== undefined ? { selector: { ...svc.selector } } : {}),
      ports: svc.ports.map((p) => ({
        ...(p.name !== undefined ? { name: p.name } : {}),
        protocol: p.protocol,
        port: p.port,
        targetPort: p.targetPort,
      })),
      sessionAffinity: svc.sessionAffinity,
      // The API accepts sessionAffinityConfig only with ClientIP affinity.
      ...(svc.sessionAffinity === 'ClientIP'
        ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: svc.affinityTimeoutSeconds } } }
        : {}),
    },
  };
}
