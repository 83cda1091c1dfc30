/**
 * `npm run bench -- lab`: realize 3 nodes × 12 pods in the embedded lab, time it and the teardown,
 * and measure probes per second: connected (pod → pod port) and blocked (the same probes after a
 * deny-all ingress policy, when the lab's policy agent is present; else to a closed port).
 * Last line: `lab up_ms=<n> down_ms=<n> connected_per_s=<n> blocked_per_s=<n>`.
 */
import { createLabTarget } from '../adapters/lab/labTarget.ts';
import type { Cluster, Pod } from '../spec/model.ts';
import type { ProbeRequest } from '../spec/target.ts';

/** Named bench options (defaults in one place). */
const NODES = 3;
const PODS_PER_NODE = 12;
const PROBES = 6000;
const CONCURRENCY = 200;
const PROBE_TIMEOUT_MS = 2000;

function benchCluster(): Cluster {
  const nodes = Array.from({ length: NODES }, (_, i) => ({ name: `node-${i + 1}`, labels: {}, segment: 0 }));
  const pods: Pod[] = [];
  for (let i = 0; i < NODES * PODS_PER_NODE; i++) {
    pods.push({
      namespace: 'bench',
      name: `pod-${i}`,
      labels: { app: `a${i % 4}` },
      nodeName: `node-${(i % NODES) + 1}`,
      hostNetwork: false,
      ready: true,
      ips: [],
      containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
    });
  }
  return {
    nodes,
    namespaces: [{ name: 'bench', labels: { 'kubernetes.io/metadata.name': 'bench' } }],
    pods,
    services: [],
    policies: [],
  };
}

export async function main(_args: readonly string[]): Promise<number> {
  const target = createLabTarget({});
  const cluster = benchCluster();
  let downMs = 0;
  try {
    const t0 = performance.now();
    const realized = await target.sync(cluster);
    const upMs = performance.now() - t0;
    const keys = cluster.pods.map((p) => `${p.namespace}/${p.name}`);
    const ipOf = (k: string): string => realized.podIPs[k]?.[0] ?? '';
    const make = (port: number): ProbeRequest[] =>
      Array.from({ length: PROBES }, (_, i) => {
        const from = keys[i % keys.length] as string;
        const to = keys[(i * 7 + 1) % keys.length] as string;
        return { id: String(i), from, host: ipOf(to), port, protocol: 'TCP', timeoutMs: PROBE_TIMEOUT_MS };
      });
    await target.probe(make(80).slice(0, 200), { concurrency: CONCURRENCY });
    const measure = async (port: number, expect: string): Promise<number> => {
      const probes = make(port);
      const s = performance.now();
      const results = await target.probe(probes, { concurrency: CONCURRENCY });
      const secs = (performance.now() - s) / 1000;
      const ok = results.filter((r) => r.outcome === expect).length;
      process.stdout.write(`  ${expect}: ${ok}/${probes.length} in ${secs.toFixed(2)} s\n`);
      return ok / secs;
    };
    const connected = await measure(80, 'connected');
    const policyAgent = (await target.capabilities()).policyEnforced === true;
    if (policyAgent) {
      await target.sync({
        ...cluster,
        policies: [{ namespace: 'bench', name: 'deny-all', podSelector: {}, policyTypes: ['Ingress'] }],
      });
    }
    process.stdout.write(`  blocked by: ${policyAgent ? 'deny-all ingress policy' : 'closed port'}\n`);
    const blocked = await measure(policyAgent ? 80 : 81, 'refused');
    const d0 = performance.now();
    await target.teardown();
    downMs = performance.now() - d0;
    process.stdout.write(
      `lab nodes=${NODES} pods=${NODES * PODS_PER_NODE} probes=${PROBES} concurrency=${CONCURRENCY}\n` +
        `lab up_ms=${Math.round(upMs)} down_ms=${Math.round(downMs)} connected_per_s=${Math.round(connected)} blocked_per_s=${Math.round(blocked)}\n`,
    );
    return 0;
  } finally {
    await target.teardown();
  }
}
