import type { Pod, Service } from '../../spec/model.ts';

/** A backend pod for LB tests: label app=web, one TCP port named `http` on `containerPort`. */
export function webPod(name: string, over: Partial<Pod> = {}, containerPort = 8080): Pod {
  return {
    namespace: 'shop',
    name,
    labels: { app: 'web' },
    nodeName: 'n1',
    hostNetwork: false,
    containers: [{ name: 'main', ports: [{ name: 'http', containerPort, protocol: 'TCP' }] }],
    ips: [],
    ready: true,
    ...over,
  };
}

export function webService(over: Partial<Service> = {}): Service {
  return {
    namespace: 'shop',
    name: 'web',
    selector: { app: 'web' },
    ports: [
      { name: 'http', protocol: 'TCP', port: 80, targetPort: 'http' },
      { name: 'alt', protocol: 'TCP', port: 81, targetPort: 8081 },
    ],
    sessionAffinity: 'None',
    affinityTimeoutSeconds: 10800,
    ...over,
  };
}
