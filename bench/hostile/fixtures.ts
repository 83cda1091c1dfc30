/**
 * Valid inputs the cases start from (manifests, net-conf, profile, kubeconfig, results.json with a
 * replayable scenario) and the hostile strings they plant. Written out here, not taken from the podnet
 * under test, so every podnet version is measured against the same bytes.
 */
import { stringify } from 'yaml';

/** Marker names that no renderer produces: finding one as markup proves an injection. */
export const MARKUP_PAYLOAD = [
  'pnx<pnxtag pnxattr=1>',
  '"><pnxtag pnxattr="1">',
  '" pnxattr="1',
  "' pnxattr='1",
  '</script><script>pnxscript()</script>',
  ']]><pnxtag/>',
  '[l](javascript:pnxscript())',
  '\n## pnxhead\n',
  '| pnxcell |',
  '\n::warning::pnxcmd',
  '\r::add-mask::pnxcmd',
  '%0A::set-output name=a::pnxcmd',
  '##[add-mask]pnxcmd',
  '\u001b[31mpnxansi\u001b[0m',
  '\u001b]8;;https://example.invalid/\u0007pnxlink\u001b]8;;\u0007',
  '\u009b31m',
].join(' ');

/** One object of a manifest stream. */
export type ManifestDoc = Record<string, unknown>;

/** Two pods, a Service and a policy in namespace x; every field the cases mutate is present. */
function baseManifest(): ManifestDoc[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x', labels: { team: 'x' } } },
    pod('a', 'web', '10.244.0.5'),
    pod('b', 'db', '10.244.0.6'),
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'x' },
      spec: {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        selector: { app: 'web' },
        ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
      },
    },
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-web', namespace: 'x' },
      spec: {
        podSelector: { matchLabels: { app: 'db' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [
              { podSelector: { matchLabels: { app: 'web' } } },
              {
                podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] },
              },
              { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } },
            ],
            ports: [
              { port: 80, protocol: 'TCP' },
              { port: 'http', protocol: 'TCP' },
            ],
          },
        ],
      },
    },
  ];
}

function pod(name: string, app: string, ip: string): ManifestDoc {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'x', labels: { app } },
    spec: {
      nodeName: 'node-1',
      containers: [
        {
          name: 'c',
          image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
          ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
        },
      ],
    },
    status: { podIP: ip, podIPs: [{ ip }] },
  };
}

/** A path into the manifest: the first part picks the document (`Pod`, `Pod#1` for the second pod…). */
export type ManifestPath = readonly [string, ...(string | number)[]];

/** Raw YAML text for a value that YAML cannot write through stringify (`1e309`, `.nan`, tags…). */
export class RawYaml {
  constructor(readonly text: string) {}
}

/** The base manifest with `value` at each path (`undefined` deletes), as a YAML stream. */
export function manifestWith(
  changes: readonly (readonly [ManifestPath, unknown])[],
  docs: ManifestDoc[] = baseManifest(),
): string {
  const raws: string[] = [];
  for (const [[docRef, ...path], value] of changes) {
    const [kind, nth] = docRef.split('#');
    const doc = docs.filter((d) => d.kind === kind)[Number(nth ?? 0)];
    if (!doc) throw new Error(`no ${docRef} in the base manifest`);
    let at: Record<string | number, unknown> = doc;
    for (const key of path.slice(0, -1)) {
      if (typeof at[key] !== 'object' || at[key] === null) at[key] = typeof key === 'number' ? [] : {};
      at = at[key] as Record<string | number, unknown>;
    }
    const last = path[path.length - 1] as string | number;
    if (value === undefined) delete at[last];
    else if (value instanceof RawYaml) {
      raws.push(value.text);
      at[last] = `PNXRAW${raws.length - 1}PNXRAW`;
    } else at[last] = value;
  }
  const text = docs.map((d) => stringify(d, { lineWidth: 0 })).join('---\n');
  return text.replace(/PNXRAW(\d+)PNXRAW/g, (_, i: string) => raws[Number(i)] as string);
}

/** The base manifest as YAML. */
export function validManifest(): string {
  return manifestWith([]);
}

/** A manifest under 1 KiB, for the input-cap cases. */
export const SMALL_MANIFEST = `apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: web}}
spec:
  containers: [{name: c, image: agnhost, ports: [{containerPort: 80}]}]
status: {podIP: 10.244.0.5}
`;

export const VALID_NET_CONF = '{"Network": "10.244.0.0/16", "Backend": {"Type": "vxlan"}}\n';

