/**
 * A recording, in-memory stand-in for the client-node API objects the adapter uses (tests only).
 * It filters lists by label selector like the API server, assigns pod IPs and ClusterIPs, marks pods
 * Ready, and records every call, so tests can check what the adapter asked to change or delete.
 * Lists page like the API server's chunked lists (`limit`, `continue`); a test can make continue tokens
 * expire (410 Expired) or make the fake hand back the token it was given.
 */
import type { V1Namespace, V1NetworkPolicy, V1Node, V1Pod, V1Service } from '@kubernetes/client-node';
import type { AppsApi, CoreApi, KubeClients, NetworkingApi } from '../clients.ts';

export interface RecordedCall {
  readonly method: string;
  readonly params: Readonly<Record<string, unknown>>;
}

type Labels = Readonly<Record<string, string>> | undefined;

/** `k=v,k2,k3!=v` (the subset of label selector syntax the adapter uses). */
function selectorMatches(selector: string | undefined, labels: Labels): boolean {
  if (!selector) return true;
  const l = labels ?? {};
  return selector.split(',').every((term) => {
    const ne = /^([^!=]+)!=(.*)$/.exec(term);
    if (ne) return l[ne[1] as string] !== ne[2];
    const eq = /^([^=]+)=(.*)$/.exec(term);
    if (eq) return l[eq[1] as string] === eq[2];
    return l[term] !== undefined;
  });
}

class ApiError extends Error {
  constructor(
    readonly code: number,
    readonly body: string,
  ) {
    super(`HTTP ${code}`);
  }
}

/** The page parameters of a list call (client-node's object-parameter names). */
interface PageParams {
  readonly limit?: number;
  readonly _continue?: string;
}

export class FakeKube {
  readonly calls: RecordedCall[] = [];
  /** Every continue token is refused with 410 Expired, as after etcd compacted past its revision. */
  expireContinueTokens = false;
  /** The fake answers a continued list with the token it was given (a broken server or proxy). */
  repeatContinueTokens = false;
  readonly namespaces = new Map<string, V1Namespace>();
  readonly pods = new Map<string, V1Pod>();
  readonly services = new Map<string, V1Service>();
  readonly policies = new Map<string, V1NetworkPolicy>();
  nodes: V1Node[] = [];
  /** Counts uids handed out (the API server gives every object one). */
  uidSeq = 0;
  private ip = 2;
  private svcIP = 10;

