/**
 * The lab's nodes as Node objects, as a kubelet registers its node and keeps its status
 * (pkg/kubelet/kubelet_node_status.go: the `kubernetes.io/hostname`, `kubernetes.io/os`,
 * `kubernetes.io/arch` labels and their `beta.` twins, InternalIP and Hostname addresses, the Ready,
 * MemoryPressure, DiskPressure and PIDPressure conditions, nodeInfo, capacity), with `spec.podCIDR(s)`
 * as the node IPAM controller allocates them (here: the lab's flannel lease of the node) and the
 * annotations flannel's kube subnet manager writes (`flannel.alpha.coreos.com/*`, read from the lab's
 * `/run/podnet/<id>/nodes/<node>/annotations.json`), with the NetworkUnavailable condition flannel sets
 * (`FlannelIsUp`).
 */
import { readFile } from 'node:fs/promises';
import { release } from 'node:os';
import { join } from 'node:path';
import { formatCidr } from '../lab/ipv4.ts';
import { formatCidr6 } from '../lab/ipv6.ts';
import type { LabNode } from '../lab/topology.ts';
import { apiTime } from './defaulting.ts';
import { SERVER_VERSION } from './discovery.ts';
import type { Registry } from './registry.ts';
import { resourceOfKind } from './resources.ts';
import type { ApiObject } from './store.ts';

async function osImage(): Promise<string> {
  const text = await readFile('/etc/os-release', 'utf8').catch(() => '');
  return /^PRETTY_NAME="?([^"\n]*)"?/m.exec(text)?.[1] ?? 'Linux';
}

async function annotationsOf(nodeDir: string): Promise<Record<string, string>> {
  try {
    return JSON.parse(await readFile(join(nodeDir, 'annotations.json'), 'utf8')) as Record<string, string>;
  } catch {
    return {};
  }
}

/** The Node object of one lab node. */
async function nodeObject(node: LabNode, nodeDir: string, now = Date.now()): Promise<ApiObject> {
  const time = apiTime(now);
  // An IPv6-only lab's node has only its IPv6 lease and address.
  const cidr = node.lease ? formatCidr(node.lease) : node.ipv6 ? formatCidr6(node.ipv6.lease) : '';
  const condition = (type: string, status: string, reason: string, message: string) => ({
    type,
    status,
    lastHeartbeatTime: time,
    lastTransitionTime: time,
    reason,
    message,
  });
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name: node.name,
      labels: {
        'beta.kubernetes.io/arch': 'amd64',
        'beta.kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'kubernetes.io/hostname': node.name,
        'kubernetes.io/os': 'linux',
      },
      annotations: {
        'node.alpha.kubernetes.io/ttl': '0',
        'volumes.kubernetes.io/controller-managed-attach-detach': 'true',
        ...(await annotationsOf(nodeDir)),
      },
    },
    spec: { podCIDR: cidr, podCIDRs: [cidr] },
    status: {
      capacity: { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '10Gi' },
      allocatable: { cpu: '2', memory: '4Gi', pods: '110', 'ephemeral-storage': '10Gi' },
      conditions: [
        condition('NetworkUnavailable', 'False', 'FlannelIsUp', 'Flannel is running on this node'),
        condition(
          'MemoryPressure',
          'False',
          'KubeletHasSufficientMemory',
          'kubelet has sufficient memory available',
        ),
        condition('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        condition('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        condition('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: node.ip ?? node.ipv6?.ip ?? '' },
        { type: 'Hostname', address: node.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: '',
        systemUUID: '',
        bootID: '',
        kernelVersion: release(),
        osImage: await osImage(),
        containerRuntimeVersion: 'podnet-lab://0.1.0',
        kubeletVersion: SERVER_VERSION.gitVersion,
        kubeProxyVersion: '',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

/** Registers every lab node (once); later calls keep the objects, so labels users set survive. */
export async function registerNodes(
  registry: Registry,
  nodes: readonly LabNode[],
  nodeDir: (node: LabNode) => string,
): Promise<void> {
  const r = resourceOfKind('Node');
  for (const n of nodes) {
    if (registry.find(r, undefined, n.name)) continue;
    registry.createInternal(r, await nodeObject(n, nodeDir(n)));
  }
}
