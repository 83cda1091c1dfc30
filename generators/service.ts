/**
 * Services over a given cluster: a selector that often matches (`pod=<name>` or an app/tier label),
 * 1–2 ports with a numeric or named targetPort, sessionAffinity None or ClientIP with a timeout.
 * Readiness of the backends is drawn with the pods (about 15% not ready).
 */
import type fc from 'fast-check';
import type { Service } from '../spec/model.ts';
import type { ScenarioCluster } from '../spec/scenario.ts';
import { buildService, contextOf } from './_internals/build.ts';
import type { GeneratorOptions } from './_internals/options.ts';
import { boundsOf } from './_internals/options.ts';
import { rawServiceArb } from './_internals/raw.ts';

/** One Service named `name` (default `s1`) in one of `cluster`'s namespaces. */
export function serviceArb(
  cluster: Pick<ScenarioCluster, 'nodes' | 'namespaces' | 'pods'>,
  options: GeneratorOptions & { readonly name?: string } = {},
): fc.Arbitrary<Service> {
  const ctx = contextOf(cluster);
  return rawServiceArb(boundsOf(options)).map((raw) => buildService(raw, options.name ?? 's1', ctx));
}
