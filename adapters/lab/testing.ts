/** Builders shared by the lab's own tests: small clusters and pods. */
import type { Cluster, ContainerPort, Node, Pod } from '../../spec/model.ts';

export function labPod(
  namespace: string,
  name: string,
  nodeName: string | undefined,
  ports: readonly ContainerPort[] = [
    { containerPort: 80, protocol: 'TCP' },
    { containerPort: 81, protocol: 'UDP' },
  ],
  extra: Partial<Pod> = {},
): Pod {
  return {
    namespace,
    name,
    labels: { app: name },
    ...(nodeName ? { nodeName } : {}),
    hostNetwork: false,
    ready: true,
    ips: [],
    containers: [{ name: 'c', ports }],
    ...extra,
  };
}

export function labNodes(segments: readonly number[]): Node[] {
  return segments.map((segment, i) => ({ name: `node-${i + 1}`, labels: {}, segment }));
}

export function labCluster(nodes: readonly Node[], pods: readonly Pod[]): Cluster {
  const namespaces = [...new Set(pods.map((p) => p.namespace))].map((name) => ({
    name,
    labels: { 'kubernetes.io/metadata.name': name },
  }));
  return { nodes, namespaces, pods, services: [], policies: [] };
}

/** A random lab id for a test (6 hex digits), so parallel test files never share names. */
export function testLabId(): string {
  return Math.floor(Math.random() * 0x1000000)
    .toString(16)
    .padStart(6, '0');
}
