/**
 * Writes a cluster as multi-document Kubernetes YAML that `kubectl apply -f` accepts: Namespaces
 * (with labels), then optionally Nodes, then Services, Pods and NetworkPolicies (with `from`/`to`).
 *
 * policyTypes is written explicitly, except for a policy read with `policyTypesDefaulted` whose types
 * still equal the API's defaulting: it is omitted again, so applying the file exercises that rule.
 *
 * Output is YAML 1.1-safe (yaml's `version: '1.1'`): label values such as `yes`, `on` or `0123` are
 * quoted, because kubectl reads YAML 1.1 and would turn them into booleans or numbers.
 *
 * Symbolic ipBlocks (scenario CidrRef) need addresses only the target knows. Pass `resolveCidr` to
 * write concrete CIDRs. Without it, each symbolic CIDR is written as `<unresolved: …>` with a comment
 * above the policy: kubectl and podnet's reader both reject that text, so a policy with a guessed
 * address can never be applied by mistake, and a reader of the file still sees what was meant.
 */
import { stringify } from 'yaml';
import type {
  Cluster,
  LabelSelector,
  Labels,
  NetworkPolicyOf,
  NetworkPolicyPort,
  NetworkPolicyRuleOf,
  Node,
  Pod,
  Service,
} from '../model.ts';
import { NAMESPACE_NAME_LABEL } from '../model.ts';
import { type CidrRef, isSymbolicIPBlock, type ScenarioCluster, type ScenarioIPBlock } from '../scenario.ts';
import { defaultPolicyTypes } from './defaults.ts';

export interface WriteManifestOptions {
  /** Container image written into every container. Default {@link DEFAULT_PLACEHOLDER_IMAGE}. */
  readonly image?: string;
  /** Turns a symbolic CIDR into a concrete one. Without it, symbolic CIDRs are written as `<unresolved: …>`. */
  readonly resolveCidr?: (ref: CidrRef) => string;
  /** Also write Node objects. Default false: applying Nodes to a real cluster is almost never wanted. */
  readonly includeNodes?: boolean;
  /**
   * Also write what a cluster assigns (pod status IPs and Ready condition, Service clusterIP, node
   * podCIDR and InternalIP), as `kubectl get -o yaml` shows them. Default false.
   */
  readonly includeObserved?: boolean;
  /**
   * Where a scenario namespace really lives (a cluster run puts `x` in `podnet-<run>-x`): object namespaces
   * and the `kubernetes.io/metadata.name` values of namespaceSelectors are mapped with it, since the API
   * server sets that label to the real name. Default: names as written.
   */
  readonly realNamespace?: (scenarioName: string) => string;
  /** Always write policyTypes, even where the API would default them the same. Default false. */
  readonly explicitPolicyTypes?: boolean;
}

/** A harmless image that starts everywhere; real probe images are the kube adapter's business. */
export const DEFAULT_PLACEHOLDER_IMAGE = 'registry.k8s.io/pause:3.10';

/** Name of the container written for a pod that has none (the API requires at least one). */
export const PLACEHOLDER_CONTAINER_NAME = 'main';

type Yaml = Record<string, unknown>;

/** Multi-document YAML for `kubectl apply -f -`. */
export function clusterToManifests(
  cluster: ScenarioCluster | Cluster,
  options: WriteManifestOptions = {},
): string {
  const docs: string[] = [];
  const emit = (value: Yaml, comment?: string): void => {
    const body = stringify(value, { version: '1.1', lineWidth: 0 });
    docs.push(comment ? `${comment}\n${body}` : body);
  };
  for (const ns of cluster.namespaces) {
    emit({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns.name, undefined, ns.labels) });
  }
  if (options.includeNodes) for (const node of cluster.nodes) emit(nodeManifest(node, options));
  for (const svc of cluster.services) emit(serviceManifest(svc, options));
  for (const pod of cluster.pods) emit(podManifest(pod, options));
  for (const policy of cluster.policies) {
    const unresolved: string[] = [];
    const value = policyManifest(policy, options, unresolved);
    const comment =
      unresolved.length > 0
        ? [
            '# podnet: this policy has symbolic ipBlocks that were not resolved to addresses:',
            ...unresolved.map((u) => `#   ${u}`),
            '# Resolve them (clusterToManifests resolveCidr) before applying.',
          ].join('\n')
        : undefined;
    emit(value, comment);
  }
  return docs.join('---\n');
}

