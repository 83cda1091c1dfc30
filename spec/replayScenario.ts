/**
 * The scenario of a finding, checked before `podnet replay` hands it to the lab (which runs as root and
 * turns names, labels, addresses and ports into namespaces, files, iptables and ipset arguments).
 *
 * Two passes. First the structure: the types of spec/scenario.ts (the compile-time check at the end keeps
 * the schema and the types together), unknown fields refused (a field this podnet does not know would be
 * silently dropped, and the replay would not be the scenario the file describes), and bounds on how many
 * objects a scenario may hold, far above what the generators draw. Then the values, by the same rules as
 * manifests: each object is written in its API shape and run through the decoders of spec/manifests
 * (names per kind, labels, selectors, ports and port names, protocols, policyTypes, peers, ipBlocks, pod
 * IPs), with their errors moved to the JSON path of the scenario field. What no manifest carries is checked
 * here with the same functions: symbolic ipBlock references, object keys, node names, the net-conf.
 * Every problem is a `PodnetInputError` (exit 2) whose field is the JSON path, e.g.
 * `findings[0].scenario.cluster.pods[2].name`.
 */
import { PodnetInputError } from './errors.ts';
import { FLANNEL_BACKEND_TYPES } from './flannelExpectation.ts';
import { cidrHolds, parseCidr, parseIPv4, parseIPv6 } from './manifests/cidr.ts';
import { decodeLabels } from './manifests/decodeMetadata.ts';
import { decodeNamespace } from './manifests/decodeNamespace.ts';
import { decodeNetworkPolicy } from './manifests/decodeNetworkPolicy.ts';
import { decodeNode } from './manifests/decodeNode.ts';
import { decodePod } from './manifests/decodePod.ts';
import { Decoder } from './manifests/decoder.ts';
import { decodeService } from './manifests/decodeService.ts';
import type { FieldPath, ManifestObject } from './manifests/manifestObject.ts';
import { dns1123LabelProblems, dns1123SubdomainProblems } from './manifests/names.ts';
import { PLACEHOLDER_CONTAINER_NAME } from './manifests/write.ts';
import { type IPBlock, keyOf, NAMESPACE_NAME_LABEL, type Pod, PROTOCOLS, type Service } from './model.ts';
import { quoteValue, visibleText } from './quote.ts';
import type {
  CidrRef,
  Scenario,
  ScenarioIPBlock,
  ScenarioPolicy,
  SymbolicIPBlock,
  TrafficSpec,
} from './scenario.ts';
import {
  anyOf,
  array,
  boolean,
  choose,
  type Expect,
  type Infer,
  integer,
  type JsonPath,
  jsonPathText,
  literal,
  object,
  oneOf,
  optional,
  record,
  type Same,
  type Schema,
  SchemaMismatch,
  string,
  tagged,
} from './schema.ts';

/** The most objects a replayed scenario may hold (the `large` generator preset draws at most 4 nodes, 16 pods). */
export const REPLAY_LIMITS = {
  nodes: 16,
  /** Per list that is not counted otherwise: namespaces, Services, rules, peers, ports, expressions… */
  items: 64,
  pods: 256,
  policies: 256,
  steps: 256,
  containers: 16,
} as const;

const REFUSE = { unknownKeys: 'refuse' } as const;
const items = { maxItems: REPLAY_LIMITS.items } as const;

/** Any 32-bit integer: the range of each field is its manifest rule's business (ports: 1..65535). */
const int = integer(-(2 ** 31), 2 ** 31 - 1);
const labels = record(string());
const protocol = oneOf(PROTOCOLS);

const selector = object(
  {
    matchLabels: optional(labels),
    matchExpressions: optional(
      array(
        object(
          {
            key: string(),
            operator: oneOf(['In', 'NotIn', 'Exists', 'DoesNotExist']),
            values: optional(array(string(), items)),
          },
          REFUSE,
        ),
        items,
      ),
    ),
  },
  REFUSE,
);

