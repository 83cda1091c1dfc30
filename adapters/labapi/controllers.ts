/**
 * The control loop behind the lab API: what kube-scheduler, kube-controller-manager (namespace, garbage
 * collector, EndpointSlice and Endpoints controllers) and each node's kubelet do on a real cluster, acting on
 * the API's objects and on the lab. Every change in the store wakes it (debounced); one pass at a time:
 * 1. schedule unbound pods (scheduler.ts), empty terminating namespaces (namespaceController.ts), honour
 *    Foreground/Orphan deletion (garbageCollector.ts);
 * 2. "kubelet": turn the objects into the lab's Cluster (clusterOf.ts) and `LabTarget.sync` it when it
 *    changed (incremental: new pods get namespaces, veths and agents; removed ones go; NetworkPolicies reach
 *    the policy agent and Services the service proxy), then write each pod's status (podStatus.ts): IPs
 *    and Running once the lab realized it, readiness from its probes (readinessProber.ts);
 *    a Terminating pod leaves the lab on the next sync and its object goes once its processes are gone, or
 *    when its grace period ends, whichever comes first (the kubelet's final delete);
 * 3. EndpointSlices and Endpoints from Services and pod readiness (endpointsController.ts).
 * A pod recreated under the same name (new uid) leaves the lab first, so it is a new pod there too.
 */
import type { Cluster } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { Realized } from '../../spec/scenario.ts';
import type { LabNode } from '../lab/topology.ts';
import { clusterOf, podRuns } from './clusterOf.ts';
import { reconcileEndpoints } from './endpointsController.ts';
import { reconcileOwnerFinalizers } from './garbageCollector.ts';
import { reconcileNamespaces } from './namespaceController.ts';
import { type ContainerProblemState, podStatusOf } from './podStatus.ts';
import type { ReadinessProber } from './readinessProber.ts';
import type { Registry } from './registry.ts';
import { resourceOfKind } from './resources.ts';
import { schedulePods } from './scheduler.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

/** What the controllers need of the lab. */
export interface LabBackend {
  sync(cluster: Cluster): Promise<Realized>;
  nodes(): readonly LabNode[];
}

export interface ControllerOptions {
  /** Wait this long after a change before a pass, so a burst of writes is one sync (default 30 ms). */
  readonly debounceMs?: number;
  /** Containers a pod cannot run (the exec half's podServers): by container name. */
  readonly containerProblems?: (pod: ApiObject) => ReadonlyMap<string, ContainerProblemState>;
  readonly log?: (line: string) => void;
}

export class LabControllers {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private busy = false;
  private dirty = false;
  private stopped = false;
  private unsubscribe: (() => void) | undefined;
  private lastSynced: string | undefined;
  /** pod key → uid of the pod the lab holds under that key. */
  private realizedUid = new Map<string, string>();
  private realizedIPs: Record<string, readonly string[]> = {};
  private readonly startedAt = new Map<string, number>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private syncFailures = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(
    private readonly registry: Registry,
    private readonly lab: LabBackend,
    private readonly prober: ReadinessProber,
    private readonly options: ControllerOptions = {},
  ) {}

  start(): void {
    this.unsubscribe = this.registry.store.subscribe(() => this.wake());
    this.wake();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.unsubscribe?.();
    if (this.timer) clearTimeout(this.timer);
    for (const t of this.graceTimers.values()) clearTimeout(t);
    this.prober.stopAll();
    await this.running;
  }

