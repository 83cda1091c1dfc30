/**
 * The only door through which the adapter changes a cluster. It creates objects only with the run's
 * labels, and it changes or deletes only objects that a label-selected list (`podnet.io/run=<id>,
 * app.kubernetes.io/managed-by=podnet`) just returned, in namespaces that carry the same labels. So
 * nothing that podnet did not create in this run is ever modified or deleted, even if names collide.
 */
import type { V1Namespace, V1NetworkPolicy, V1Pod, V1Service } from '@kubernetes/client-node';
import { PodnetTargetError } from '../../spec/errors.ts';
import type { KubeClients } from './clients.ts';
import { apiError, isConflict, isNotFound } from './clients.ts';
import { MANAGED_BY_LABEL, MANAGED_BY_VALUE, RUN_LABEL, runSelector } from './names.ts';
import { pool } from './pool.ts';

/**
 * Writes in flight at once. A scenario's objects go to the API server together (a real one handles
 * that easily, and the cluster sees one burst of changes instead of a trickle), but bounded, so a
 * large scenario does not trip API Priority and Fairness.
 */
const WRITES_IN_FLIGHT = 8;

interface Labelled {
  readonly metadata?: {
    readonly name?: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
  };
}

export class RunObjects {
  private readonly selector: string;

  constructor(
    readonly clients: KubeClients,
    readonly runId: string,
  ) {
    this.selector = runSelector(runId);
  }

  /** Whether an object carries this run's labels. */
  owns(o: Labelled): boolean {
    const l = o.metadata?.labels ?? {};
    return l[RUN_LABEL] === this.runId && l[MANAGED_BY_LABEL] === MANAGED_BY_VALUE;
  }

  private requireLabels(o: Labelled, what: string): void {
    if (!this.owns(o)) {
      throw new PodnetTargetError(
        'PODNET_KUBE_OWNERSHIP',
        `refusing to write ${what} ${o.metadata?.name ?? '?'}: it does not carry the run label ${RUN_LABEL}=${this.runId}`,
      );
    }
  }

  private async call<T>(operation: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (error) {
      throw apiError(operation, this.clients.server, error);
    }
  }

  // Namespaces

  async namespaces(): Promise<V1Namespace[]> {
    const list = await this.call('list namespaces', () =>
      this.clients.core.listNamespace({ labelSelector: this.selector }),
    );
    return list.items.filter((n) => this.owns(n));
  }

  private async ownedNamespaceNames(): Promise<Set<string>> {
    return new Set((await this.namespaces()).map((n) => n.metadata?.name ?? ''));
  }

  /** Creates the namespace; one that already exists is used only if it carries this run's labels. */
  async ensureNamespace(body: V1Namespace): Promise<void> {
    this.requireLabels(body, 'Namespace');
    const name = body.metadata?.name ?? '';
    try {
      await this.clients.core.createNamespace({ body });
    } catch (error) {
      if (!isConflict(error)) throw apiError(`create namespace ${name}`, this.clients.server, error);
      if (!(await this.ownedNamespaceNames()).has(name)) {
        throw new PodnetTargetError(
          'PODNET_KUBE_OWNERSHIP',
          `namespace ${name} already exists and was not created by podnet run ${this.runId}`,
          'podnet never touches objects it did not create; remove it yourself or let the run pick another id',
        );
      }
      await this.patchNamespaceLabels(name, body.metadata?.labels ?? {});
    }
  }

  async patchNamespaceLabels(name: string, labels: Readonly<Record<string, string>>): Promise<void> {
    this.requireLabels({ metadata: { name, labels } }, 'Namespace labels');
    if (!(await this.ownedNamespaceNames()).has(name)) throw this.notOwned('namespace', name);
    await this.call(`relabel namespace ${name}`, () =>
      this.clients.core.patchNamespace({
        name,
        body: [{ op: 'replace', path: '/metadata/labels', value: { ...labels } }],
      }),
    );
  }