  constructor() {
    this.nodes = ['kind-control-plane', 'kind-worker', 'kind-worker2'].map((name, i) => ({
      metadata: {
        name,
        labels: { 'kubernetes.io/hostname': name },
        annotations: {
          'flannel.alpha.coreos.com/backend-type': 'vxlan',
          'flannel.alpha.coreos.com/public-ip': `172.18.0.${i + 2}`,
        },
      },
      spec: {
        podCIDR: `10.244.${i}.0/24`,
        podCIDRs: [`10.244.${i}.0/24`],
        ...(i === 0
          ? { taints: [{ key: 'node-role.kubernetes.io/control-plane', effect: 'NoSchedule' }] }
          : {}),
      },
      status: {
        addresses: [{ type: 'InternalIP', address: `172.18.0.${i + 2}` }],
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    }));
  }

  private record(method: string, params: object): void {
    this.calls.push({ method, params: params as Record<string, unknown> });
  }

  /** One page of `items`: `limit` items from the offset the continue token names. */
  private page<T>(items: T[], p: PageParams): { items: T[]; metadata: { _continue?: string } } {
    if (p._continue !== undefined && this.expireContinueTokens)
      throw new ApiError(
        410,
        JSON.stringify({ kind: 'Status', reason: 'Expired', code: 410, message: 'continue token too old' }),
      );
    const from = p._continue === undefined ? 0 : Number(p._continue.replace(/^offset-/, ''));
    if (p.limit === undefined || p.limit <= 0) return { items: items.slice(from), metadata: {} };
    const end = from + p.limit;
    const more = end < items.length;
    const token = this.repeatContinueTokens && p._continue !== undefined ? p._continue : `offset-${end}`;
    return { items: items.slice(from, end), metadata: more ? { _continue: token } : {} };
  }

  /** Calls that change or delete something. */
  writes(): RecordedCall[] {
    return this.calls.filter((c) => /^(create|patch|delete|replace)/.test(c.method));
  }

  clients(): KubeClients {
    const f = this;
    const nsKey = (ns: string, name: string) => `${ns}/${name}`;
    const core = {
      async getAPIResources() {
        f.record('getAPIResources', {});
        return { kind: 'APIResourceList', groupVersion: 'v1', resources: [] };
      },
      async listNamespace(p: { labelSelector?: string } & PageParams = {}) {
        f.record('listNamespace', p);
        return f.page(
          [...f.namespaces.values()].filter((n) => selectorMatches(p.labelSelector, n.metadata?.labels)),
          p,
        );
      },
      async createNamespace(p: { body: V1Namespace }) {
        f.record('createNamespace', p);
        const name = p.body.metadata?.name as string;
        if (f.namespaces.has(name)) throw new ApiError(409, '{"message":"already exists"}');
        f.namespaces.set(name, {
          ...p.body,
          metadata: {
            ...p.body.metadata,
            uid: `uid-${name}-${++f.uidSeq}`,
            labels: { ...p.body.metadata?.labels, 'kubernetes.io/metadata.name': name },
          },
        });
        return f.namespaces.get(name);
      },
      async patchNamespace(p: {
        name: string;
        body: { op: string; path: string; value: Record<string, string> }[];
      }) {
        f.record('patchNamespace', p);
        const ns = f.namespaces.get(p.name);
        if (!ns) throw new ApiError(404, '{}');
        for (const op of p.body)
          if (op.path === '/metadata/labels')
            ns.metadata = { ...ns.metadata, labels: { ...op.value, 'kubernetes.io/metadata.name': p.name } };
        return ns;
      },
      async deleteNamespace(p: { name: string; body?: { preconditions?: { uid?: string } } }) {
        f.record('deleteNamespace', p);
        const existing = f.namespaces.get(p.name);
        if (!existing) throw new ApiError(404, '{}');
        const uid = p.body?.preconditions?.uid;
        if (uid !== undefined && existing.metadata?.uid !== uid) {
          throw new ApiError(409, '{"message":"Precondition failed: UID in precondition does not match"}');
        }
        f.namespaces.delete(p.name);
        for (const m of [f.pods, f.services, f.policies])
          for (const k of [...m.keys()]) if (k.startsWith(`${p.name}/`)) m.delete(k);
        return {};
      },
      async listNode(p: { labelSelector?: string } & PageParams = {}) {
        f.record('listNode', p);
        return f.page(
          f.nodes.filter((n) => selectorMatches(p.labelSelector, n.metadata?.labels)),
          p,
        );
      },
      async listNamespacedPod(p: { namespace: string; labelSelector?: string }) {
        f.record('listNamespacedPod', p);
        return {
          items: [...f.pods.values()].filter(
            (x) =>
              x.metadata?.namespace === p.namespace && selectorMatches(p.labelSelector, x.metadata?.labels),
          ),
        };
      },
      async listPodForAllNamespaces(p: PageParams = {}) {
        f.record('listPodForAllNamespaces', p);
        return f.page([...f.pods.values()], p);
      },
      async createNamespacedPod(p: { namespace: string; body: V1Pod }) {
        f.record('createNamespacedPod', p);
        if (!f.namespaces.has(p.namespace)) throw new ApiError(404, '{"message":"namespace not found"}');
        const key = nsKey(p.namespace, p.body.metadata?.name as string);
        if (f.pods.has(key)) throw new ApiError(409, '{"message":"already exists"}');
        const ip = p.body.spec?.hostNetwork ? '172.18.0.3' : `10.244.1.${f.ip++}`;
        const ready = !(p.body.spec?.containers ?? []).some((c) =>
          c.readinessProbe?.exec?.command?.includes('exit 1'),
        );
        f.pods.set(key, {
          ...p.body,
          status: {
            phase: 'Running',
            podIP: ip,
            podIPs: [{ ip }],
            conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
            containerStatuses: (p.body.spec?.containers ?? []).map((c) => ({
              name: c.name,
              image: c.image ?? '',
              imageID: '',
              ready,
              restartCount: 0,
              state: { running: {} },
            })),
          },
        });
        return f.pods.get(key);
      },
      async patchNamespacedPod(p: {
        namespace: string;
        name: string;
        body: { op: string; path: string; value: Record<string, string> }[];
      }) {
        f.record('patchNamespacedPod', p);
        const pod = f.pods.get(nsKey(p.namespace, p.name));
        if (!pod) throw new ApiError(404, '{}');
        for (const op of p.body)
          if (op.path === '/metadata/labels') pod.metadata = { ...pod.metadata, labels: { ...op.value } };
        return pod;
      },
      async deleteNamespacedPod(p: { namespace: string; name: string }) {
        f.record('deleteNamespacedPod', p);
        if (!f.pods.delete(nsKey(p.namespace, p.name))) throw new ApiError(404, '{}');
        return {};
      },
      async listNamespacedService(p: { namespace: string; labelSelector?: string }) {
        f.record('listNamespacedService', p);
        return {
          items: [...f.services.values()].filter(
            (x) =>
              x.metadata?.namespace === p.namespace && selectorMatches(p.labelSelector, x.metadata?.labels),
          ),
        };
      },
      async listServiceForAllNamespaces(p: PageParams = {}) {
        f.record('listServiceForAllNamespaces', p);
        return f.page([...f.services.values()], p);
      },
      async createNamespacedService(p: { namespace: string; body: V1Service }) {
        f.record('createNamespacedService', p);
        const key = nsKey(p.namespace, p.body.metadata?.name as string);
        if (f.services.has(key)) throw new ApiError(409, '{}');
        f.services.set(key, { ...p.body, spec: { ...p.body.spec, clusterIP: `10.96.0.${f.svcIP++}` } });
        return f.services.get(key);
      },
      async deleteNamespacedService(p: { namespace: string; name: string }) {
        f.record('deleteNamespacedService', p);
        if (!f.services.delete(nsKey(p.namespace, p.name))) throw new ApiError(404, '{}');
        return {};
      },
      async readNamespacedConfigMap(p: { namespace: string; name: string }) {
        f.record('readNamespacedConfigMap', p);
        if (p.namespace === 'kube-system' && p.name === 'kube-proxy')
          return {
            data: {
              'config.conf':
                'apiVersion: kubeproxy.config.k8s.io/v1alpha1\nkind: KubeProxyConfiguration\nmode: iptables\n',
            },
          };
        throw new ApiError(404, '{}');
      },
    };
    const networking = {
      async listNamespacedNetworkPolicy(p: { namespace: string; labelSelector?: string }) {
        f.record('listNamespacedNetworkPolicy', p);
        return {
          items: [...f.policies.values()].filter(
            (x) =>
              x.metadata?.namespace === p.namespace && selectorMatches(p.labelSelector, x.metadata?.labels),
          ),
        };
      },
      async listNetworkPolicyForAllNamespaces(p: PageParams = {}) {
        f.record('listNetworkPolicyForAllNamespaces', p);
        return f.page([...f.policies.values()], p);
      },
      async createNamespacedNetworkPolicy(p: { namespace: string; body: V1NetworkPolicy }) {
        f.record('createNamespacedNetworkPolicy', p);
        const key = nsKey(p.namespace, p.body.metadata?.name as string);
        if (f.policies.has(key)) throw new ApiError(409, '{}');
        f.policies.set(key, p.body);
        return p.body;
      },
      async replaceNamespacedNetworkPolicy(p: { namespace: string; name: string; body: V1NetworkPolicy }) {
        f.record('replaceNamespacedNetworkPolicy', p);
        f.policies.set(nsKey(p.namespace, p.name), p.body);
        return p.body;
      },
      async deleteNamespacedNetworkPolicy(p: { namespace: string; name: string }) {
        f.record('deleteNamespacedNetworkPolicy', p);
        if (!f.policies.delete(nsKey(p.namespace, p.name))) throw new ApiError(404, '{}');
        return {};
      },
    };
    const apps = {
      async listNamespacedDaemonSet(p: { namespace: string }) {
        f.record('listNamespacedDaemonSet', p);
        return { items: [] };
      },
    };
    return {
      core: core as unknown as CoreApi,
      networking: networking as unknown as NetworkingApi,
      apps: apps as unknown as AppsApi,
      server: 'https://fake:6443',
    };
  }
}
