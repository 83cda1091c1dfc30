/** A small two-node cluster view for the netfilter agents' unit tests (no root needed). */
import type { ContainerPort, Labels } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { NetfilterPod, NodeNetfilterView } from './types.ts';

export function fixturePod(
  key: string,
  ip: string,
  labels: Labels,
  ports: readonly ContainerPort[] = [],
  over: Partial<NetfilterPod> = {},
): NetfilterPod {
  const [namespace = '', name = ''] = key.split('/');
  return { key, namespace, name, labels, ip, node: 'n1', hostNetwork: false, ready: true, ports, ...over };
}

/** Pods: a/client (n1), a/web1 (n1, http=8080), a/web2 (n2, http=9090), b/other (n2), a/host (hostNetwork). */
const FIXTURE_PODS: readonly NetfilterPod[] = [
  fixturePod('a/client', '10.244.1.2', { app: 'client' }),
  fixturePod('a/web1', '10.244.1.3', { app: 'web' }, [
    { name: 'http', containerPort: 8080, protocol: 'TCP' },
  ]),
  fixturePod(
    'a/web2',
    '10.244.2.2',
    { app: 'web' },
    [{ name: 'http', containerPort: 9090, protocol: 'TCP' }],
    {
      node: 'n2',
    },
  ),
  fixturePod('b/other', '10.244.2.3', { app: 'client', role: 'x' }, [], { node: 'n2' }),
  fixturePod(
    'a/host',
    '192.168.1.1',
    { app: 'web' },
    [{ name: 'http', containerPort: 7070, protocol: 'TCP' }],
    {
      hostNetwork: true,
    },
  ),
];

export function fixtureView(over: Partial<NodeNetfilterView> = {}): NodeNetfilterView {
  return {
    node: 'n1',
    netns: 'pnft0000-n1',
    nodeIP: '192.168.1.1',
    podCIDR: '10.244.1.0/24',
    clusterCIDR: '10.244.0.0/16',
    bridge: 'cni0',
    nodeIPs: { n1: '192.168.1.1', n2: '192.168.1.2' },
    namespaces: [
      { name: 'a', labels: { [NAMESPACE_NAME_LABEL]: 'a', team: 'red' } },
      { name: 'b', labels: { [NAMESPACE_NAME_LABEL]: 'b', team: 'blue' } },
    ],
    pods: FIXTURE_PODS,
    policies: [],
    services: [],
    proxyMode: 'random',
    policyMode: 'enforce',
    faults: [],
    faultNode: true,
    ...over,
  };
}