/** A CidrRef in words: `pod y/b widened to /32`, `IPv6 pod subnet of node node-1`. */
function describeCidrRef(ref: CidrRef): string {
  if (ref.ref === 'literal') return ref.cidr;
  const family = ref.family === undefined ? '' : `IPv${ref.family} `;
  switch (ref.ref) {
    case 'pod':
      return `${family === '' ? '' : `${family}address of `}pod ${ref.pod} widened to /${ref.prefixLength}`;
    case 'nodeSubnet':
      return `${family}pod subnet of node ${ref.node}`;
    case 'nodeIP':
      return `${family}IP of node ${ref.node} widened to /${ref.prefixLength}`;
    case 'clusterNetwork':
      return `${family}cluster network`;
    case 'outside':
      return `${family === '' ? 'a' : `an ${family}`}range outside the cluster`;
  }
}

function meta(name: string, namespace: string | undefined, labels: Labels): Yaml {
  return {
    name,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(Object.keys(labels).length > 0 ? { labels: { ...labels } } : {}),
  };
}

function nodeManifest(node: Node, options: WriteManifestOptions): Yaml {
  const observed = options.includeObserved === true;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: meta(node.name, undefined, node.labels),
    ...(observed && node.podCIDR ? { spec: { podCIDR: node.podCIDR, podCIDRs: [node.podCIDR] } } : {}),
    ...(observed && node.internalIP
      ? { status: { addresses: [{ type: 'InternalIP', address: node.internalIP }] } }
      : {}),
  };
}

function podManifest(pod: Pod, options: WriteManifestOptions): Yaml {
  const image = options.image ?? DEFAULT_PLACEHOLDER_IMAGE;
  const containers =
    pod.containers.length > 0 ? pod.containers : [{ name: PLACEHOLDER_CONTAINER_NAME, ports: [] }];
  const observed = options.includeObserved === true;
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: meta(pod.name, pod.namespace, pod.labels),
    spec: {
      ...(pod.nodeName !== undefined ? { nodeName: pod.nodeName } : {}),
      ...(pod.hostNetwork ? { hostNetwork: true } : {}),
      containers: containers.map((c) => ({
        name: c.name,
        image,
        ...(c.ports.length > 0
          ? {
              ports: c.ports.map((p) => ({
                ...(p.name !== undefined ? { name: p.name } : {}),
                containerPort: p.containerPort,
                protocol: p.protocol,
              })),
            }
          : {}),
      })),
    },
    ...(observed
      ? {
          status: {
            ...(pod.ips.length > 0 ? { podIP: pod.ips[0], podIPs: pod.ips.map((ip) => ({ ip })) } : {}),
            conditions: [{ type: 'Ready', status: pod.ready ? 'True' : 'False' }],
          },
        }
      : {}),
  };
}

/** One Service as the API's JSON. */
export function serviceManifest(svc: Service, options: WriteManifestOptions = {}): Yaml {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: meta(svc.name, namespaceOf(svc.namespace, options), {}),
    spec: {
      ...(options.includeObserved && svc.clusterIP !== undefined ? { clusterIP: svc.clusterIP } : {}),
      ...(svc.selector !== undefined ? { selector: { ...svc.selector } } : {}),
      ports: svc.ports.map((p) => ({
        ...(p.name !== undefined ? { name: p.name } : {}),
        protocol: p.protocol,
        port: p.port,
        targetPort: p.targetPort,
      })),
      sessionAffinity: svc.sessionAffinity,
      ...(svc.ipFamilyPolicy !== undefined ? { ipFamilyPolicy: svc.ipFamilyPolicy } : {}),
      ...(svc.ipFamilies !== undefined ? { ipFamilies: [...svc.ipFamilies] } : {}),
      // The API accepts sessionAffinityConfig only with ClientIP affinity.
      ...(svc.sessionAffinity === 'ClientIP'
        ? { sessionAffinityConfig: { clientIP: { timeoutSeconds: svc.affinityTimeoutSeconds } } }
        : {}),
    },
  };
}

