/**
 * `npm run bench -- oracle`: the full NetworkPolicy truth table of a large, deterministic scenario
 * (1,000 pods in 50 namespaces, 200 policies, 4 ports per pod: ≈ 4M cells), timed with both engines in
 * one run; checks they agree cell by cell. Options: `--seed N` (default 1), `--reference-sample N` (time the
 * reference on a fixed sample of N cells and extrapolate; default 0 = the full table, no extrapolation).
 */

import { performance } from 'node:perf_hooks';
import { compileFast, evaluateReference } from '../oracle/policy/index.ts';
import type {
  Cluster,
  Container,
  LabelSelector,
  Namespace,
  NetworkPolicy,
  NetworkPolicyPeer,
  NetworkPolicyRule,
  Pod,
  Protocol,
} from '../spec/model.ts';
import { keyOf, NAMESPACE_NAME_LABEL, PROTOCOLS } from '../spec/model.ts';
import { DEFAULT_PROFILE } from '../spec/profile.ts';
import { mulberry32 } from '../spec/random.ts';
import type { Verdict } from '../spec/verdict.ts';

export const BENCH_DEFAULTS = {
  seed: 1,
  namespaces: 50,
  podsPerNamespace: 20,
  policies: 200,
  referenceSample: 0,
} as const;

/** The 4 ports every pod serves. */
const PORTS: readonly { name: string; port: number; protocol: Protocol }[] = [
  { name: 'http', port: 80, protocol: 'TCP' },
  { name: 'https', port: 443, protocol: 'TCP' },
  { name: 'dns', port: 53, protocol: 'UDP' },
  { name: 'metrics', port: 9090, protocol: 'TCP' },
];
const APPS = ['web', 'api', 'db', 'cache', 'auth', 'search', 'queue', 'metrics'] as const;
const TIER: Readonly<Record<(typeof APPS)[number], string>> = {
  web: 'frontend',
  api: 'backend',
  db: 'data',
  cache: 'data',
  auth: 'backend',
  search: 'backend',
  queue: 'data',
  metrics: 'ops',
};
const ENVS = ['prod', 'staging', 'dev'] as const;
const TEAMS = ['red', 'blue', 'green', 'ops', 'data'] as const;

/** The benchmark cluster: realistic mixed selectors, ipBlocks (with except and host bits), named ports, endPort. */
/** The size of a bench cluster; `ports` is how many of the 4 ports each pod declares (1–4). */
export interface BenchShape {
  readonly namespaces: number;
  readonly podsPerNamespace: number;
  readonly policies: number;
  readonly ports?: number;
}