/** A CIDR reference's prefix length is counted as for IPv4 (0..32) in either family (spec/scenario.ts CidrRef). */
const family = optional(
  choose<4 | 6>('4 or 6', ['number'], (value) => (value === 6 ? literal(6) : literal(4))),
);
const cidrRef = tagged(
  'ref',
  {
    literal: { cidr: string() },
    pod: { pod: string(), prefixLength: integer(0, 32), family },
    nodeSubnet: { node: string(), family },
    nodeIP: { node: string(), prefixLength: integer(0, 32), family },
    clusterNetwork: { family },
    outside: { family },
  },
  { ...REFUSE, expected: 'a CIDR reference' },
);

const concreteIPBlock = object({ cidr: string(), except: optional(array(string(), items)) }, REFUSE);
const symbolicIPBlock = object({ cidr: cidrRef, except: optional(array(cidrRef, items)) }, REFUSE);
const ipBlock = choose<Infer<typeof concreteIPBlock> | Infer<typeof symbolicIPBlock>>(
  'an ipBlock',
  ['object'],
  (value) => (typeof (value as { cidr?: unknown }).cidr === 'string' ? concreteIPBlock : symbolicIPBlock),
);

const rule = object(
  {
    peers: optional(
      array(
        object(
          {
            podSelector: optional(selector),
            namespaceSelector: optional(selector),
            ipBlock: optional(ipBlock),
          },
          REFUSE,
        ),
        items,
      ),
    ),
    ports: optional(
      array(
        object({ protocol, port: optional(anyOf(int, string())), endPort: optional(int) }, REFUSE),
        items,
      ),
    ),
  },
  REFUSE,
);

const policy = object(
  {
    namespace: string(),
    name: string(),
    podSelector: selector,
    // After defaulting, never empty (spec/model.ts).
    policyTypes: array(oneOf(['Ingress', 'Egress']), { minItems: 1, maxItems: 2 }),
    policyTypesDefaulted: optional(boolean),
    ingress: optional(array(rule, items)),
    egress: optional(array(rule, items)),
  },
  REFUSE,
);

const pod = object(
  {
    namespace: string(),
    name: string(),
    labels,
    nodeName: optional(string()),
    hostNetwork: boolean,
    containers: array(
      object(
        {
          name: string(),
          ports: array(object({ name: optional(string()), containerPort: int, protocol }, REFUSE), items),
        },
        REFUSE,
      ),
      { maxItems: REPLAY_LIMITS.containers },
    ),
    // status.podIPs holds at most one address per family.
    ips: array(string(), { maxItems: 2 }),
    ready: boolean,
  },
  REFUSE,
);

const service = object(
  {
    namespace: string(),
    name: string(),
    selector: optional(labels),
    ports: array(
      object({ name: optional(string()), protocol, port: int, targetPort: anyOf(int, string()) }, REFUSE),
      items,
    ),
    sessionAffinity: oneOf(['None', 'ClientIP']),
    affinityTimeoutSeconds: int,
    clusterIP: optional(string()),
    ipFamilyPolicy: optional(oneOf(['SingleStack', 'PreferDualStack', 'RequireDualStack'])),
    ipFamilies: optional(array(oneOf(['IPv4', 'IPv6']), { maxItems: 2 })),
  },
  REFUSE,
);

const cluster = object(
  {
    // The lab's underlay segments are 192.168.(100+s).0/24; 16 of them is more than any topology uses.
    nodes: array(
      object(
        {
          name: string(),
          labels,
          podCIDR: optional(string()),
          internalIP: optional(string()),
          segment: integer(0, 15),
        },
        REFUSE,
      ),
      { maxItems: REPLAY_LIMITS.nodes },
    ),
    namespaces: array(object({ name: string(), labels }, REFUSE), items),
    pods: array(pod, { maxItems: REPLAY_LIMITS.pods }),
    services: array(service, items),
    policies: array(policy, { maxItems: REPLAY_LIMITS.policies }),
  },
  REFUSE,
);

/**
 * net-conf.json as the lab's flannel agent reads it (adapters/lab/netConf.ts reads nothing else).
 * VNI: VXLAN's 24-bit network identifier (RFC 7348 §5). Port and MTU: 0 means flannel's default.
 */
