/**
 * One flannel scenario: a net-conf.json and a topology (2–5 nodes on 1–2 L2 segments, one or two pods
 * per node so that cross-node traffic can be probed). Shrinks toward two nodes on one segment, one pod
 * each, and the simplest config.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';
import { flannelNetConfArb } from '../../../generators/flannelNetConf.ts';
import { KCM_DEFAULT_NODE_MASK_IPV6 } from '../../../oracle/flannel/index.ts';
import type { IPFamilyMode } from '../../../spec/ipFamily.ts';
import { parseCidr } from '../../../spec/manifests/cidr.ts';
import { clusterToManifests } from '../../../spec/manifests/write.ts';
import type { Cluster, Node, Pod } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { FlannelBackendType, FlannelNetConf } from '../../../spec/scenario.ts';

interface FlannelTopologyNode {
  /** Underlay L2 segment (0 or 1). */
  readonly segment: number;
  /** Pods on the node (1 or 2). */
  readonly pods: number;
}

export interface FlannelScenario {
  readonly netConf: FlannelNetConf;
  readonly nodes: readonly FlannelTopologyNode[];
  /**
   * A live cluster's flannel (runner/areas/flannel/clusterFlannel.ts): the nodes' segments are read from
   * their addresses instead of `nodes[i].segment`, the leases' mask is the cluster allocator's, the
   * net-conf is judged from the ConfigMap's own text, as the release the cluster runs.
   */
  readonly cluster?: {
    readonly nodeMask: number;
    readonly netConfText: string;
    readonly flannelVersion: string;
  };
}

export interface FlannelScenarioOptions {
  /** Only this backend (the CLI's --backend, a test's pin). */
  readonly backend?: FlannelBackendType;
  /** Segments the topology may use (default 2: segments 0 and 1). */
  readonly segments?: number;
  readonly minNodes?: number;
  readonly maxNodes?: number;
  /** The run's `--ip-family`: dual draws dual-stack net-confs (EnableIPv6, no udp); default ipv4. */
  readonly ipFamily?: IPFamilyMode;
}

/** The namespace the flannel area's pods live in. */
export const FLANNEL_NAMESPACE = 'flannel-probe';
/** Ports every probe pod serves. */
export const PROBE_TCP_PORT = 80;
export const PROBE_UDP_PORT = 81;

function nodeName(index: number): string {
  return `node-${index + 1}`;
}

/** Pod j on node i: `flannel-probe/n<i+1>-p<j+1>`. */
function podName(nodeIndex: number, podIndex: number): string {
  return `n${nodeIndex + 1}-p${podIndex + 1}`;
}

/**
 * The node mask the lab's range allocator uses for a net-conf: SubnetLen, or /24 (kube-controller-manager's
 * default --node-cidr-mask-size) when the Network leaves room for it.
 */
export function nodeMaskOf(netConf: FlannelNetConf): number {
  const prefix = networkPrefixOf(netConf);
  return netConf.SubnetLen ?? (prefix <= 24 ? 24 : prefix + 1);
}

/**
 * The IPv6 node mask of the lab's range allocator (its second CIDR set): IPv6SubnetLen, or /64
 * (kube-controller-manager's default --node-cidr-mask-size-ipv6).
 */
export function nodeMaskOfIPv6(netConf: FlannelNetConf): number {
  return typeof netConf.IPv6SubnetLen === 'number' ? netConf.IPv6SubnetLen : KCM_DEFAULT_NODE_MASK_IPV6;
}

/** How many leases a net-conf offers under that mask. */
export function leaseCapacity(netConf: FlannelNetConf): number {
  return 2 ** (nodeMaskOf(netConf) - networkPrefixOf(netConf));
}

/** The prefix length of the net-conf's Network (NaN when it is not a CIDR). */
function networkPrefixOf(netConf: FlannelNetConf): number {
  return parseCidr(netConf.Network)?.prefixLength ?? Number.NaN;
}

export function flannelScenarioArb(options: FlannelScenarioOptions = {}): fc.Arbitrary<FlannelScenario> {
  const segments = Math.max(1, options.segments ?? 2);
  const node = fc.record({
    segment: fc.integer({ min: 0, max: segments - 1 }),
    pods: fc.integer({ min: 1, max: 2 }),
  });
  const nodes = fc.array(node, { minLength: options.minNodes ?? 2, maxLength: options.maxNodes ?? 5 });
  return fc
    .record({ netConf: flannelNetConfArb(options.ipFamily), nodes })
    .map(({ netConf, nodes }) => ({
      netConf: fitNetConf(netConf, options.backend),
      nodes: canonicalSegments(nodes),
    }))
    .filter((s) => leaseCapacity(s.netConf) >= s.nodes.length);
}

