import type { Pod, ServicePort } from '../../spec/model.ts';

/**
 * The container port a Service port reaches on one pod, as `podutil.FindPort` does for the EndpointSlice
 * controller: a numeric targetPort is used as is; a named one is looked up among the pod's container
 * ports by name and protocol. `undefined` means this pod is not an endpoint of this Service port.
 */
export function resolveTargetPort(pod: Pod, servicePort: ServicePort): number | undefined {
  const target = servicePort.targetPort;
  if (typeof target === 'number') return target;
  for (const container of pod.containers) {
    for (const p of container.ports) {
      if (p.name === target && p.protocol === servicePort.protocol) return p.containerPort;
    }
  }
  return undefined;
}
