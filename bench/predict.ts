/**
 * `npm run bench -- predict`: `podnet predict` at cluster scale, end to end through the CLI (read and
 * validate the YAML, compute, write the output to a file), each case in its own process under GNU time
 * (`/usr/bin/time`: the child's user + system CPU and its peak resident set). Cases: 1,500 pods (1–3
 * ports) with 50 policies, 10,000 pods with 1,000 policies and 4 ports, and one policy with 200,000 rules.
 * Options: `--case NAME` (repeatable; default all), `--format F` (default: json, groups-json for 10,000 pods), `--podnet PATH` (another
 * checkout's bin/podnet.js, to compare), `--timeout S` (per case, default 300), `--input yaml|json` (the case
 * as multi-document YAML, default, or as one `kind: List` in JSON as `kubectl get -o json` writes it).
 * `read_ms` is the time the checkout's reader (dist/spec/manifests/load.js: read, parse, validate) takes on
 * the input, measured in a process of its own.
 */

import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { clusterToManifests } from '../spec/manifests/write.ts';
import { readYamlSubset } from '../spec/manifests/yamlSubset.ts';
import type { Cluster, NetworkPolicyRule } from '../spec/model.ts';
import { benchCluster } from './oracle.ts';

const ROOT = resolve(import.meta.dirname, '..');
const GNU_TIME = '/usr/bin/time';

interface Case {
  readonly name: string;
  readonly cluster: () => Cluster;
  /** The output form the case is timed with, unless `--format` says another. */
  readonly format: string;
}

/** One namespace, 20 pods, and one policy whose 200,000 ingress rules each allow one port from one app. */
function manyRulesCluster(): Cluster {
  const base = benchCluster(1, { namespaces: 1, podsPerNamespace: 20, policies: 0, ports: 2 });
  const ingress: NetworkPolicyRule[] = Array.from({ length: 200_000 }, (_, i) => ({
    peers: [{ podSelector: { matchLabels: { app: `app-${i % 997}` } } }],
    ports: [{ protocol: 'TCP', port: 1000 + (i % 50_000) }],
  }));
  return {
    ...base,
    policies: [{ namespace: 'ns-00', name: 'huge', podSelector: {}, policyTypes: ['Ingress'], ingress }],
  };
}

const CASES: readonly Case[] = [
  {
    name: 'pods1500',
    format: 'json',
    // 1,500 pods in 50 namespaces; ports cycle 1, 2, 3 per namespace.
    cluster: () => {
      const parts = [1, 2, 3].map((ports, k) =>
        benchCluster(1 + k, { namespaces: 50, podsPerNamespace: 10, policies: 17, ports }),
      );
      return mergeByNamespaceSuffix(parts);
    },
  },
  {
    name: 'pods10000',
    // Every cell as JSON would be 10^8 cells, tens of GB: the groups are the readable answer at this size.
    format: 'groups-json',
    cluster: () => benchCluster(1, { namespaces: 50, podsPerNamespace: 200, policies: 1000, ports: 4 }),
  },
  { name: 'rules200000', format: 'json', cluster: manyRulesCluster },
];

/** Clusters made with the same shape, renamed apart (`-a`, `-b`, …) and put side by side. */
function mergeByNamespaceSuffix(parts: readonly Cluster[]): Cluster {
  const suffix = (k: number) => `-${String.fromCharCode(97 + k)}`;
  const renamed = parts.map((c, k) => {
    const ns = (name: string) => `${name}${suffix(k)}`;
    const shift = (ip: string) => ip.replace(/^10\.244\./, `10.${244 + k}.`);
    return {
      namespaces: c.namespaces.map((n) => ({
        ...n,
        name: ns(n.name),
        labels: { ...n.labels, 'kubernetes.io/metadata.name': ns(n.name) },
      })),
      pods: c.pods.map((p) => ({ ...p, namespace: ns(p.namespace), ips: p.ips.map(shift) })),
      policies: c.policies.map((p) => ({ ...p, namespace: ns(p.namespace) })),
    };
  });
  return {
    nodes: [],
    services: [],
    namespaces: renamed.flatMap((c) => c.namespaces),
    pods: renamed.flatMap((c) => c.pods),
    policies: renamed.flatMap((c) => c.policies),
  };
}

/** The YAML of one case, for profiling by hand (`npx tsx -e` …). */
export function caseManifests(name: string): string {
  const c = CASES.find((x) => x.name === name);
  if (!c) throw new Error(`no case ${name}: ${CASES.map((x) => x.name).join(', ')}`);
  return clusterToManifests(c.cluster(), { includeObserved: true });
}