export function benchCluster(
  seed: number = BENCH_DEFAULTS.seed,
  shape: BenchShape = BENCH_DEFAULTS,
): Cluster {
  // One /24 per namespace: 10.244.<namespace>.<10 + pod>.
  if (shape.podsPerNamespace > 245 || shape.namespaces > 256)
    throw new Error('bench cluster: too many pods for its address plan');
  const rand = mulberry32(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)] as T;
  const nsName = (i: number) => `ns-${String(i).padStart(2, '0')}`;
  const namespaces: Namespace[] = Array.from({ length: shape.namespaces }, (_, i) => ({
    name: nsName(i),
    labels: { [NAMESPACE_NAME_LABEL]: nsName(i), env: ENVS[i % 3] ?? 'dev', team: pick(TEAMS) },
  }));
  const containers: Container[] = [
    {
      name: 'server',
      ports: PORTS.slice(0, shape.ports ?? PORTS.length).map((p) => ({
        name: p.name,
        containerPort: p.port,
        protocol: p.protocol,
      })),
    },
  ];
  const pods: Pod[] = namespaces.flatMap((ns, i) =>
    Array.from({ length: shape.podsPerNamespace }, (_, j) => {
      const app = APPS[j % APPS.length] ?? 'web';
      // One pod in a hundred runs on the host network (its node's IP): the default profile leaves it undefined.
      const hostNetwork = (i * shape.podsPerNamespace + j) % 100 === 99;
      return {
        namespace: ns.name,
        name: `${app}-${j}`,
        labels: {
          app,
          tier: TIER[app],
          version: rand() < 0.5 ? 'v1' : 'v2',
          ...(rand() < 0.1 ? { canary: 'true' } : {}),
        },
        nodeName: `node-${i % 10}`,
        hostNetwork,
        containers,
        ips: [hostNetwork ? `192.168.0.${10 + (i % 10)}` : `10.244.${i}.${10 + j}`],
        ready: true,
      };
    }),
  );
  const app = (a: string): LabelSelector => ({ matchLabels: { app: a } });
  const templates: ((ns: string, i: number) => Omit<NetworkPolicy, 'namespace' | 'name'>)[] = [
    () => ({ podSelector: {}, policyTypes: ['Ingress'], ingress: [] }),
    () => ({
      podSelector: app(pick(APPS)),
      policyTypes: ['Ingress'],
      ingress: [{ peers: [{ podSelector: app(pick(APPS)) }], ports: [{ protocol: 'TCP', port: 'http' }] }],
    }),
    () => ({
      podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'data'] }] },
      policyTypes: ['Ingress'],
      ingress: [
        {
          peers: [
            {
              namespaceSelector: { matchLabels: { env: pick(ENVS) } },
              podSelector: { matchLabels: { tier: 'frontend' } },
            },
            { podSelector: { matchExpressions: [{ key: 'canary', operator: 'DoesNotExist' }] } },
          ],
          ports: [
            { protocol: 'TCP', port: 80 },
            { protocol: 'TCP', port: 'https' },
          ],
        },
      ],
    }),
    (_ns, i) => {
      const k = Math.floor(rand() * shape.namespaces);
      const peers: NetworkPolicyPeer[] = [
        {
          ipBlock: { cidr: '10.244.0.0/16', except: [`10.244.${k}.0/24`, `10.244.${i}.${16 + (k % 4)}/30`] },
        },
        {
          namespaceSelector: {
            matchExpressions: [{ key: 'team', operator: 'NotIn', values: [pick(TEAMS)] }],
          },
        },
      ];
      return {
        podSelector: app(pick(APPS)),
        policyTypes: ['Egress'],
        egress: [
          {
            peers,
            ports: [
              { protocol: 'UDP', port: 53 },
              { protocol: 'TCP', port: 'http' },
            ],
          },
          { peers: [{ podSelector: { matchLabels: { tier: 'data' } } }] },
        ],
      };
    },
    () => ({
      podSelector: { matchLabels: { app: 'metrics' } },
      policyTypes: ['Ingress'],
      ingress: [
        {
          peers: [{ namespaceSelector: { matchLabels: { team: 'ops' } } }],
          ports: [{ protocol: 'TCP', port: 9000, endPort: 9100 }],
        },
      ],
    }),
    () => {
      // Host bits set on purpose (docs/research/netpol.md §7 rule 18): 10.244.k.7/22 means
      // 10.244.(k & ~3).0/22.
      const k = Math.floor(rand() * shape.namespaces);
      return {
        podSelector: app(pick(APPS)),
        policyTypes: ['Ingress'],
        ingress: [{ peers: [{ ipBlock: { cidr: `10.244.${k}.7/22` } }, { podSelector: {} }] }],
      };
    },
    () => ({
      podSelector: { matchLabels: { app: pick(APPS), version: 'v2' } },
      policyTypes: ['Egress'],
      egress: [],
    }),
    () => ({ podSelector: app('web'), policyTypes: ['Ingress'], ingress: [{}] }),
    () => {
      const rules: NetworkPolicyRule[] = [
        { peers: [{ namespaceSelector: {}, podSelector: app(pick(APPS)) }], ports: [{ protocol: 'TCP' }] },
        { ports: [{ protocol: 'UDP', port: 'dns' }] },
      ];
      return {
        podSelector: { matchLabels: { tier: pick(['frontend', 'backend', 'data']) } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: rules.slice(0, 1),
        egress: rules,
      };
    },
  ];
  const policies: NetworkPolicy[] = Array.from({ length: shape.policies }, (_, p) => {
    const i = p % shape.namespaces;
    const ns = nsName(i);
    const template = templates[Math.floor(rand() * templates.length)] ?? templates[0]!;
    return { namespace: ns, name: `policy-${p}`, ...template(ns, i) };
  });
  return { nodes: [], namespaces, pods, services: [], policies };
}