/** Segments renumbered in order of first use: `[1,1]` and `[0,0]` are one topology, and shrink to `[0,0]`. */
function canonicalSegments(nodes: readonly FlannelTopologyNode[]): FlannelTopologyNode[] {
  const order = new Map<number, number>();
  return nodes.map((n) => {
    if (!order.has(n.segment)) order.set(n.segment, order.size);
    return { ...n, segment: order.get(n.segment) as number };
  });
}

/**
 * The config with the pinned backend. A Backend.MTU above the nodes' NIC MTU stays: the kernel caps the
 * VTEP at NIC − 50 while FLANNEL_MTU keeps MTU − 50, and the oracle predicts both.
 */
function fitNetConf(conf: FlannelNetConf, backend: FlannelBackendType | undefined): FlannelNetConf {
  if (backend === undefined || conf.Backend?.Type === backend) return conf;
  return { ...conf, Backend: { Type: backend } };
}

/** The scenario as a cluster: nodes with their segments, pods pinned to nodes, no policies or Services. */
export function flannelCluster(scenario: FlannelScenario): Cluster {
  const nodes: Node[] = scenario.nodes.map((n, i) => ({ name: nodeName(i), labels: {}, segment: n.segment }));
  const pods: Pod[] = scenario.nodes.flatMap((n, i) =>
    Array.from({ length: n.pods }, (_, j) => ({
      namespace: FLANNEL_NAMESPACE,
      name: podName(i, j),
      labels: { app: 'flannel-probe' },
      nodeName: nodeName(i),
      hostNetwork: false,
      ready: true,
      ips: [],
      containers: [
        {
          name: 'agent',
          ports: [
            { containerPort: PROBE_TCP_PORT, protocol: 'TCP' as const },
            { containerPort: PROBE_UDP_PORT, protocol: 'UDP' as const },
          ],
        },
      ],
    })),
  );
  return {
    nodes,
    namespaces: [{ name: FLANNEL_NAMESPACE, labels: { [NAMESPACE_NAME_LABEL]: FLANNEL_NAMESPACE } }],
    pods,
    services: [],
    policies: [],
  };
}

/** `vxlan VNI 42 Port 4789 DirectRouting, 3 nodes on segments 0,0,1`. */
export function describeFlannelScenario(scenario: FlannelScenario): string {
  const b = scenario.netConf.Backend;
  const backend = b
    ? [
        b.Type,
        b.VNI !== undefined ? `VNI ${b.VNI}` : undefined,
        b.Port !== undefined ? `Port ${b.Port}` : undefined,
        b.DirectRouting ? 'DirectRouting' : undefined,
        b.MTU !== undefined ? `MTU ${b.MTU}` : undefined,
      ]
        .filter(Boolean)
        .join(' ')
    : 'no Backend (udp)';
  const segs = scenario.nodes.map((n) => n.segment).join(',');
  const c = scenario.netConf;
  const ipv6 = c.EnableIPv6
    ? `, IPv6Network ${String(c.IPv6Network)}${c.IPv6SubnetLen !== undefined ? ` IPv6SubnetLen ${String(c.IPv6SubnetLen)}` : ''}`
    : '';
  return `${backend}, Network ${c.Network}${
    c.SubnetLen !== undefined ? ` SubnetLen ${c.SubnetLen}` : ''
  }${ipv6}, ${scenario.nodes.length} nodes on segments ${segs}`;
}

/** The scenario as YAML: flannel's ConfigMap with net-conf.json, then the nodes (with segments) and pods. */
export function flannelScenarioYaml(scenario: FlannelScenario, header: readonly string[] = []): string {
  const configMap = stringify(
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-flannel-cfg', namespace: 'kube-flannel' },
      // A cluster's own text, byte for byte: flannel decodes it, not podnet's re-serialization.
      data: {
        'net-conf.json': scenario.cluster?.netConfText ?? `${JSON.stringify(scenario.netConf, null, 2)}\n`,
      },
    },
    { lineWidth: 0 },
  );
  const topology = scenario.nodes.map(
    (n, i) => `#   ${nodeName(i)}: L2 segment ${n.segment}, ${n.pods} pod${n.pods > 1 ? 's' : ''}`,
  );
  return [
    ...header.map((h) => `# ${h}`),
    '# topology:',
    ...topology,
    configMap.trimEnd(),
    `---\n${clusterToManifests(flannelCluster(scenario), { includeNodes: true }).trimEnd()}`,
    '',
  ].join('\n');
}
