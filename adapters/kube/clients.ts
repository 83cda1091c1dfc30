/**
 * The client-node API objects the adapter uses, built with a request timeout on every call (an
 * AbortSignal set by a middleware), so an unreachable API server fails fast instead of hanging on
 * the OS connect timeout. Only the methods listed in `CoreApi`/`NetworkingApi`/`AppsApi` are used anywhere,
 * which is what lets tests substitute a recording fake.
 */
import type { KubeConfig } from '@kubernetes/client-node';
import {
  AppsV1Api,
  CoreV1Api,
  createConfiguration,
  NetworkingV1Api,
  ServerConfiguration,
} from '@kubernetes/client-node';
import { PodnetTargetError } from '../../spec/errors.ts';
import { redactUrlCredentials } from '../../spec/redact.ts';

export type CoreApi = Pick<
  CoreV1Api,
  | 'getAPIResources'
  | 'listNamespace'
  | 'createNamespace'
  | 'patchNamespace'
  | 'deleteNamespace'
  | 'listNode'
  | 'listNamespacedPod'
  | 'listPodForAllNamespaces'
  | 'createNamespacedPod'
  | 'patchNamespacedPod'
  | 'deleteNamespacedPod'
  | 'listNamespacedService'
  | 'listServiceForAllNamespaces'
  | 'createNamespacedService'
  | 'deleteNamespacedService'
  | 'readNamespacedConfigMap'
>;

export type NetworkingApi = Pick<
  NetworkingV1Api,
  | 'listNamespacedNetworkPolicy'
  | 'listNetworkPolicyForAllNamespaces'
  | 'createNamespacedNetworkPolicy'
  | 'replaceNamespacedNetworkPolicy'
  | 'deleteNamespacedNetworkPolicy'
>;

/** Read-only: the flannel DaemonSet's image tells the release it runs (clusterFlannel.ts). */
export type AppsApi = Pick<AppsV1Api, 'listNamespacedDaemonSet'>;

export interface KubeClients {
  readonly core: CoreApi;
  readonly networking: NetworkingApi;
  readonly apps: AppsApi;
  /** The API server, for messages. */
  readonly server: string;
}

/** Default bound on one API request (connect + response). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;
/** Default bound on the first contact with the API server: an unreachable cluster fails fast. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 3000;

/** Clients for the kubeconfig's current context; every request is aborted after `requestTimeoutMs`. */
export function makeClients(kc: KubeConfig, requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS): KubeClients {
  const cluster = kc.getCurrentCluster();
  if (!cluster)
    throw new PodnetTargetError(
      'PODNET_KUBE_NO_CLUSTER',
      'the kubeconfig names no cluster',
      'pass --context NAME',
    );
  const configuration = createConfiguration({
    baseServer: new ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: async (context) => {
          context.setSignal(AbortSignal.timeout(requestTimeoutMs));
          return context;
        },
        post: async (context) => context,
      },
    ],
  });
  return {
    core: new CoreV1Api(configuration),
    networking: new NetworkingV1Api(configuration),
    apps: new AppsV1Api(configuration),
    // Printed in messages and recorded in results.json: never with user:password.
    server: redactUrlCredentials(cluster.server),
  };
}

/** An API error as a target error that names the server and the operation. */
export function apiError(operation: string, server: string, error: unknown): PodnetTargetError {
  const e = error as {
    code?: number | string;
    body?: unknown;
    message?: string;
    name?: string;
    type?: string;
  };
  if (typeof e.code === 'number') {
    const body = typeof e.body === 'string' ? e.body : JSON.stringify(e.body ?? '');
    const message = /"message":"([^"]*)"/.exec(body)?.[1] ?? body.slice(0, 200);
    return new PodnetTargetError(
      'PODNET_KUBE_API',
      redactUrlCredentials(`${operation}: the API server ${server} answered HTTP ${e.code}: ${message}`),
      e.code === 403
        ? 'podnet needs rights to create/delete namespaces, pods, services and networkpolicies'
        : undefined,
      { cause: error },
    );
  }
  const aborted = e.name === 'AbortError' || e.type === 'aborted' || /aborted/i.test(e.message ?? '');
  return new PodnetTargetError(
    'PODNET_KUBE_UNREACHABLE',
    redactUrlCredentials(
      `${operation}: cannot reach the API server ${server}: ${aborted ? 'no answer before the request timeout' : (e.message ?? String(error))}`,
    ),
    'check the cluster is up and that --kubeconfig/--context (or KUBECONFIG) point at it, e.g. `kubectl cluster-info`',
    { cause: error },
  );
}

/** Whether an API error is HTTP 404 (deleting something already gone is not a failure). */
export function isNotFound(error: unknown): boolean {
  return (error as { code?: unknown }).code === 404;
}

/** Whether an API error is HTTP 409 (already exists). */
export function isConflict(error: unknown): boolean {
  return (error as { code?: unknown }).code === 409;
}

/** Whether an API error is HTTP 403 (RBAC denies the request). */
export function isForbidden(error: unknown): boolean {
  return (error as { code?: unknown }).code === 403;
}