  /** Deletes the run's namespaces (all of them, or those named); everything inside goes with them. */
  async deleteNamespaces(names?: ReadonlySet<string>): Promise<string[]> {
    const owned = [...(await this.ownedNamespaceNames())].filter((n) => names === undefined || names.has(n));
    for (const name of owned) {
      try {
        await this.clients.core.deleteNamespace({ name, propagationPolicy: 'Background' });
      } catch (error) {
        if (!isNotFound(error)) throw apiError(`delete namespace ${name}`, this.clients.server, error);
      }
    }
    return owned;
  }

  private notOwned(kind: string, name: string): PodnetTargetError {
    return new PodnetTargetError(
      'PODNET_KUBE_OWNERSHIP',
      `refusing to change ${kind} ${name}: it is not labelled ${RUN_LABEL}=${this.runId}`,
    );
  }

  /**
   * Creates `bodies` of one kind: every one must carry the run's labels and go into a namespace of this
   * run (one list of them for the batch), checked before the first write.
   */
  private async createAll<T extends Labelled>(
    kind: string,
    bodies: readonly T[],
    create: (namespace: string, body: T) => Promise<unknown>,
  ): Promise<void> {
    for (const body of bodies) this.requireLabels(body, kind);
    await this.requireOwnedNamespaces(bodies);
    await pool(bodies, WRITES_IN_FLIGHT, async (body) => {
      const namespace = body.metadata?.namespace ?? '';
      await this.call(`create ${kind.toLowerCase()} ${namespace}/${body.metadata?.name}`, () =>
        create(namespace, body),
      );
    });
  }

  /** One list of the run's namespaces for a batch of objects: each must go into one of them. */
  private async requireOwnedNamespaces(objects: readonly Labelled[]): Promise<void> {
    if (objects.length === 0) return;
    const owned = await this.ownedNamespaceNames();
    for (const o of objects) {
      const namespace = o.metadata?.namespace ?? '';
      if (!owned.has(namespace)) throw this.notOwned('namespace', namespace);
    }
  }

  // Pods

  async pods(namespace: string): Promise<V1Pod[]> {
    const list = await this.call(`list pods in ${namespace}`, () =>
      this.clients.core.listNamespacedPod({ namespace, labelSelector: this.selector }),
    );
    return list.items.filter((p) => this.owns(p));
  }

  async createPod(body: V1Pod): Promise<void> {
    await this.createPods([body]);
  }

  /** Creates the pods; every one must carry the run's labels and go into a namespace of this run. */
  async createPods(bodies: readonly V1Pod[]): Promise<void> {
    await this.createAll('Pod', bodies, (namespace, body) =>
      this.clients.core.createNamespacedPod({ namespace, body }),
    );
  }

  async patchPodLabels(
    namespace: string,
    name: string,
    labels: Readonly<Record<string, string>>,
  ): Promise<void> {
    await this.relabelPods(namespace, new Map([[name, labels]]));
  }

  /** Replaces the labels of pods of one namespace (name → labels); each must be a pod of this run. */
  async relabelPods(
    namespace: string,
    wanted: ReadonlyMap<string, Readonly<Record<string, string>>>,
  ): Promise<void> {
    for (const [name, labels] of wanted) this.requireLabels({ metadata: { name, labels } }, 'Pod labels');
    const ours = new Set((await this.pods(namespace)).map((p) => p.metadata?.name));
    for (const name of wanted.keys()) if (!ours.has(name)) throw this.notOwned('pod', `${namespace}/${name}`);
    await pool([...wanted], WRITES_IN_FLIGHT, async ([name, labels]) => {
      await this.call(`relabel pod ${namespace}/${name}`, () =>
        this.clients.core.patchNamespacedPod({
          namespace,
          name,
          body: [{ op: 'replace', path: '/metadata/labels', value: { ...labels } }],
        }),
      );
    });
  }

