// The streamed `predict --format json` is the contract byte for byte: JSON.stringify({ profile, results }, null, 2).
import { describe, expect, test } from 'vitest';
import type { Cluster } from '../../spec/model.ts';
import { DEFAULT_PROFILE } from '../../spec/profile.ts';
import { ALL, policy, xyzCluster } from '../../test/upstream/xyzModel.ts';
import { declaredPorts } from './declaredPorts.ts';
import { writePredictionJson } from './predictionJson.ts';
import { predictMatrix } from './truthTable.ts';

function streamed(cluster: Cluster, chunk?: number): Uint8Array[] {
  const chunks: Uint8Array[] = [];
  writePredictionJson(cluster, DEFAULT_PROFILE, (c) => chunks.push(c.slice()), chunk);
  return chunks;
}

const text = (chunks: readonly Uint8Array[]) => Buffer.concat(chunks).toString('utf8');

const contract = (cluster: Cluster) =>
  `${JSON.stringify({ profile: DEFAULT_PROFILE, results: predictMatrix(cluster) }, null, 2)}\n`;

describe('writePredictionJson', () => {
  test('the x/y/z model under a deny-all: the same bytes as the whole document built at once', () => {
    const cluster = xyzCluster([policy('deny', ALL, { ingress: [] })]);
    expect(text(streamed(cluster))).toBe(contract(cluster));
  });

  test('in small chunks: each chunk bounded, the text unchanged, valid JSON with every cell', () => {
    const cluster = xyzCluster([]);
    const chunks = streamed(cluster, 500);
    expect(chunks.length).toBeGreaterThan(10);
    // A chunk is flushed before a cell would take it past the bound.
    for (const c of chunks) expect(c.length).toBeLessThanOrEqual(500);
    const document = text(chunks);
    expect(document).toBe(contract(cluster));
    const doc = JSON.parse(document) as { results: unknown[] };
    const ports = cluster.pods.reduce((n, pod) => n + declaredPorts(pod).length, 0);
    expect(doc.results).toHaveLength(cluster.pods.length * ports);
  });

  test('no pods: an empty results list, as JSON.stringify writes it', () => {
    const empty: Cluster = { nodes: [], namespaces: [], pods: [], services: [], policies: [] };
    expect(text(streamed(empty))).toBe(contract(empty));
  });
});
