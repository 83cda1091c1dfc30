/**
 * `podnet cleanup`: removes leftovers of earlier runs by label. Only namespaces that carry both
 * `podnet.io/run=<a valid run id>` and `app.kubernetes.io/managed-by=podnet`, and are named
 * `podnet-<that id>-…`, are deleted, each with a uid precondition;
 * deleting a namespace deletes the pods, Services and policies inside it.
 */
import type { V1Namespace } from '@kubernetes/client-node';
import { PodnetInputError } from '../../spec/errors.ts';
import type { KubeClients } from './clients.ts';
import { apiError, DEFAULT_REQUEST_TIMEOUT_MS, isConflict, isNotFound, makeClients } from './clients.ts';
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
  /** Namespaces that matched but were left alone, and why (no uid, or replaced since they were listed). */
  readonly skipped: readonly { readonly namespace: string; readonly reason: string }[];
}

/** Whether a listed namespace really is a podnet run namespace (the label selector is checked again here). */
function isRunNamespace(ns: V1Namespace, runId?: string): boolean {
  const labels = ns.metadata?.labels ?? {};
  const id = labels[RUN_LABEL];
  if (id === undefined || !isRunId(id) || labels[MANAGED_BY_LABEL] !== MANAGED_BY_VALUE) return false;
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
  const skipped: { namespace: string; reason: string }[] = [];
  for (const ns of items.filter((n) => isRunNamespace(n, runId))) {
    const name = ns.metadata?.name as string;
    const uid = ns.metadata?.uid;
    if (!uid) {
      skipped.push({ namespace: name, reason: 'the API server gave it no uid to delete it by' });
      continue;
    }
    try {
      // The uid precondition deletes exactly the namespace that was listed, never one made since under
      // the same name (the API answers 409 Conflict then).
      await clients.core.deleteNamespace({
        name,
        propagationPolicy: 'Background',
        body: { preconditions: { uid } },
      });
    } catch (error) {
      if (isConflict(error)) {
        skipped.push({ namespace: name, reason: 'replaced since it was listed (uid changed)' });
        continue;
      }
      if (!isNotFound(error)) throw apiError(`delete namespace ${name}`, clients.server, error);
    }
    deleted.push({ namespace: name, runId: ns.metadata?.labels?.[RUN_LABEL] as string });
  }
  return { deleted, skipped };
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
