/**
 * What a fresh cluster holds before anyone writes to it: the namespaces the API server and the controller
 * manager create (`default`, `kube-system`, `kube-public`, `kube-node-lease`: pkg/controlplane/controller
 * systemnamespaces), and kube-proxy's ConfigMap `kube-system/kube-proxy` as kubeadm writes it
 * (cmd/kubeadm/app/phases/addons/proxy), whose `config.conf` KubeProxyConfiguration names the proxy mode.
 * The lab's `random` service proxy behaves as kube-proxy's iptables mode; its `round-robin` proxy as ipvs
 * with the `rr` scheduler (emulated with iptables: this kernel has no IPVS), so the ConfigMap says so.
 * And flannel's namespace and ConfigMap as flannel-io/flannel `Documentation/kube-flannel.yml` deploys
 * them (namespace `kube-flannel` labelled `k8s-app: flannel` and `pod-security.kubernetes.io/enforce:
 * privileged`; ConfigMap `kube-flannel-cfg` labelled `app: flannel`, `k8s-app: flannel`, `tier: node`,
 * with `cni-conf.json` and `net-conf.json`), holding the net-conf the lab's flannel agent runs.
 */
import { stringify } from 'yaml';
import type { FlannelNetConf } from '../../spec/scenario.ts';
import type { ProxyMode } from '../../spec/target.ts';
import type { Registry } from './registry.ts';
import { resourceOfKind } from './resources.ts';

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'] as const;

/** kube-proxy's configuration for the lab's proxy mode. */
function kubeProxyConfig(mode: ProxyMode): string {
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

/** kube-flannel.yml's CNI conflist (installed on every node as /etc/cni/net.d/10-flannel.conflist). */
const FLANNEL_CNI_CONF = {
  name: 'cbr0',
  cniVersion: '0.3.1',
  plugins: [
    { type: 'flannel', delegate: { hairpinMode: true, isDefaultGateway: true } },
    { type: 'portmap', capabilities: { portMappings: true } },
  ],
};

const FLANNEL_NAMESPACE = 'kube-flannel';
const FLANNEL_CONFIG_MAP = 'kube-flannel-cfg';

export function bootstrap(registry: Registry, proxyMode: ProxyMode, netConf?: FlannelNetConf): void {
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
  if (netConf) {
    if (!registry.find(namespaces, undefined, FLANNEL_NAMESPACE))
      registry.createInternal(namespaces, {
        metadata: {
          name: FLANNEL_NAMESPACE,
          labels: { 'k8s-app': 'flannel', 'pod-security.kubernetes.io/enforce': 'privileged' },
        },
      });
    if (!registry.find(configMaps, FLANNEL_NAMESPACE, FLANNEL_CONFIG_MAP))
      registry.createInternal(configMaps, {
        metadata: {
          name: FLANNEL_CONFIG_MAP,
          namespace: FLANNEL_NAMESPACE,
          labels: { app: 'flannel', 'k8s-app': 'flannel', tier: 'node' },
        },
        data: {
          'cni-conf.json': `${JSON.stringify(FLANNEL_CNI_CONF, null, 2)}\n`,
          'net-conf.json': `${JSON.stringify(netConf, null, 2)}\n`,
        },
      });
  }
}