export const VALID_PROFILE = 'ipBlockMatchesPodIPs: false\nsupport:\n  sctp: false\n';

/** A kubeconfig whose server is a closed port on the sandbox's loopback. */
export function kubeconfig(
  options: { server?: string; token?: string; context?: string; extraUser?: string } = {},
): string {
  const server = options.server ?? 'https://127.0.0.1:1';
  return [
    'apiVersion: v1',
    'kind: Config',
    'clusters:',
    `- name: c`,
    '  cluster:',
    `    server: ${JSON.stringify(server)}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    '- name: u',
    '  user:',
    `    token: ${JSON.stringify(options.token ?? 'not-a-secret-token')}`,
    ...(options.extraUser ? [options.extraUser] : []),
    'contexts:',
    `- name: ${options.context ?? 'ctx'}`,
    '  context: {cluster: c, user: u}',
    `current-context: ${options.context ?? 'ctx'}`,
    '',
  ].join('\n');
}

/** A scenario the lab can replay: one namespace, two pods serving 80/TCP, no policy. */
export function replayScenario(): Record<string, unknown> {
  const pod = (name: string) => ({
    namespace: 'x',
    name,
    labels: { app: name },
    nodeName: 'node-1',
    hostNetwork: false,
    containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    ips: [],
    ready: true,
  });
  return {
    cluster: {
      nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
      namespaces: [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }],
      pods: [pod('a'), pod('b')],
      services: [],
      policies: [],
    },
    netConf: { Network: '10.244.0.0/16', Backend: { Type: 'vxlan' } },
    traffic: { viaServices: false },
    steps: [],
  };
}

/**
 * A schema-valid results document using every section: a policy finding with a scenario, truth table
 * and probe; a flannel finding; an LB finding; LB and flannel sections; checks.
 */
export function validResults(): Record<string, unknown> {
  const lb = {
    service: 'x/web',
    port: 80,
    mode: 'iptables',
    test: 'chi-square goodness of fit',
    counts: { 'web-0': 301, 'web-1': 152 },
    expectedShares: { 'web-0': 0.5, 'web-1': 0.5 },
    statistic: 49.3,
    pValue: 2.2e-12,
    alpha: 0.001,
  };
  const flannelRow = {
    node: 'node-1',
    object: 'mtu',
    key: 'flannel.1',
    expected: '1450',
    observed: '1500',
  };
  return {
    schemaVersion: 2,
    tool: { name: 'podnet', version: '0.1.0' },
    target: 'lab',
    seed: 7,
    startedAt: '2026-11-26T13:40:00.000Z',
    areas: ['policy', 'model', 'flannel', 'lb'],
    profile: {
      ipBlockMatchesPodIPs: true,
      loopback: 'undefined',
      hostNetwork: 'undefined',
      serviceTraffic: 'after-dnat',
      support: { sctp: false, endPort: true, namedPorts: true, ipv6: false },
    },
    options: { probeTimeoutMs: 2000, convergeTimeoutMs: 3000, labFaults: [], budget: '60s' },
    summary: {
      scenarios: 3,
      probes: 12,
      findings: 3,
      conforms: false,
      byArea: {
        policy: { scenarios: 1, findings: 1, status: 'fail' },
        model: { scenarios: 1, findings: 0, status: 'pass' },
        flannel: { scenarios: 1, findings: 1, status: 'fail' },
        lb: { scenarios: 1, findings: 1, status: 'fail' },
      },
      durationMs: 4000,
      interrupted: false,
    },
    findings: [
      {
        id: 'f-policy-1',
        area: 'policy',
        rule: 'NP-PEER-AND',
        ruleTitle: 'podSelector and namespaceSelector in one peer are ANDed',
        kind: 'leak',
        title: 'x/b reached x/a on 80/TCP although no policy allows it',
        seed: 7,
        path: '1:0',
        expected: 'deny',
        observed: 'connected',
        explanation: ['NetworkPolicy x/deny selects x/a.', 'No rule allows x/b.'],
        scenarioYaml: 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n',
        scenario: replayScenario(),
        probe: {
          from: 'x/b',
          to: 'x/a',
          host: '10.244.0.5',
          port: 80,
          protocol: 'TCP',
          command: 'podnet lab exec x/b -- probe 10.244.0.5:80',
        },
        truthTable: [
          { from: 'x/b', to: 'x/a', port: '80/TCP', expected: 'deny', observed: 'connected', differs: true },
          {
            from: 'x/a',
            to: 'x/b',
            port: '80/TCP',
            expected: 'allow',
            observed: 'connected',
            differs: false,
          },
        ],
        shrink: { steps: 3, pods: 2, policies: 0, changes: 0 },
        replayCommand: 'podnet replay results.json --finding f-policy-1',
        namespaces: ['x'],
      },
      {
        id: 'f-flannel-1',
        area: 'flannel',
        rule: 'FL-MTU',
        ruleTitle: 'flannel.1 MTU is the underlay MTU minus 50',
        kind: 'mismatch',
        title: 'flannel.1 on node-1 has MTU 1500, expected 1450',
        seed: 7,
        path: '0',
        expected: '1450',
        observed: '1500',
        scenarioYaml: '',
        flannel: [flannelRow],
        namespaces: ['kube-flannel'],
      },
      {
        id: 'f-lb-1',
        area: 'lb',
        rule: 'LB-UNIFORM',
        ruleTitle: 'iptables mode spreads new connections uniformly',
        kind: 'distribution',
        title: 'Service x/web sends 66% of new connections to web-0',
        seed: 7,
        path: '0',
        expected: 'uniform over 2 endpoints',
        observed: 'web-0 66%, web-1 34%',
        scenarioYaml: '',
        lb,
        namespaces: ['x'],
      },
    ],
    sections: {
      lb: [lb],
      flannel: [{ node: 'node-1', rows: [{ ...flannelRow, differs: true }] }],
    },
    checks: [
      {
        area: 'policy',
        rule: 'NP-PEER-AND',
        title: 'peers are ANDed',
        scenarios: 1,
        findings: 1,
        durationMs: 10,
      },
    ],
    coverage: {
      rules: [{ area: 'policy', rule: 'NP-PEER-AND', scenarios: 1, probes: 4, allow: 3, deny: 1 }],
      features: [{ area: 'policy', feature: 'peer podSelector+namespaceSelector', probes: 2, scenarios: 1 }],
      unsupported: [{ area: 'policy', feature: 'protocol SCTP', reason: 'target lab cannot send SCTP' }],
    },
  };
}

/** Sets `value` at `path` in a JSON value (`undefined` deletes); returns the same value. */
export function setIn(root: unknown, path: readonly (string | number)[], value: unknown): unknown {
  if (path.length === 0) return value;
  let at = root as Record<string | number, unknown>;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
  const last = path[path.length - 1] as string | number;
  if (value === undefined) delete at[last];
  else at[last] = value;
  return root;
}

/** JSON text of the valid results with `value` at `path`; `rawNumber` writes a literal such as 1e999. */
export function resultsWith(path: readonly (string | number)[], value: unknown): string {
  return JSON.stringify(setIn(validResults(), path, value), null, 2);
}

/** JSON text of the valid results with a literal (JSON cannot write 1e999 from a value) at `path`. */
export function resultsWithLiteral(path: readonly (string | number)[], literal: string): string {
  return resultsWith(path, 'PNXLITERAL').replace('"PNXLITERAL"', literal);
}

/** A small deterministic PRNG (mulberry32), for generated bytes. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `n` pseudo-random bytes from `seed`, with invalid UTF-8 sequences guaranteed. */
export function randomBytes(seed: number, n: number): Buffer {
  const next = prng(seed);
  const bytes = Buffer.alloc(n);
  for (let i = 0; i < n; i++) bytes[i] = Math.floor(next() * 256);
  bytes[0] = 0xff;
  bytes[1] = 0xfe;
  return bytes;
}

/** A YAML "billion laughs": 9 levels of 9 aliases each (9^9 ≈ 387 million nodes once expanded). */
export function aliasBomb(): string {
  const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
  for (let i = 1; i <= 9; i++) {
    const refs = Array.from({ length: 9 }, () => `*a${i - 1}`).join(',');
    lines.push(`a${i}: &a${i} [${refs}]`);
  }
  return `${lines.join('\n')}\n`;
}

/** `depth` nested JSON arrays. */
export function deepJson(depth: number): string {
  return `${'['.repeat(depth)}${']'.repeat(depth)}`;
}

/** `depth` nested YAML block mappings under a manifest-looking head. */
export function deepYamlBlock(depth: number): string {
  const lines = ['apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: deep}', 'data:'];
  for (let i = 0; i < depth; i++) lines.push(`${' '.repeat(2 + i)}k:`);
  lines.push(`${' '.repeat(2 + depth)}v`);
  return `${lines.join('\n')}\n`;
}

/** `depth` nested YAML flow sequences as a mapping value. */
export function deepYamlFlow(depth: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
}