const netConf = object(
  {
    Network: string(),
    SubnetLen: optional(integer(0, 32)),
    SubnetMin: optional(string()),
    SubnetMax: optional(string()),
    EnableIPv4: optional(boolean),
    EnableIPv6: optional(boolean),
    Backend: optional(
      object(
        {
          Type: oneOf(FLANNEL_BACKEND_TYPES),
          VNI: optional(integer(0, 2 ** 24 - 1)),
          Port: optional(integer(0, 65535)),
          DirectRouting: optional(boolean),
          MTU: optional(integer(0, 65535)),
        },
        REFUSE,
      ),
    ),
  },
  REFUSE,
);

const step = tagged(
  'kind',
  {
    createPolicy: { policy },
    updatePolicy: { policy },
    deletePolicy: { namespace: string(), name: string() },
    relabelPod: { pod: string(), labels },
    relabelNamespace: { namespace: string(), labels },
    addPod: { pod },
    deletePod: { pod: string() },
  },
  { ...REFUSE, expected: 'a step' },
);

/**
 * `mode` and `maxProbes` are in results files written before they left `TrafficSpec`; no runner ever acted
 * on them (it plans its own probes), so they are checked and dropped and such files still replay.
 */
const trafficWithLegacyFields = object(
  {
    mode: optional(oneOf(['matrix', 'sample'])),
    maxProbes: optional(integer(1, 1_000_000)),
    viaServices: boolean,
  },
  REFUSE,
);
const traffic: Schema<TrafficSpec> = {
  ...trafficWithLegacyFields,
  read: (value, path) => ({ viaServices: trafficWithLegacyFields.read(value, path).viaServices }),
};

const SCENARIO_SCHEMA = object(
  {
    cluster,
    netConf,
    traffic,
    steps: array(step, { maxItems: REPLAY_LIMITS.steps }),
  },
  REFUSE,
);

type ScenarioRead = Infer<typeof SCENARIO_SCHEMA>;

/**
 * The scenario at `at` in the results file `file`, checked: the value read, or a `PodnetInputError` (exit 2)
 * for the first problem, whose field is its JSON path (the hint counts the others).
 */
export function checkReplayScenario(value: unknown, at: JsonPath, file: string): Scenario {
  let scenario: ScenarioRead;
  try {
    scenario = SCENARIO_SCHEMA.read(value, at);
  } catch (error) {
    if (error instanceof SchemaMismatch) {
      throw new PodnetInputError('PODNET_BAD_SCENARIO', error.problem, {
        file,
        field: jsonPathText(error.path),
      });
    }
    throw error;
  }
  const errors: PodnetInputError[] = [];
  new ScenarioRules(file, errors).check(scenario, at);
  const [first] = errors;
  if (first === undefined) return scenario;
  const more = errors.length - 1;
  throw new PodnetInputError(
    first.code,
    first.problem,
    first.location,
    [first.hint, more > 0 ? `${more} more problem${more === 1 ? '' : 's'} in this scenario` : undefined]
      .filter((h) => h !== undefined)
      .join('; ') || undefined,
  );
}

type Kind = 'Namespace' | 'Node' | 'Pod' | 'Service' | 'NetworkPolicy';

const API_VERSION: Readonly<Record<Kind, string>> = {
  Namespace: 'v1',
  Node: 'v1',
  Pod: 'v1',
  Service: 'v1',
  NetworkPolicy: 'networking.k8s.io/v1',
};

/** A decoder of spec/manifests whose errors name the scenario field the manifest field came from. */
class ScenarioDecoder extends Decoder {
  constructor(
    source: ManifestObject,
    errors: PodnetInputError[],
    private readonly place: (path: FieldPath) => JsonPath,
  ) {
    super(source, errors);
  }

  override fail(path: FieldPath, code: string, problem: string, hint?: string): void {
    this.errors.push(
      new PodnetInputError(
        code,
        visibleProblem(problem),
        { file: this.source.file, field: jsonPathText(this.place(path)) },
        hint,
      ),
    );
  }
}

