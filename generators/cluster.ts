/**
 * Whole clusters: 1–4 nodes, 1–4 namespaces (x, y, z, w) with 1–4 pods each (a, b, c, d), pods with
 * labels, a node and container ports from a shared set, Services and NetworkPolicies.
 */
import type fc from 'fast-check';
import type { ScenarioCluster } from '../spec/scenario.ts';
import { buildClusterParts, rawClusterPartsArb } from './_internals/clusterParts.ts';
import type { GeneratorOptions } from './_internals/options.ts';
import { boundsOf } from './_internals/options.ts';

/** A random cluster whose ipBlocks are symbolic (resolve them with `spec/resolve.ts`). */
export function clusterArb(options: GeneratorOptions = {}): fc.Arbitrary<ScenarioCluster> {
  return rawClusterPartsArb(boundsOf(options)).map(buildClusterParts);
}
