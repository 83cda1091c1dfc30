/**
 * Names and labels of everything the kube adapter creates. Every object carries the run label
 * `podnet.io/run=<id>` and `app.kubernetes.io/managed-by=podnet`; namespaces are `podnet-<run>-<name>`,
 * so a run's objects can be found (and only they deleted) by label alone.
 */
import { createHash, randomBytes } from 'node:crypto';
import { PodnetInputError } from '../../spec/errors.ts';
import type { Protocol } from '../../spec/model.ts';

export const RUN_LABEL = 'podnet.io/run';
export const MANAGED_BY_LABEL = 'app.kubernetes.io/managed-by';
export const MANAGED_BY_VALUE = 'podnet';
/** On a namespace: the scenario's name for it (the real name carries the run prefix). */
export const SCENARIO_NAMESPACE_LABEL = 'podnet.io/namespace';
/** On a pod: what it is for (`probe` for scenario pods, `node-reader` for the per-node reader pods). */
export const ROLE_LABEL = 'podnet.io/role';
/** Label keys podnet reserves; a scenario that uses them would blur ownership. */
const RESERVED_LABEL_PREFIX = 'podnet.io/';

/** A run id: 6 lowercase hex digits (a DNS-label-safe piece of every name). */
export function newRunId(): string {
  return randomBytes(3).toString('hex');
}

export function isRunId(id: string): boolean {
  return /^[0-9a-f]{6}$/.test(id);
}

/** The labels every object of run `runId` carries. */
export function runLabels(runId: string): Record<string, string> {
  return { [RUN_LABEL]: runId, [MANAGED_BY_LABEL]: MANAGED_BY_VALUE };
}

/** Label selector text for one run's objects. */
export function runSelector(runId: string): string {
  return `${RUN_LABEL}=${runId},${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
}

/** Label selector text for every run's objects (`podnet cleanup --all`). */
export function anyRunSelector(): string {
  return `${RUN_LABEL},${MANAGED_BY_LABEL}=${MANAGED_BY_VALUE}`;
}

const MAX_LABEL = 63;

function shortHash(text: string, length: number): string {
  return createHash('sha256').update(text).digest('hex').slice(0, length);
}

/** A DNS label from `base`, cut with a hash suffix when too long (stays unique and deterministic). */
function fitLabel(base: string): string {
  if (base.length <= MAX_LABEL) return base;
  const suffix = shortHash(base, 8);
  return `${base.slice(0, MAX_LABEL - suffix.length - 1).replace(/-+$/, '')}-${suffix}`;
}

/** The real namespace for scenario namespace `name` in run `runId`: `podnet-<run>-<name>`. */
export function namespaceName(runId: string, name: string): string {
  return fitLabel(`podnet-${runId}-${name}`);
}

/** The namespace that holds the per-node reader pods of run `runId`. */
export function systemNamespaceName(runId: string): string {
  return `podnet-${runId}-sys`;
}

/**
 * The hostname a scenario pod answers with (serve-hostname replies with it). Unique per run, so a
 * reply names exactly one pod even when two namespaces hold pods of the same name.
 */
export function podHostname(namespace: string, pod: string): string {
  return fitLabel(`${namespace}-${pod}`);
}

/** Container name for the server of one (port, protocol): `cont-80-tcp`, as the upstream fixture names them. */
export function containerName(port: number, protocol: Protocol): string {
  return `cont-${port}-${protocol.toLowerCase()}`;
}

/** Name of the reader pod on one real node. */
export function readerPodName(node: string): string {
  return fitLabel(`reader-${node}`);
}

/** Rejects scenario labels under `podnet.io/`: those keys decide ownership and must not be selectable by scenarios. */
export function checkScenarioLabels(labels: Readonly<Record<string, string>>, object: string): void {
  for (const key of Object.keys(labels)) {
    if (key.startsWith(RESERVED_LABEL_PREFIX) || key === MANAGED_BY_LABEL) {
      throw new PodnetInputError(
        'PODNET_KUBE_RESERVED_LABEL',
        `label "${key}" is reserved for podnet's own bookkeeping on a live cluster`,
        { object, field: 'metadata.labels' },
        `rename the label; keys under ${RESERVED_LABEL_PREFIX} and ${MANAGED_BY_LABEL} are podnet's`,
      );
    }
  }
}