/**
 * Where a field of the API shape sits in the scenario's shape: `metadata.name` → `name`,
 * `spec.ingress[0].from[1]` → `ingress[0].peers[1]`, `status.podIPs[0].ip` → `ips[0]`, …
 */
function scenarioPathOf(kind: Kind, path: FieldPath): FieldPath {
  const [head, second, ...rest] = path;
  if (second === undefined) return [];
  if (head === 'metadata') return [second, ...rest];
  if (head === 'status')
    return second === 'podIPs' && typeof rest[0] === 'number' ? ['ips', rest[0]] : ['ips'];
  if (head !== 'spec') return path;
  if (kind === 'Service' && second === 'sessionAffinityConfig') return ['affinityTimeoutSeconds'];
  if (kind === 'NetworkPolicy' && (second === 'ingress' || second === 'egress')) {
    const [index, peers, ...after] = rest;
    if (peers === 'from' || peers === 'to') return [second, index as number, 'peers', ...after];
  }
  return [second, ...rest];
}

/** A symbolic ipBlock stands in the API shape as this CIDR; its references are checked on their own. */
const SYMBOLIC_STAND_IN = '0.0.0.0/0';

class ScenarioRules {
  constructor(
    private readonly file: string,
    private readonly errors: PodnetInputError[],
  ) {}

  check(scenario: ScenarioRead, at: JsonPath): void {
    const c = scenario.cluster;
    const here = [...at, 'cluster'];
    const declared = new Set(c.namespaces.map((n) => n.name));
    c.nodes.forEach((n, i) => {
      const path = [...here, 'nodes', i];
      this.decode('Node', path, (d) => decodeNode(d), {
        metadata: { name: n.name, labels: n.labels },
        spec: n.podCIDR === undefined ? {} : { podCIDR: n.podCIDR },
      });
      if (n.internalIP !== undefined) this.address(n.internalIP, [...path, 'internalIP']);
    });
    c.namespaces.forEach((ns, i) => {
      const path = [...here, 'namespaces', i];
      this.decode('Namespace', path, (d) => decodeNamespace(d), {
        metadata: { name: ns.name, labels: ns.labels },
      });
      const own = ns.labels[NAMESPACE_NAME_LABEL];
      if (own !== undefined && own !== ns.name) {
        this.fail(
          [...path, 'labels', NAMESPACE_NAME_LABEL],
          `must be the namespace's name ${quoteValue(ns.name)}, got ${quoteValue(own)}`,
          'the API server sets this label to the name of the namespace',
        );
      }
    });
    c.pods.forEach((p, i) => {
      this.pod(p, [...here, 'pods', i]);
      this.declared(declared, p.namespace, [...here, 'pods', i, 'namespace']);
    });
    c.services.forEach((s, i) => {
      this.service(s, [...here, 'services', i]);
      this.declared(declared, s.namespace, [...here, 'services', i, 'namespace']);
    });
    c.policies.forEach((p, i) => {
      this.policy(p, [...here, 'policies', i]);
      this.declared(declared, p.namespace, [...here, 'policies', i, 'namespace']);
    });
    this.unique(c.nodes, (n) => n.name, [...here, 'nodes'], 'node');
    this.unique(c.namespaces, (n) => n.name, [...here, 'namespaces'], 'namespace');
    this.unique(c.pods, keyOf, [...here, 'pods'], 'pod');
    this.unique(c.services, keyOf, [...here, 'services'], 'Service');
    this.unique(c.policies, keyOf, [...here, 'policies'], 'NetworkPolicy');
    this.netConf(scenario.netConf, [...at, 'netConf']);
    scenario.steps.forEach((s, i) => {
      this.step(s, [...at, 'steps', i], declared);
    });
  }

