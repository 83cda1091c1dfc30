/**
 * From raw values to model objects: indices become names modulo what exists, and the API's
 * defaulting is applied (policyTypes, namespace name label). Pure and total, so it can sit in a
 * `map` and every shrink of the raw value still builds a valid object.
 */

import type { IPFamily } from '../../spec/ipNum.ts';
import type {
  Container,
  ContainerPort,
  Labels,
  Namespace,
  Node,
  Pod,
  PolicyType,
  Service,
  ServicePort,
} from '../../spec/model.ts';
import { DEFAULT_AFFINITY_TIMEOUT_SECONDS, keyOf, NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import type {
  CidrRef,
  ScenarioCluster,
  ScenarioIPBlock,
  ScenarioPolicy,
  SymbolicIPBlock,
} from '../../spec/scenario.ts';
import type {
  RawCidr,
  RawCluster,
  RawContainerPort,
  RawIPBlock,
  RawNamespaceLabels,
  RawPeer,
  RawPod,
  RawPodLabels,
  RawPolicy,
  RawRules,
  RawService,
} from './raw.ts';
import { NAMESPACE_NAMES, NODE_NAMES, nameAt, POD_NAMES } from './vocabulary.ts';

/** What a raw value may refer to. */
export interface BuildContext {
  readonly namespaces: readonly string[];
  readonly nodes: readonly string[];
  /** Every pod with its node, in a stable order. */
  readonly pods: readonly { readonly key: string; readonly namespace: string; readonly node?: string }[];
}

export function contextOf(cluster: {
  readonly nodes: readonly Node[];
  readonly namespaces: readonly Namespace[];
  readonly pods: readonly Pod[];
}): BuildContext {
  return {
    namespaces: cluster.namespaces.map((n) => n.name),
    nodes: cluster.nodes.map((n) => n.name),
    pods: cluster.pods.map((p) => ({
      key: keyOf(p),
      namespace: p.namespace,
      ...(p.nodeName === undefined ? {} : { node: p.nodeName }),
    })),
  };
}

function at<T>(items: readonly T[], index: number): T | undefined {
  return items.length === 0 ? undefined : items[index % items.length];
}

export function podLabels(name: string, raw: RawPodLabels): Labels {
  const labels: Record<string, string> = {};
  if (raw.pod) labels.pod = name;
  if (raw.app !== undefined) labels.app = raw.app;
  if (raw.tier !== undefined) labels.tier = raw.tier;
  return labels;
}

/** Namespace labels after the API's defaulting: `kubernetes.io/metadata.name` always present. */
export function namespaceLabels(name: string, raw: RawNamespaceLabels): Labels {
  const labels: Record<string, string> = { [NAMESPACE_NAME_LABEL]: name };
  if (raw.ns) labels.ns = name;
  if (raw.env !== undefined) labels.env = raw.env;
  return labels;
}

function containerName(p: RawContainerPort): string {
  return `serve-${p.port}-${p.protocol.toLowerCase()}`;
}

/** One container per (port, protocol), as the upstream fixture does; port names unique per pod. */
function buildContainers(ports: readonly RawContainerPort[]): Container[] {
  const names = new Set<string>();
  return ports.map((p) => {
    const port: { -readonly [K in keyof ContainerPort]: ContainerPort[K] } = {
      containerPort: p.port,
      protocol: p.protocol,
    };
    if (p.name !== undefined && !names.has(p.name)) {
      names.add(p.name);
      port.name = p.name;
    }
    return { name: containerName(p), ports: [port] };
  });
}

export function buildPod(namespace: string, name: string, raw: RawPod, nodes: readonly string[]): Pod {
  const nodeName = at(nodes, raw.node);
  return {
    namespace,
    name,
    labels: podLabels(name, raw.labels),
    ...(nodeName === undefined ? {} : { nodeName }),
    hostNetwork: false,
    containers: buildContainers(raw.ports),
    ips: [],
    ready: raw.ready,
  };
}

/** Nodes, namespaces and pods of a raw cluster (no services or policies yet). */
export function buildTopology(raw: RawCluster): Pick<ScenarioCluster, 'nodes' | 'namespaces' | 'pods'> {
  const nodes: Node[] = [];
  for (let i = 0; i < raw.nodeCount; i++) {
    const name = nameAt(NODE_NAMES, i, 'node-');
    nodes.push({ name, labels: { 'kubernetes.io/hostname': name }, segment: 0 });
  }
  const nodeNames = nodes.map((n) => n.name);
  const namespaces: Namespace[] = [];
  const pods: Pod[] = [];
  raw.namespaces.forEach((ns, i) => {
    const nsName = nameAt(NAMESPACE_NAMES, i, 'ns');
    namespaces.push({ name: nsName, labels: namespaceLabels(nsName, ns.labels) });
    ns.pods.forEach((p, j) => {
      pods.push(buildPod(nsName, nameAt(POD_NAMES, j, 'p'), p, nodeNames));
    });
  });
  return { nodes, namespaces, pods };
}

function cidrRef(raw: RawCidr, ctx: BuildContext, family: IPFamily | undefined): CidrRef {
  const f = family === undefined ? {} : { family };
  switch (raw.kind) {
    case 'pod': {
      const pod = at(ctx.pods, raw.pod);
      return pod === undefined
        ? { ref: 'outside', ...f }
        : { ref: 'pod', pod: pod.key, prefixLength: raw.prefix, ...f };
    }
    case 'nodeSubnet': {
      const node = at(ctx.nodes, raw.node);
      return node === undefined ? { ref: 'clusterNetwork', ...f } : { ref: 'nodeSubnet', node, ...f };
    }
    case 'nodeIP': {
      const node = at(ctx.nodes, raw.node);
      return node === undefined ? { ref: 'outside', ...f } : { ref: 'nodeIP', node, prefixLength: 32, ...f };
    }
    case 'clusterNetwork':
      return { ref: 'clusterNetwork', ...f };
    case 'outside':
      return { ref: 'outside', ...f };
    case 'everything':
      return { ref: 'literal', cidr: family === 6 ? '::/0' : '0.0.0.0/0' };
  }
}

/** The CIDR references that lie inside `cidr` under any sane addressing (pods of a node inside its subnet...). */
function exceptCandidates(cidr: CidrRef, ctx: BuildContext, family: IPFamily | undefined): CidrRef[] {
  const f = family === undefined ? {} : { family };
  const podRef = (key: string): CidrRef => ({ ref: 'pod', pod: key, prefixLength: 32, ...f });
  const nodeSubnet = (node: string): CidrRef => ({ ref: 'nodeSubnet', node, ...f });
  switch (cidr.ref) {
    case 'pod': {
      if (cidr.prefixLength >= 32) return [];
      const self = ctx.pods.find((p) => p.key === cidr.pod);
      const near =
        cidr.prefixLength >= 24
          ? ctx.pods.filter((p) => self !== undefined && p.node === self.node)
          : ctx.pods;
      return near.map((p) => podRef(p.key));
    }
    case 'nodeSubnet':
      return ctx.pods.filter((p) => p.node === cidr.node).map((p) => podRef(p.key));
    case 'clusterNetwork':
      return [...ctx.nodes.map(nodeSubnet), ...ctx.pods.map((p) => podRef(p.key))];
    case 'literal':
      return [
        { ref: 'clusterNetwork', ...f },
        ...ctx.nodes.map(nodeSubnet),
        ...ctx.pods.map((p) => podRef(p.key)),
      ];
    default:
      return [];
  }
}

function buildIPBlock(raw: RawIPBlock, ctx: BuildContext): ScenarioIPBlock {
  const cidr = cidrRef(raw.cidr, ctx, raw.family);
  const except =
    raw.except === undefined ? undefined : at(exceptCandidates(cidr, ctx, raw.family), raw.except);
  const block: SymbolicIPBlock = except === undefined ? { cidr } : { cidr, except: [except] };
  return block;
}

function buildPeer(raw: RawPeer, ctx: BuildContext) {
  switch (raw.kind) {
    case 'pods':
      return { podSelector: raw.podSelector };
    case 'namespaces':
      return { namespaceSelector: raw.namespaceSelector };
    case 'both':
      return { podSelector: raw.podSelector, namespaceSelector: raw.namespaceSelector };
    case 'ipBlock':
      return { ipBlock: buildIPBlock(raw.ipBlock, ctx) };
  }
}

function buildRules(raw: RawRules, ctx: BuildContext): ScenarioPolicy['ingress'] {
  if (raw === 'missing') return undefined;
  return raw.map((r) => ({
    ...(r.peers === undefined ? {} : { peers: r.peers.map((p) => buildPeer(p, ctx)) }),
    ...(r.ports === undefined ? {} : { ports: r.ports }),
  }));
}

/** The API's defaulting of policyTypes: Ingress always, Egress iff `egress` is non-empty. */
function defaultPolicyTypes(egress: readonly unknown[] | undefined): PolicyType[] {
  return egress !== undefined && egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

export function buildPolicy(raw: RawPolicy, name: string, ctx: BuildContext): ScenarioPolicy {
  const namespace = at(ctx.namespaces, raw.namespace) ?? NAMESPACE_NAMES[0];
  const ingress = buildRules(raw.ingress, ctx);
  const egress = buildRules(raw.egress, ctx);
  return {
    namespace,
    name,
    podSelector: raw.podSelector,
    ...(raw.policyTypes === undefined
      ? { policyTypes: defaultPolicyTypes(egress), policyTypesDefaulted: true }
      : { policyTypes: raw.policyTypes }),
    ...(ingress === undefined ? {} : { ingress }),
    ...(egress === undefined ? {} : { egress }),
  };
}

export function buildService(raw: RawService, name: string, ctx: BuildContext): Service {
  const namespace = at(ctx.namespaces, raw.namespace) ?? NAMESPACE_NAMES[0];
  let selector: Labels;
  if (raw.selector.kind === 'pod') {
    const inNs = ctx.pods.filter((p) => p.namespace === namespace);
    const pod = at(inNs, raw.selector.pod);
    selector = { pod: pod === undefined ? nameAt(POD_NAMES, 0, 'p') : pod.key.split('/')[1]! };
  } else {
    selector = { [raw.selector.key]: raw.selector.value };
  }
  const many = raw.ports.length > 1;
  const ports: ServicePort[] = raw.ports.map((p) => ({
    ...(many ? { name: `p-${p.port}-${p.protocol.toLowerCase()}` } : {}),
    protocol: p.protocol,
    port: p.port,
    targetPort: p.targetPort,
  }));
  return {
    namespace,
    name,
    selector,
    ports,
    sessionAffinity: raw.sessionAffinity,
    // The API keeps a timeout only with ClientIP; None carries the default, as the reader defaults it.
    affinityTimeoutSeconds:
      raw.sessionAffinity === 'ClientIP' ? raw.timeout : DEFAULT_AFFINITY_TIMEOUT_SECONDS,
    ...raw.families,
  };
}

/** Policies named `p1`, `p2`, … (unique across the cluster, so steps can name them). */
export function buildPolicies(raws: readonly RawPolicy[], ctx: BuildContext, prefix = 'p'): ScenarioPolicy[] {
  return raws.map((r, i) => buildPolicy(r, `${prefix}${i + 1}`, ctx));
}

/** Services named `s1`, `s2`, …. */
export function buildServices(raws: readonly RawService[], ctx: BuildContext): Service[] {
  return raws.map((r, i) => buildService(r, `s${i + 1}`, ctx));
}