/** The case as `kubectl get … -o json` writes it: one List, indented by 4. */
function caseJson(name: string): string {
  const docs = readYamlSubset(caseManifests(name));
  if (docs === 'unsupported') throw new Error(`case ${name}: its YAML is outside the fast reader's subset`);
  const items = docs.map((d) => d.value).filter((v) => v !== null);
  return JSON.stringify(
    { apiVersion: 'v1', kind: 'List', items, metadata: { resourceVersion: '' } },
    null,
    4,
  );
}

/** Milliseconds the checkout's manifest reader takes on `input`, in a fresh process; undefined if it failed. */
function readMs(podnet: string, input: string, timeoutMs: number): number | undefined {
  const load = pathToFileURL(join(dirname(podnet), '..', 'dist', 'spec', 'manifests', 'load.js')).href;
  const inputFile = pathToFileURL(join(dirname(podnet), '..', 'dist', 'spec', 'inputFile.js')).href;
  const script =
    'const { loadManifestsFromPaths } = await import(process.argv[1]); const { setMaxInputBytes } = await import(process.argv[2]); ' +
    'setMaxInputBytes(1 << 30); const t = performance.now(); ' +
    'await loadManifestsFromPaths([process.argv[3]]); process.stdout.write(String(Math.round(performance.now() - t)));';
  const run = spawnSync(process.execPath, ['--input-type=module', '-e', script, load, inputFile, input], {
    encoding: 'utf8',
    timeout: timeoutMs,
    maxBuffer: 1 << 20,
  });
  const ms = Number(run.stdout);
  return run.status === 0 && run.stdout !== '' && Number.isFinite(ms) ? ms : undefined;
}

function option(args: readonly string[], name: string): string[] {
  return args.flatMap((a, i) => (a === `--${name}` && args[i + 1] !== undefined ? [args[i + 1]!] : []));
}

export async function main(args: readonly string[]): Promise<number> {
  if (!existsSync(GNU_TIME)) {
    process.stderr.write('bench predict needs GNU time at /usr/bin/time (apt-get install time)\n');
    return 2;
  }
  const wanted = option(args, 'case');
  const formatOption = option(args, 'format')[0];
  const podnet = resolve(option(args, 'podnet')[0] ?? join(ROOT, 'bin/podnet.js'));
  const timeoutMs = Number(option(args, 'timeout')[0] ?? 300) * 1000;
  const inputForm = option(args, 'input')[0] ?? 'yaml';
  if (inputForm !== 'yaml' && inputForm !== 'json') {
    process.stderr.write(`--input must be yaml or json, got ${inputForm}\n`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'podnet-bench-predict-'));
  try {
    for (const c of CASES.filter((x) => wanted.length === 0 || wanted.includes(x.name))) {
      const format = formatOption ?? c.format;
      const cluster = c.cluster();
      const input = join(dir, `${c.name}.${inputForm}`);
      writeFileSync(input, inputForm === 'json' ? caseJson(c.name) : caseManifests(c.name));
      const ports = cluster.pods.reduce(
        (n, p) => n + p.containers.reduce((m, k) => m + k.ports.length, 0),
        0,
      );
      const cells = cluster.pods.length * ports;
      const output = join(dir, `${c.name}.out`);
      const fd = openSync(output, 'w');
      const run = spawnSync(
        GNU_TIME,
        // kubectl's JSON of the 200,000-rule case is over the default 64 MiB cap on an input file.
        [
          '-f',
          '%U %S %M',
          'node',
          podnet,
          '--max-input-size',
          '1GiB',
          'predict',
          '-f',
          input,
          '--format',
          format,
        ],
        {
          stdio: ['ignore', fd, 'pipe'],
          encoding: 'utf8',
          timeout: timeoutMs,
          maxBuffer: 64 << 20,
        },
      );
      closeSync(fd);
      const last = run.stderr.trim().split('\n').at(-1) ?? '';
      const [user, sys, kib] = last.split(' ').map(Number);
      const ok = run.status === 0 && kib !== undefined && !Number.isNaN(kib);
      const inputMb = (statSync(input).size / 1e6).toFixed(1);
      const outputMb = (statSync(output).size / 1e6).toFixed(1);
      const read = ok ? readMs(podnet, input, timeoutMs) : undefined;
      const figures = ok
        ? `cpu_ms=${Math.round(((user ?? 0) + (sys ?? 0)) * 1000)} rss_mb=${Math.round((kib ?? 0) / 1024)} read_ms=${read ?? 'failed'}`
        : `failed=${run.signal ?? `exit${run.status}`} error=${JSON.stringify(run.stderr.split('\n').find((l) => l.startsWith('podnet:')) ?? run.error?.message ?? '')}`;
      process.stdout.write(
        `predict case=${c.name} pods=${cluster.pods.length} policies=${cluster.policies.length} cells=${cells} format=${format} input=${inputForm} input_mb=${inputMb} output_mb=${outputMb} ${figures}\n`,
      );
      rmSync(output, { force: true });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return 0;
}
