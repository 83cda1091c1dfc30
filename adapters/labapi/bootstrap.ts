/**
 * What a fresh cluster holds before anyone writes to it: the namespaces the API server and the controller
 * manager create (`default`, `kube-system`, `kube-public`, `kube-node-lease`: pkg/controlplane/controller
 * systemnamespaces), and kube-proxy's ConfigMap `kube-system/kube-proxy` as kubeadm writes it
 * (cmd/kubeadm/app/phases/addons/proxy), whose `config.conf` KubeProxyConfiguration names the proxy mode.
 * The lab's `random` service proxy behaves as kube-proxy's iptables mode; its `round-robin` proxy as ipvs
 * with the `rr` scheduler (emulated with iptables: this kernel has no IPVS), so the ConfigMap says so.
 */
import { stringify } from 'yaml';
import type { ProxyMode } from '../../spec/target.ts';
import type { Registry } from './registry.ts';
import { resourceOfKind } from './resources.ts';

export const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** kube-proxy's configuration for the lab's proxy mode. */
export function kubeProxyConfig(mode: ProxyMode): string {
  return stringify({
    apiVersion: 'kubeproxy.config.k8s.io/v1alpha1',
    kind: 'KubeProxyConfiguration',
    bindAddress: '0.0.0.0',
    clusterCIDR: '10.244.0.0/16',
    metricsBindAddress: '127.0.0.1:10249',
    mode: mode === 'round-robin' ? 'ipvs' : 'iptables',
    ipvs: { scheduler: mode === 'round-robin' ? 'rr' : '' },
  });
}

export function bootstrap(registry: Registry, proxyMode: ProxyMode): void {
  const namespaces = resourceOfKind('Namespace');
  for (const name of SYSTEM_NAMESPACES) {
    if (!registry.find(namespaces, undefined, name))
      registry.createInternal(namespaces, { metadata: { name } });
  }
  const configMaps = resourceOfKind('ConfigMap');
  if (!registry.find(configMaps, 'kube-system', 'kube-proxy')) {
    registry.createInternal(configMaps, {
      metadata: { name: 'kube-proxy', namespace: 'kube-system', labels: { app: 'kube-proxy' } },
      data: { 'config.conf': kubeProxyConfig(proxyMode) },
    });
  }
}