  private step(s: ScenarioRead['steps'][number], path: JsonPath, declared: ReadonlySet<string>): void {
    switch (s.kind) {
      case 'createPolicy':
      case 'updatePolicy':
        this.policy(s.policy, [...path, 'policy']);
        this.declared(declared, s.policy.namespace, [...path, 'policy', 'namespace']);
        return;
      case 'addPod':
        this.pod(s.pod, [...path, 'pod']);
        this.declared(declared, s.pod.namespace, [...path, 'pod', 'namespace']);
        return;
      case 'deletePolicy':
        // Only the identity of a policy: its metadata rules.
        this.decode('NetworkPolicy', path, (d) => decodeNetworkPolicy(d), {
          metadata: { name: s.name, namespace: s.namespace },
          spec: {},
        });
        return;
      case 'relabelPod':
        this.podKey(s.pod, [...path, 'pod']);
        this.decode('Pod', path, (d) => decodeLabels(d, ['metadata', 'labels']), {
          metadata: { labels: s.labels },
        });
        return;
      case 'relabelNamespace':
        this.decode(
          'Namespace',
          path,
          (d) => decodeNamespace(d),
          { metadata: { name: s.namespace, labels: s.labels } },
          (p) => (p[0] === 'metadata' && p[1] === 'name' ? ['namespace'] : scenarioPathOf('Namespace', p)),
        );
        return;
      case 'deletePod':
        this.podKey(s.pod, [...path, 'pod']);
        return;
    }
  }

  private pod(p: Pod, path: JsonPath): void {
    // A pod without containers is written with a placeholder container (spec/manifests/write.ts).
    const containers =
      p.containers.length > 0 ? p.containers : [{ name: PLACEHOLDER_CONTAINER_NAME, ports: [] }];
    this.decode('Pod', path, (d) => decodePod(d), {
      metadata: { name: p.name, namespace: p.namespace, labels: p.labels },
      spec: {
        ...(p.nodeName === undefined ? {} : { nodeName: p.nodeName }),
        hostNetwork: p.hostNetwork,
        containers: containers.map((c) => ({
          name: c.name,
          ports: c.ports.map((port) => ({
            ...(port.name === undefined ? {} : { name: port.name }),
            containerPort: port.containerPort,
            protocol: port.protocol,
          })),
        })),
      },
      ...(p.ips.length > 0 ? { status: { podIPs: p.ips.map((ip) => ({ ip })) } } : {}),
    });
    // The API validates spec.nodeName as a node name (ValidateNodeName in pkg/apis/core/validation).
    if (p.nodeName !== undefined) this.nodeName(p.nodeName, [...path, 'nodeName']);
  }

  private service(s: Service, path: JsonPath): void {
    this.decode('Service', path, (d) => decodeService(d), {
      metadata: { name: s.name, namespace: s.namespace },
      spec: {
        ...(s.clusterIP === undefined ? {} : { clusterIP: s.clusterIP }),
        ...(s.selector === undefined ? {} : { selector: s.selector }),
        ports: s.ports.map((p) => ({
          ...(p.name === undefined ? {} : { name: p.name }),
          protocol: p.protocol,
          port: p.port,
          targetPort: p.targetPort,
        })),
        sessionAffinity: s.sessionAffinity,
        sessionAffinityConfig: { clientIP: { timeoutSeconds: s.affinityTimeoutSeconds } },
        ...(s.ipFamilyPolicy === undefined ? {} : { ipFamilyPolicy: s.ipFamilyPolicy }),
        ...(s.ipFamilies === undefined ? {} : { ipFamilies: s.ipFamilies }),
      },
    });
    // The lab uses a recorded ClusterIP as is: it must be an address.
    if (s.clusterIP !== undefined) this.address(s.clusterIP, [...path, 'clusterIP']);
  }

