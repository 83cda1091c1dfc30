/**
 * `podnet cleanup`: removes leftovers of earlier runs by label. Only namespaces that carry both
 * `podnet.io/run` and `app.kubernetes.io/managed-by=podnet` (and are named `podnet-<run>-…`) are deleted;
 * deleting a namespace deletes the pods, Services and policies inside it.
 */
import type { V1Namespace } from '@kubernetes/client-node';
import { PodnetInputError } from '../../spec/errors.ts';
import type { KubeClients } from './clients.ts';
import { apiError, DEFAULT_REQUEST_TIMEOUT_MS, isNotFound, makeClients } from './clients.ts';
import { type KubeconfigOptions, loadKubeConfig } from './kubeconfig.ts';
import {
  anyRunSelector,
  isRunId,
  MANAGED_BY_LABEL,
  MANAGED_BY_VALUE,
  RUN_LABEL,
  runSelector,
} from './names.ts';

export type CleanupScope = { readonly runId: string } | { readonly all: true };

export interface CleanupResult {
  /** Namespaces deleted, with their run id. */
  readonly deleted: readonly { readonly namespace: string; readonly runId: string }[];
}

/** Whether a listed namespace really is a podnet run namespace (the label selector is checked again here). */
export function isRunNamespace(ns: V1Namespace, runId?: string): boolean {
  const labels = ns.metadata?.labels ?? {};
  const id = labels[RUN_LABEL];
  if (id === undefined || labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) return false;
  if (runId !== undefined && id !== runId) return false;
  return (ns.metadata?.name ?? '').startsWith(`podnet-${id}-`);
}

export async function cleanupRuns(clients: KubeClients, scope: CleanupScope): Promise<CleanupResult> {
  if ('runId' in scope && !isRunId(scope.runId)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `run id "${scope.runId}" must be 6 hex digits`,
      { field: '--run' },
      'the id is in the namespace names: podnet-<run>-<name>',
    );
  }
  const runId = 'runId' in scope ? scope.runId : undefined;
  const labelSelector = runId !== undefined ? runSelector(runId) : anyRunSelector();
  let items: V1Namespace[];
  try {
    items = (await clients.core.listNamespace({ labelSelector })).items;
  } catch (error) {
    throw apiError('list podnet namespaces', clients.server, error);
  }
  const deleted: { namespace: string; runId: string }[] = [];
  for (const ns of items.filter((n) => isRunNamespace(n, runId))) {
    const name = ns.metadata?.name as string;
    try {
      await clients.core.deleteNamespace({ name, propagationPolicy: 'Background' });
    } catch (error) {
      if (!isNotFound(error)) throw apiError(`delete namespace ${name}`, clients.server, error);
    }
    deleted.push({ namespace: name, runId: ns.metadata?.labels?.[RUN_LABEL] as string });
  }
  return { deleted };
}

/** Connects as kubectl would and removes the leftovers of one run, or of every run. */
export async function cleanupLiveCluster(
  options: KubeconfigOptions & { readonly scope: CleanupScope; readonly requestTimeoutMs?: number },
): Promise<CleanupResult> {
  return cleanupRuns(
    makeClients(loadKubeConfig(options), options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS),
    options.scope,
  );
}