  /** Schedules a pass (after the debounce), or another one after the pass in progress. */
  wake(): void {
    if (this.stopped) return;
    if (this.busy) {
      this.dirty = true;
      return;
    }
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      // Set before the pass starts: its own writes wake the loop synchronously.
      this.busy = true;
      this.running = this.loop().finally(() => {
        this.busy = false;
        this.running = undefined;
        if (this.dirty && !this.stopped) {
          this.dirty = false;
          this.wake();
        } else if (!this.timer) {
          for (const w of this.idleWaiters.splice(0)) w();
        }
      });
    }, this.options.debounceMs ?? 30);
  }

  /** Resolves when no pass is running or scheduled (tests). */
  idle(): Promise<void> {
    if (!this.busy && !this.timer) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async loop(): Promise<void> {
    try {
      await this.pass();
      this.syncFailures = 0;
    } catch (error) {
      this.syncFailures++;
      this.options.log?.(`controller pass failed: ${(error as Error).message}`);
      // Retry with a growing delay (at most 10 s), as controllers requeue with backoff.
      const delay = Math.min(10_000, 250 * 2 ** this.syncFailures);
      setTimeout(() => this.wake(), delay).unref();
    }
  }

  private labNodeNames(): Set<string> {
    return new Set(this.lab.nodes().map((n) => n.name));
  }

  private async pass(): Promise<void> {
    schedulePods(this.registry);
    reconcileNamespaces(this.registry);
    reconcileOwnerFinalizers(this.registry);
    this.armGraceTimers();
    this.writeKubeletStatuses();
    await this.syncLab();
    this.writeKubeletStatuses();
    this.finishTerminated();
    reconcileEndpoints(this.registry);
  }

  /** Pods the lab should run now. */
  private runnable(): ApiObject[] {
    const nodes = this.labNodeNames();
    return this.registry.store
      .list('pods')
      .filter((p) => podRuns(p) && nodes.has(String(((p.spec ?? {}) as Obj).nodeName)));
  }

  private async syncLab(): Promise<void> {
    const store = this.registry.store;
    const pods = this.runnable();
    const objects = {
      namespaces: store.list('namespaces'),
      pods,
      services: store.list('services'),
      policies: store.list('networkpolicies.networking.k8s.io'),
    };
    const replaced = pods.filter((p) => {
      const had = this.realizedUid.get(
        keyOf({ namespace: String(p.metadata.namespace), name: p.metadata.name }),
      );
      return had !== undefined && had !== p.metadata.uid;
    });
    if (replaced.length > 0) {
      const gone = new Set(replaced.map((p) => p.metadata.uid));
      await this.syncWith({ ...objects, pods: pods.filter((p) => !gone.has(p.metadata.uid)) });
    }
    await this.syncWith(objects);
  }

  private async syncWith(objects: Parameters<typeof clusterOf>[0]): Promise<void> {
    const cluster = clusterOf(objects);
    const key = JSON.stringify(cluster);
    if (key === this.lastSynced) return;
    const started = performance.now();
    const realized = await this.lab.sync(cluster);
    this.options.log?.(
      `lab sync: ${cluster.pods.length} pods, ${cluster.policies.length} policies, ${cluster.services.length} services in ${Math.round(performance.now() - started)} ms`,
    );
    this.lastSynced = key;
    this.realizedIPs = realized.podIPs;
    this.realizedUid = new Map(
      objects.pods
        .filter((p) => realized.podIPs[`${p.metadata.namespace}/${p.metadata.name}`] !== undefined)
        .map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, String(p.metadata.uid)]),
    );
    const now = Date.now();
    for (const uid of this.realizedUid.values()) if (!this.startedAt.has(uid)) this.startedAt.set(uid, now);
  }

  /** The kubelet's status writes for every pod bound to a lab node. */
  private writeKubeletStatuses(): void {
    const podsR = resourceOfKind('Pod');
    const nodeIPs = new Map(this.lab.nodes().map((n) => [n.name, n.ip ?? n.ipv6?.ip]));
    for (const pod of this.runnable()) {
      const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
      const uid = String(pod.metadata.uid);
      const realizedHere = this.realizedUid.get(key) === uid;
      const ip = realizedHere ? this.realizedIPs[key]?.[0] : undefined;
      const startedAt = this.startedAt.get(uid);
      if (ip !== undefined && startedAt !== undefined) this.prober.ensure(pod, ip, startedAt);
      const problems = this.options.containerProblems?.(pod) ?? new Map();
      const nodeName = String(((pod.spec ?? {}) as Obj).nodeName);
      const status = podStatusOf(pod, {
        ...(ip !== undefined ? { podIP: ip } : {}),
        ...(nodeIPs.get(nodeName) !== undefined ? { hostIP: nodeIPs.get(nodeName) as string } : {}),
        ...(startedAt !== undefined ? { startedAt } : {}),
        problems,
        ready: ip !== undefined ? this.prober.readiness(pod) : new Map(),
      });
      this.registry.mutate(podsR, pod.metadata.namespace, pod.metadata.name, (o) => {
        o.status = status;
      });
    }
  }

  /** Caps Terminating at the grace period: the object goes at its deletionTimestamp at the latest. */
  private armGraceTimers(): void {
    const podsR = resourceOfKind('Pod');
    for (const pod of this.registry.store.list('pods')) {
      const uid = String(pod.metadata.uid);
      const at = pod.metadata.deletionTimestamp;
      if (at === undefined || this.graceTimers.has(uid)) continue;
      const wait = Math.max(0, Date.parse(String(at)) - Date.now());
      const timer = setTimeout(() => {
        this.graceTimers.delete(uid);
        const current = this.registry.find(podsR, pod.metadata.namespace, pod.metadata.name);
        if (current && current.metadata.uid === uid) {
          this.prober.stop(uid);
          this.registry.forget(podsR, pod.metadata.namespace, pod.metadata.name);
        }
      }, wait);
      timer.unref();
      this.graceTimers.set(uid, timer);
    }
  }

  /** Terminating pods the lab no longer runs: the kubelet's final delete. */
  private finishTerminated(): void {
    const podsR = resourceOfKind('Pod');
    const live = new Set(this.realizedUid.values());
    for (const pod of this.registry.store.list('pods')) {
      const uid = String(pod.metadata.uid);
      if (pod.metadata.deletionTimestamp === undefined || live.has(uid)) continue;
      const finalizers = (pod.metadata.finalizers ?? []) as string[];
      if (finalizers.length > 0) continue;
      this.prober.stop(uid);
      this.startedAt.delete(uid);
      const t = this.graceTimers.get(uid);
      if (t) clearTimeout(t);
      this.graceTimers.delete(uid);
      this.registry.forget(podsR, pod.metadata.namespace, pod.metadata.name);
    }
    // Pods deleted at once (grace 0) leave probers behind: stop those.
    const present = new Set(this.registry.store.list('pods').map((p) => String(p.metadata.uid)));
    for (const uid of this.prober.tracked()) if (!present.has(uid)) this.prober.stop(uid);
  }
}