  private policy(p: ScenarioPolicy, path: JsonPath): void {
    const rules = (list: ScenarioPolicy['ingress'], direction: 'ingress' | 'egress', peersKey: string) =>
      list?.map((r, i) => ({
        ...(r.peers === undefined
          ? {}
          : {
              [peersKey]: r.peers.map((peer, j) => ({
                ...(peer.podSelector === undefined ? {} : { podSelector: peer.podSelector }),
                ...(peer.namespaceSelector === undefined
                  ? {}
                  : { namespaceSelector: peer.namespaceSelector }),
                ...(peer.ipBlock === undefined
                  ? {}
                  : { ipBlock: this.ipBlock(peer.ipBlock, [...path, direction, i, 'peers', j, 'ipBlock']) }),
              })),
            }),
        ...(r.ports === undefined ? {} : { ports: r.ports }),
      }));
    this.decode('NetworkPolicy', path, (d) => decodeNetworkPolicy(d), {
      metadata: { name: p.name, namespace: p.namespace },
      spec: {
        podSelector: p.podSelector,
        policyTypes: p.policyTypes,
        ...(p.ingress === undefined ? {} : { ingress: rules(p.ingress, 'ingress', 'from') }),
        ...(p.egress === undefined ? {} : { egress: rules(p.egress, 'egress', 'to') }),
      },
    });
  }

  /** The API shape of an ipBlock; a symbolic one is checked here and stands in as a plain CIDR. */
  private ipBlock(block: ScenarioIPBlock, path: JsonPath): IPBlock {
    if (typeof block.cidr === 'string') return block as IPBlock;
    const symbolic = block as SymbolicIPBlock;
    this.cidrRef(symbolic.cidr, [...path, 'cidr']);
    symbolic.except?.forEach((ref, i) => {
      this.cidrRef(ref, [...path, 'except', i]);
    });
    return { cidr: SYMBOLIC_STAND_IN };
  }

  private cidrRef(ref: CidrRef, path: JsonPath): void {
    switch (ref.ref) {
      case 'literal':
        if (parseCidr(ref.cidr) === undefined) {
          this.fail(
            [...path, 'cidr'],
            `${quoteValue(ref.cidr)} is not a valid CIDR`,
            'write an address and a prefix length, e.g. 10.9.8.0/24',
            'PODNET_INVALID_CIDR',
          );
        }
        return;
      case 'pod':
        this.podKey(ref.pod, [...path, 'pod']);
        return;
      case 'nodeSubnet':
      case 'nodeIP':
        this.nodeName(ref.node, [...path, 'node']);
        return;
      case 'clusterNetwork':
      case 'outside':
        return;
    }
  }

  /** `namespace/name` of a pod: the namespace and pod name rules of decodeMetadata. */
  private podKey(key: string, path: JsonPath): void {
    const slash = key.indexOf('/');
    if (slash < 0) {
      this.fail(path, `must be namespace/name, got ${quoteValue(key)}`, 'e.g. "x/a"');
      return;
    }
    const namespace = key.slice(0, slash);
    const name = key.slice(slash + 1);
    for (const p of dns1123LabelProblems(namespace)) {
      this.fail(path, `invalid namespace ${quoteValue(namespace)}: ${p}`, undefined, 'PODNET_INVALID_NAME');
    }
    for (const p of dns1123SubdomainProblems(name)) {
      this.fail(path, `invalid name ${quoteValue(name)}: ${p}`, undefined, 'PODNET_INVALID_NAME');
    }
  }

  /** A node name: the rule decodeNode applies to metadata.name. */
  private nodeName(name: string, path: JsonPath): void {
    for (const p of dns1123SubdomainProblems(name)) {
      this.fail(path, `invalid node name ${quoteValue(name)}: ${p}`, undefined, 'PODNET_INVALID_NAME');
    }
  }

  private address(ip: string, path: JsonPath): void {
    if (parseIPv4(ip) === undefined && parseIPv6(ip) === undefined) {
      this.fail(path, `${quoteValue(ip)} is not an IP address`, undefined, 'PODNET_INVALID_IP');
    }
  }