/** One NetworkPolicy as the API's JSON; symbolic CIDRs left unresolved are added to `unresolved`. */
export function policyManifest(
  policy: NetworkPolicyOf<ScenarioIPBlock>,
  options: WriteManifestOptions = {},
  unresolved: string[] = [],
): Yaml {
  const rules = (list: readonly NetworkPolicyRuleOf<ScenarioIPBlock>[], peersKey: 'from' | 'to'): Yaml[] =>
    list.map((rule) => ({
      ...(rule.peers !== undefined
        ? {
            [peersKey]: rule.peers.map((peer) => ({
              ...(peer.podSelector !== undefined ? { podSelector: selector(peer.podSelector) } : {}),
              ...(peer.namespaceSelector !== undefined
                ? { namespaceSelector: namespaceSelector(peer.namespaceSelector, options) }
                : {}),
              ...(peer.ipBlock !== undefined ? { ipBlock: ipBlock(peer.ipBlock, options, unresolved) } : {}),
            })),
          }
        : {}),
      ...(rule.ports !== undefined ? { ports: rule.ports.map(port) } : {}),
    }));
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(policy.name, namespaceOf(policy.namespace, options), {}),
    spec: {
      podSelector: selector(policy.podSelector),
      // Omitted again when it was defaulted and still equals the defaulting, so the API server's rule is exercised.
      ...(!options.explicitPolicyTypes &&
      policy.policyTypesDefaulted &&
      sameTypes(policy.policyTypes, defaultPolicyTypes(undefined, policy.egress))
        ? {}
        : { policyTypes: [...policy.policyTypes] }),
      ...(policy.ingress !== undefined ? { ingress: rules(policy.ingress, 'from') } : {}),
      ...(policy.egress !== undefined ? { egress: rules(policy.egress, 'to') } : {}),
    },
  };
}

function sameTypes(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((t, i) => t === b[i]);
}

function namespaceOf(name: string, options: WriteManifestOptions): string {
  return options.realNamespace ? options.realNamespace(name) : name;
}

/** A namespaceSelector with every `kubernetes.io/metadata.name` value mapped to the real namespace name. */
function namespaceSelector(s: LabelSelector, options: WriteManifestOptions): Yaml {
  const real = options.realNamespace;
  if (!real) return selector(s);
  const matchLabels = s.matchLabels;
  return selector({
    ...(matchLabels !== undefined
      ? {
          matchLabels: Object.fromEntries(
            Object.entries(matchLabels).map(([k, v]) => [k, k === NAMESPACE_NAME_LABEL ? real(v) : v]),
          ),
        }
      : {}),
    ...(s.matchExpressions !== undefined
      ? {
          matchExpressions: s.matchExpressions.map((e) =>
            e.key === NAMESPACE_NAME_LABEL && e.values !== undefined
              ? { ...e, values: e.values.map(real) }
              : e,
          ),
        }
      : {}),
  });
}

function selector(s: LabelSelector): Yaml {
  return {
    ...(s.matchLabels !== undefined ? { matchLabels: { ...s.matchLabels } } : {}),
    ...(s.matchExpressions !== undefined
      ? {
          matchExpressions: s.matchExpressions.map((e) => ({
            key: e.key,
            operator: e.operator,
            ...(e.values !== undefined ? { values: [...e.values] } : {}),
          })),
        }
      : {}),
  };
}

function port(p: NetworkPolicyPort): Yaml {
  return {
    protocol: p.protocol,
    ...(p.port !== undefined ? { port: p.port } : {}),
    ...(p.endPort !== undefined ? { endPort: p.endPort } : {}),
  };
}

function ipBlock(block: ScenarioIPBlock, options: WriteManifestOptions, unresolved: string[]): Yaml {
  const cidrText = (ref: CidrRef): string => {
    if (ref.ref === 'literal') return ref.cidr;
    if (options.resolveCidr) return options.resolveCidr(ref);
    const text = `<unresolved: ${describeCidrRef(ref)}>`;
    unresolved.push(text);
    return text;
  };
  if (!isSymbolicIPBlock(block)) {
    return { cidr: block.cidr, ...(block.except !== undefined ? { except: [...block.except] } : {}) };
  }
  return {
    cidr: cidrText(block.cidr),
    ...(block.except !== undefined ? { except: block.except.map(cidrText) } : {}),
  };
}