  async deletePods(namespace: string, names: ReadonlySet<string>): Promise<void> {
    await this.deleteListed('pod', namespace, await this.pods(namespace), names, (name) =>
      this.clients.core.deleteNamespacedPod({ namespace, name, gracePeriodSeconds: 0 }),
    );
  }

  /** Deletes the objects of `listed` (a run-labelled list) whose names are in `names`; already gone is fine. */
  private async deleteListed(
    kind: string,
    namespace: string,
    listed: readonly Labelled[],
    names: ReadonlySet<string>,
    remove: (name: string) => Promise<unknown>,
  ): Promise<void> {
    const doomed = listed.map((o) => o.metadata?.name ?? '').filter((n) => names.has(n));
    await pool(doomed, WRITES_IN_FLIGHT, async (name) => {
      try {
        await remove(name);
      } catch (error) {
        if (!isNotFound(error))
          throw apiError(`delete ${kind} ${namespace}/${name}`, this.clients.server, error);
      }
    });
  }

  // Services

  async services(namespace: string): Promise<V1Service[]> {
    const list = await this.call(`list services in ${namespace}`, () =>
      this.clients.core.listNamespacedService({ namespace, labelSelector: this.selector }),
    );
    return list.items.filter((s) => this.owns(s));
  }

  async createService(body: V1Service): Promise<V1Service> {
    this.requireLabels(body, 'Service');
    const namespace = body.metadata?.namespace ?? '';
    await this.requireOwnedNamespaces([body]);
    return this.call(`create service ${namespace}/${body.metadata?.name}`, () =>
      this.clients.core.createNamespacedService({ namespace, body }),
    );
  }

  async deleteServices(namespace: string, names: ReadonlySet<string>): Promise<void> {
    await this.deleteListed('service', namespace, await this.services(namespace), names, (name) =>
      this.clients.core.deleteNamespacedService({ namespace, name }),
    );
  }

  // NetworkPolicies

  async policies(namespace: string): Promise<V1NetworkPolicy[]> {
    const list = await this.call(`list networkpolicies in ${namespace}`, () =>
      this.clients.networking.listNamespacedNetworkPolicy({ namespace, labelSelector: this.selector }),
    );
    return list.items.filter((p) => this.owns(p));
  }

  /** Creates the policies; every one must carry the run's labels and go into a namespace of this run. */
  async createPolicies(bodies: readonly V1NetworkPolicy[]): Promise<void> {
    await this.createAll('NetworkPolicy', bodies, (namespace, body) =>
      this.clients.networking.createNamespacedNetworkPolicy({ namespace, body }),
    );
  }

  /** Replaces policies in place (each one atomic update, as `kubectl apply` would do); each must be a policy of this run already. */
  async replacePolicies(bodies: readonly V1NetworkPolicy[]): Promise<void> {
    for (const body of bodies) this.requireLabels(body, 'NetworkPolicy');
    const ours = new Map<string, Set<string | undefined>>();
    for (const ns of new Set(bodies.map((b) => b.metadata?.namespace ?? ''))) {
      ours.set(ns, new Set((await this.policies(ns)).map((p) => p.metadata?.name)));
    }
    for (const body of bodies) {
      const namespace = body.metadata?.namespace ?? '';
      const name = body.metadata?.name ?? '';
      if (!ours.get(namespace)?.has(name)) throw this.notOwned('networkpolicy', `${namespace}/${name}`);
    }
    await pool(bodies, WRITES_IN_FLIGHT, async (body) => {
      const namespace = body.metadata?.namespace ?? '';
      const name = body.metadata?.name ?? '';
      await this.call(`replace networkpolicy ${namespace}/${name}`, () =>
        this.clients.networking.replaceNamespacedNetworkPolicy({ namespace, name, body }),
      );
    });
  }

  async deletePolicies(namespace: string, names: ReadonlySet<string>): Promise<void> {
    await this.deleteListed('networkpolicy', namespace, await this.policies(namespace), names, (name) =>
      this.clients.networking.deleteNamespacedNetworkPolicy({ namespace, name }),
    );
  }
}