  /**
   * The net-conf rules flannel applies to the fields the lab reads (pkg/subnet/config.go
   * CheckNetworkConfig: a set Network; SubnetLen at most 30 and room for four subnets; SubnetMin and
   * SubnetMax inside Network). The lab is IPv4 only, as flannel's `Network` is.
   */
  private netConf(conf: ScenarioRead['netConf'], path: JsonPath): void {
    const network = parseCidr(conf.Network);
    if (network === undefined || network.family !== 4) {
      this.fail(
        [...path, 'Network'],
        `${quoteValue(conf.Network)} is not an IPv4 CIDR`,
        'e.g. 10.244.0.0/16',
      );
      return;
    }
    if (network.prefixLength === 0 && network.network === 0n) {
      this.fail([...path, 'Network'], 'must be set to a network, not 0.0.0.0/0');
    }
    if (conf.SubnetLen !== undefined) {
      if (conf.SubnetLen > 30) this.fail([...path, 'SubnetLen'], 'must be less than /31');
      else if (conf.SubnetLen < network.prefixLength + 2) {
        this.fail(
          [...path, 'SubnetLen'],
          `leaves room for fewer than four subnets in ${quoteValue(conf.Network)}`,
          `use at least /${network.prefixLength + 2}`,
        );
      }
    } else if (network.prefixLength > 28) {
      this.fail([...path, 'Network'], 'is too small: the smallest useful network is a /28');
    }
    for (const key of ['SubnetMin', 'SubnetMax'] as const) {
      const text = conf[key];
      if (text === undefined) continue;
      const address = parseIPv4(text);
      if (address === undefined) this.fail([...path, key], `${quoteValue(text)} is not an IPv4 address`);
      else if (!cidrHolds(network, address, 4)) {
        this.fail([...path, key], `${quoteValue(text)} is not in the range of the Network ${conf.Network}`);
      }
    }
  }

  private declared(namespaces: ReadonlySet<string>, namespace: string, path: JsonPath): void {
    if (!namespaces.has(namespace)) {
      this.fail(
        path,
        `namespace ${quoteValue(namespace)} is not in cluster.namespaces`,
        'a scenario declares every namespace it uses',
      );
    }
  }

  private unique<T>(list: readonly T[], key: (item: T) => string, path: JsonPath, what: string): void {
    const seen = new Set<string>();
    list.forEach((item, i) => {
      const k = key(item);
      if (seen.has(k))
        this.fail([...path, i], `duplicate ${what} ${quoteValue(k)}`, undefined, 'PODNET_DUPLICATE_OBJECT');
      seen.add(k);
    });
  }

  /** Runs a spec/manifests decoder over `value` (an object in its API shape) that stands for the field at `path`. */
  private decode(
    kind: Kind,
    path: JsonPath,
    decode: (d: Decoder) => unknown,
    value: Record<string, unknown>,
    place: (p: FieldPath) => FieldPath = (p) => scenarioPathOf(kind, p),
  ): void {
    const source: ManifestObject = {
      apiVersion: API_VERSION[kind],
      kind,
      value: { apiVersion: API_VERSION[kind], kind, ...value },
      file: this.file,
      lineOf: () => undefined,
    };
    decode(new ScenarioDecoder(source, this.errors, (p) => [...path, ...place(p)]));
  }

  private fail(path: JsonPath, problem: string, hint?: string, code = 'PODNET_BAD_SCENARIO'): void {
    this.errors.push(
      new PodnetInputError(code, problem, { file: this.file, field: jsonPathText(path) }, hint),
    );
  }
}

/** A decoder's message made safe to print: long quoted values cut (`"aaaa…" (300 characters)`), controls visible. */
function visibleProblem(problem: string): string {
  return visibleText(problem.replace(/"([^"]{61,})"/g, (_, inner: string) => quoteValue(inner)));
}

// Compile-time: what the schema reads is a Scenario, field for field (the net-conf is the part of
// FlannelNetConf the lab reads: assignable to it, not equal, as FlannelNetConf allows any other key).
/** @compileTimeCheck */
export type ScenarioSchemaMatchesType = Expect<
  Same<Omit<ScenarioRead, 'netConf'>, Omit<Scenario, 'netConf'>>
>;
/** @compileTimeCheck */
export type NetConfIsAFlannelNetConf = Expect<
  ScenarioRead['netConf'] extends Scenario['netConf'] ? true : false
>;