function option(args: readonly string[], name: string, fallback: number): number {
  const i = args.indexOf(`--${name}`);
  const raw = i >= 0 ? args[i + 1] : undefined;
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

const CODE: Readonly<Record<Verdict, number>> = { allow: 1, deny: 2, undefined: 3 };

export async function main(args: readonly string[]): Promise<number> {
  const seed = option(args, 'seed', BENCH_DEFAULTS.seed);
  const sample = option(args, 'reference-sample', BENCH_DEFAULTS.referenceSample);
  const cluster = benchCluster(seed);
  const pods = cluster.pods;
  const n = pods.length;
  const cells = n * n * PORTS.length;
  const protocolIndex = PORTS.map((p) => PROTOCOLS.indexOf(p.protocol));
  process.stdout.write(
    `oracle benchmark: ${n} pods in ${cluster.namespaces.length} namespaces, ${cluster.policies.length} policies, ` +
      `${PORTS.length} ports (${PORTS.map((p) => `${p.port}/${p.protocol}`).join(', ')}), seed ${seed}\n`,
  );

  // Fast engine: compile, then every ordered pod pair × every port.
  const fastCodes = new Uint8Array(cells);
  const fastStart = performance.now();
  const engine = compileFast(cluster, DEFAULT_PROFILE);
  const compiledAt = performance.now();
  let c = 0;
  for (let s = 0; s < n; s++)
    for (let d = 0; d < n; d++)
      for (let p = 0; p < PORTS.length; p++)
        fastCodes[c++] = CODE[engine.verdictByIndex(s, d, PORTS[p]!.port, protocolIndex[p]!)];
  const fastMs = performance.now() - fastStart;
  process.stdout.write(
    `fast engine: ${fastMs.toFixed(1)} ms for ${cells} cells (compile ${(compiledAt - fastStart).toFixed(1)} ms, ` +
      `table ${(fastMs - (compiledAt - fastStart)).toFixed(1)} ms)\n`,
  );

  // Reference: the full table unless a sample was asked for; the same cell order as above.
  const keys = pods.map(keyOf);
  // An odd stride walks every port (4 ports per pair), so a sample is not one port's cells only.
  const step = sample > 0 && sample < cells ? Math.floor(cells / sample) | 1 : 1;
  let compared = 0;
  let disagreements = 0;
  const counts = { allow: 0, deny: 0, undefined: 0 };
  const referenceStart = performance.now();
  for (let cell = 0; cell < cells; cell += step) {
    const p = cell % PORTS.length;
    const pair = (cell - p) / PORTS.length;
    const d = pair % n;
    const s = (pair - d) / n;
    const port = PORTS[p]!;
    const v = evaluateReference(
      cluster,
      { from: keys[s]!, to: keys[d]!, port: port.port, protocol: port.protocol },
      DEFAULT_PROFILE,
    ).verdict;
    counts[v]++;
    compared++;
    if (CODE[v] !== fastCodes[cell]) {
      disagreements++;
      if (disagreements <= 5)
        process.stdout.write(
          `DISAGREE ${keys[s]} -> ${keys[d]} ${port.port}/${port.protocol}: reference ${v}\n`,
        );
    }
  }
  const measuredMs = performance.now() - referenceStart;
  const referenceMs = step === 1 ? measuredMs : (measuredMs * cells) / compared;
  if (step === 1)
    process.stdout.write(
      `reference engine: ${measuredMs.toFixed(1)} ms for the full table of ${cells} cells (evaluateReference per cell, explanation included)\n`,
    );
  else
    process.stdout.write(
      `reference engine: ${measuredMs.toFixed(1)} ms for a fixed sample of ${compared} cells (every ${step}th); ` +
        `EXTRAPOLATED to ${cells} cells: ${referenceMs.toFixed(0)} ms\n`,
    );
  process.stdout.write(
    `verdicts (reference, cells compared): allow ${counts.allow}, deny ${counts.deny}, undefined ${counts.undefined}\n` +
      `agreement: ${compared - disagreements}/${compared} cells compared agree\n`,
  );
  const ratio = referenceMs / fastMs;
  process.stdout.write(
    `oracle cells=${cells} fast_ms=${Math.round(fastMs)} reference_ms=${Math.round(referenceMs)} ratio=${ratio.toFixed(1)}\n`,
  );
  return disagreements === 0 ? 0 : 1;
}
