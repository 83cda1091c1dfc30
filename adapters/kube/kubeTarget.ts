/**
 * A live cluster as a `Target`. Objects go through client-node (RunObjects: run-labelled, and only
 * labelled objects are ever changed or deleted); probes and node reads go through `kubectl exec`
 * (prober.ts, nodeStateRead.ts); capabilities are found by asking the cluster. `sync` is incremental:
 * namespaces and pods are relabelled in place, changed pods/Services are recreated, policies replaced.
 */
import type { KubeConfig, V1NetworkPolicy, V1Node, V1Pod } from '@kubernetes/client-node';
import { Watch } from '@kubernetes/client-node';
import { PodnetTargetError } from '../../spec/errors.ts';
import { cidrRange, formatCidr, rangeHoldsAddress } from '../../spec/ipNum.ts';
import { parseCidr } from '../../spec/manifests/cidr.ts';
import type { Cluster, ObjectKey } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { NodeNetworkState } from '../../spec/nodeState.ts';
import type { Realized } from '../../spec/scenario.ts';
import type {
  Capabilities,
  ClusterFlannel,
  ProbeOptions,
  ProbeRequest,
  ProbeResult,
  SyncOptions,
  Target,
} from '../../spec/target.ts';
import { nodeOfSource } from '../../spec/target.ts';
import type { KubeClients } from './clients.ts';
import { apiError, DEFAULT_CONNECT_TIMEOUT_MS, DEFAULT_REQUEST_TIMEOUT_MS, makeClients } from './clients.ts';
import { clusterFlannelOf, readFlannelNetConf, readFlannelVersion } from './clusterFlannel.ts';
import { loadKubeConfig } from './kubeconfig.ts';
import type { ExecRunner, ExecTarget, KubectlConnection } from './kubectlExec.ts';
import { execaRunner, kubectlExecArgv } from './kubectlExec.ts';
import {
  namespaceName,
  newRunId,
  podHostname,
  readerPodName,
  runLabels,
  runSelector,
  systemNamespaceName,
} from './names.ts';
import type { RealNode } from './nodeMapping.ts';
import { mapNodes, nodeSelectorText, realNodeOf, usableNode } from './nodeMapping.ts';
import { FLANNEL_ANNOTATION_PREFIX, flannelAnnotations, readKubeNodeState } from './nodeStateRead.ts';
import { checkPolicyEnforcement, type EnforcementCheck } from './policyEnforcement.ts';
import type { ExecMode } from './prober.ts';
import { DEFAULT_PROBER_OPTIONS, runKubeProbes } from './prober.ts';
import type { SessionSpawner } from './probeSessions.ts';
import { ProbeSessions } from './probeSessions.ts';
import type { ProxyFacts } from './proxyMode.ts';
import { parseKubeProxyConfig, parseProxyModeReply, proxyModesOf } from './proxyMode.ts';
import { waitForPods } from './readiness.ts';
import {
  DEFAULT_AGNHOST_IMAGE,
  READER_CONTAINER,
  type RenderContext,
  renderCluster,
  renderReaderPod,
} from './render/index.ts';
import { RunObjects } from './runObjects.ts';

export interface KubeTargetOptions {
  readonly kubeconfig?: string;
  readonly context?: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** agnhost image (default {@link DEFAULT_AGNHOST_IMAGE}); a mirror for air-gapped clusters. */
  readonly image?: string;
  /** `K=V` pairs: only nodes with these labels are used. */
  readonly nodeSelector?: readonly string[];
  /** Leave the run's namespaces in place on teardown (for debugging a failure). Default false. */
  readonly keep?: boolean;
  /**
   * `session` (default): one long-lived exec per source pod takes every batch of its probes; `batched`:
   * one exec per source pod per batch; `per-probe`: one exec per probe.
   */
  readonly execMode?: ExecMode;
  /** `kubectl exec` processes in flight (default 8). */
  readonly execConcurrency?: number;
  /** Bound on one API request (default 10 s). */
  readonly requestTimeoutMs?: number;
  /** Bound on the first contact with the API server (default 3 s). */
  readonly connectTimeoutMs?: number;
  /** Bound on waiting for pods to run (default 180 s; an image pull can be slow). */
  readonly readyTimeoutMs?: number;
  readonly runId?: string;
  readonly kubectl?: string;
  /** Tear down on SIGINT/SIGTERM while up (default true; the runner's session does it itself). */
  readonly signalHandlers?: boolean;
  /** For tests: ready-made clients and exec runner instead of kubeconfig, client-node and execa. */
  readonly clients?: KubeClients;
  readonly run?: ExecRunner;
  /** For tests: how session mode starts its `kubectl exec --stdin` processes (with `run`). */
  readonly spawnSession?: SessionSpawner;
}

interface AppliedPod {
  readonly realNamespace: string;
  readonly name: string;
  readonly shape: string;
  readonly labels: string;
  readonly container: string;
  readonly wantReady: boolean;
}

const POLL_MS = 500;
/** A deleted object that must be gone before its name comes back (pods with grace 0 go at once). */
const GONE_POLL_MS = 100;
/** With a watch, listing is only the safety net. */
const WATCHED_POLL_MS = 3000;

export class KubeTarget implements Target {
  readonly name = 'kube';
  readonly runId: string;
  readonly objects: RunObjects;
  private readonly run: ExecRunner;
  private readonly connection: KubectlConnection;
  /** Session mode's sessions; undefined when a test substitutes `run` without a session spawner. */
  private readonly sessions: ProbeSessions | undefined;
  private readonly image: string;
  private nodeMap = new Map<string, RealNode>();
  private nodeMapKey = '';
  private realNodes: RealNode[] | undefined;
  private readonly namespaces = new Map<string, string>(); // scenario ns → labels JSON
  private readonly pods = new Map<ObjectKey, AppliedPod>();
  private readonly services = new Map<ObjectKey, string>();
  private readonly policies = new Map<ObjectKey, string>();
  private readonly hostnames = new Map<string, ObjectKey>();
  private serviceIPs = new Set<string>();
  private readers: Map<string, ExecTarget> | undefined;
  private readerProblem: string | undefined;
  private caps: Capabilities | undefined;
  private proxyFacts: ProxyFacts | undefined;
  private policyEnforced: boolean | 'unknown' = 'unknown';
  private enforcementEvidence: string | undefined;
  private signalHandler: ((s: NodeJS.Signals) => void) | undefined;
  private tornDown = false;

  constructor(
    readonly clients: KubeClients,
    readonly options: KubeTargetOptions = {},
    /** With a KubeConfig, readiness is watched (client-node Watch); without, it is polled. */
    private readonly kubeConfig?: KubeConfig,
  ) {
    this.runId = options.runId ?? newRunId();
    this.objects = new RunObjects(clients, this.runId);
    this.run = options.run ?? execaRunner;
    this.image = options.image ?? DEFAULT_AGNHOST_IMAGE;
    this.connection = {
      ...(options.kubectl !== undefined ? { kubectl: options.kubectl } : {}),
      ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
      ...(options.context !== undefined ? { context: options.context } : {}),
      // No --request-timeout for exec: it could cut a long batch's stream; execa's timeout bounds each exec.
    };
    const mode = options.execMode ?? DEFAULT_PROBER_OPTIONS.mode;
    this.sessions =
      mode === 'session' && (options.run === undefined || options.spawnSession !== undefined)
        ? new ProbeSessions(
            this.connection,
            { agnhost: DEFAULT_PROBER_OPTIONS.agnhost, nc: DEFAULT_PROBER_OPTIONS.nc },
            options.spawnSession,
          )
        : undefined;
    if (options.signalHandlers !== false) this.installSignalHandlers();
  }

  /** What this target found and did, for results.json. */
  describe(): Record<string, string | number | boolean | readonly string[]> {
    return {
      kubeRunId: this.runId,
      kubeServer: this.clients.server,
      kubeImage: this.image,
      // Session mode without sessions (a test's substituted runner) runs batched execs.
      kubeExecMode: this.sessions
        ? 'session'
        : this.options.execMode === 'per-probe'
          ? 'per-probe'
          : 'batched',
      kubeNodes: [...this.nodeMap].map(([s, r]) => `${s}=${r.name}`),
      ...(this.proxyFacts
        ? { kubeProxyMode: this.proxyFacts.mode, kubeProxyModeSource: this.proxyFacts.source }
        : {}),
      kubePolicyEnforced: String(this.policyEnforced),
      ...(this.enforcementEvidence ? { kubePolicyEnforcementEvidence: this.enforcementEvidence } : {}),
    };
  }

  private installSignalHandlers(): void {
    const handler = (signal: NodeJS.Signals): void => {
      this.removeSignalHandlers();
      void this.teardown().finally(() => process.kill(process.pid, signal));
    };
    this.signalHandler = handler;
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }

  private removeSignalHandlers(): void {
    if (!this.signalHandler) return;
    process.off('SIGINT', this.signalHandler);
    process.off('SIGTERM', this.signalHandler);
    this.signalHandler = undefined;
  }

  private async listNodes(): Promise<V1Node[]> {
    const labelSelector = nodeSelectorText(this.options.nodeSelector ?? []);
    try {
      return (await this.clients.core.listNode(labelSelector !== undefined ? { labelSelector } : {})).items;
    } catch (error) {
      throw apiError('list nodes', this.clients.server, error);
    }
  }

  private async usableNodes(): Promise<RealNode[]> {
    if (!this.realNodes) {
      this.realNodes = (await this.listNodes())
        .filter(usableNode)
        .map(realNodeOf)
        .sort((a, b) => (a.name < b.name ? -1 : 1));
      if (this.realNodes.length === 0) {
        throw new PodnetTargetError(
          'PODNET_KUBE_NO_NODES',
          'no Ready, schedulable node matches',
          'check `kubectl get nodes` and --node-selector',
        );
      }
    }
    return this.realNodes;
  }

  private context(): RenderContext {
    return {
      runId: this.runId,
      image: this.image,
      nodeFor: (n) => (n === undefined ? undefined : this.nodeMap.get(n)?.name),
    };
  }

  async capabilities(): Promise<Capabilities> {
    if (this.caps && this.caps.policyEnforced === this.policyEnforced) return this.caps;
    const nodes = await this.usableNodes();
    await this.ensureReaders().catch((e: unknown) => {
      this.readerProblem = (e as Error).message;
    });
    const reader = this.readers?.values().next().value;
    const sctp = reader ? await this.sctpWorks(reader) : false;
    this.proxyFacts ??= await this.findProxyMode(reader);
    const backend = nodes
      .map((n) => n.annotations['flannel.alpha.coreos.com/backend-type'])
      .find((b) => b !== undefined);
    this.caps = {
      protocols: sctp ? ['TCP', 'UDP', 'SCTP'] : ['TCP', 'UDP'],
      ipv6: nodes.some(
        (n) => n.podCIDRs.some((c) => c.includes(':')) || n.addresses.some((a) => a.includes(':')),
      ),
      ipFamilies: ipFamiliesOf(nodes.map((n) => n.podCIDRs)),
      policyEnforced: this.policyEnforced,
      proxyModes: proxyModesOf(this.proxyFacts),
      ...(backend !== undefined ? { flannelBackend: backend } : {}),
      nodeState: this.readers !== undefined && this.readers.size > 0,
    };
    return this.caps;
  }

  /** SCTP found by trying: a connect to a closed local port is refused with SCTP, "protocol not supported" without. */
  private async sctpWorks(reader: ExecTarget): Promise<boolean> {
    const r = await this.run(
      kubectlExecArgv(this.connection, reader, [
        '/agnhost',
        'connect',
        '127.0.0.1:9',
        '--protocol=sctp',
        '--timeout=2s',
      ]),
      { timeoutMs: 20_000 },
    );
    return /connection refused/i.test(r.stderr + r.stdout);
  }

  private async findProxyMode(reader: ExecTarget | undefined): Promise<ProxyFacts | undefined> {
    if (reader) {
      const r = await this.run(
        kubectlExecArgv(this.connection, reader, [
          'curl',
          '-s',
          '--max-time',
          '2',
          'http://127.0.0.1:10249/proxyMode',
        ]),
        { timeoutMs: 20_000 },
      );
      const mode = r.exitCode === 0 ? parseProxyModeReply(r.stdout) : undefined;
      if (mode) return { mode, source: 'proxyMode endpoint' };
    }
    try {
      const cm = await this.clients.core.readNamespacedConfigMap({
        namespace: 'kube-system',
        name: 'kube-proxy',
      });
      const parsed = parseKubeProxyConfig(cm.data?.['config.conf'] ?? '');
      if (parsed) return { ...parsed, source: 'kube-proxy ConfigMap' };
    } catch {
      // No kube-proxy (a kube-proxy replacement): no proxy mode to model.
    }
    return undefined;
  }

  /** The last enforcement check, if one ran. */
  enforcement(): EnforcementCheck | undefined {
    return this.enforcementEvidence !== undefined
      ? { policyEnforced: this.policyEnforced, evidence: this.enforcementEvidence }
      : undefined;
  }

  /** Runs the deny-all check (policyEnforcement.ts) on this target and remembers the answer for `capabilities()`. */
  async checkPolicyEnforcement(signal?: AbortSignal): Promise<EnforcementCheck> {
    const real = await this.usableNodes();
    const nodes: [string, string] = ['node-1', real.length > 1 ? 'node-2' : 'node-1'];
    const result = await checkPolicyEnforcement(this, { nodes, ...(signal ? { signal } : {}) });
    this.policyEnforced = result.policyEnforced;
    this.enforcementEvidence = result.evidence;
    return result;
  }

  private async ensureReaders(): Promise<void> {
    if (this.readers) return;
    const nodes =
      this.nodeMap.size > 0
        ? [...new Map([...this.nodeMap.values()].map((n) => [n.name, n])).values()]
        : await this.usableNodes();
    const ns = systemNamespaceName(this.runId);
    await this.objects.ensureNamespace({ metadata: { name: ns, labels: runLabels(this.runId) } });
    const existing = new Set((await this.objects.pods(ns)).map((p) => p.metadata?.name));
    for (const n of nodes) {
      const body = renderReaderPod(n.name, this.context(), {
        flannel: n.annotations[`${FLANNEL_ANNOTATION_PREFIX}backend-type`] !== undefined,
      });
      if (!existing.has(body.metadata?.name)) await this.objects.createPod(body);
    }
    const wanted = new Map(nodes.map((n) => [`${ns}/${readerPodName(n.name)}`, true]));
    await waitForPods(wanted, () => this.objects.pods(ns), {
      timeoutMs: 60_000,
      intervalMs: POLL_MS,
      image: this.image,
    });
    this.readers = new Map(
      nodes.map((n) => [n.name, { namespace: ns, pod: readerPodName(n.name), container: READER_CONTAINER }]),
    );
  }

  async sync(cluster: Cluster, options: SyncOptions = {}): Promise<Realized> {
    this.tornDown = false;
    const scenarioNodes = cluster.nodes.map((n) => n.name);
    if (JSON.stringify(scenarioNodes) !== this.nodeMapKey) {
      this.nodeMap = scenarioNodes.length > 0 ? mapNodes(scenarioNodes, await this.listNodes()) : new Map();
      this.nodeMapKey = JSON.stringify(scenarioNodes);
      this.readers = undefined;
    }
    const rendered = renderCluster(cluster, this.context());
    const realNs = (n: string) => namespaceName(this.runId, n);

    // Namespaces: create or relabel.
    const wantedNs = new Map(cluster.namespaces.map((n, i) => [n.name, rendered.namespaces[i]!]));
    for (const [name, body] of wantedNs) {
      const labels = JSON.stringify(body.metadata?.labels ?? {});
      const had = this.namespaces.get(name);
      if (had === undefined) await this.objects.ensureNamespace(body);
      else if (had !== labels)
        await this.objects.patchNamespaceLabels(realNs(name), body.metadata?.labels ?? {});
      this.namespaces.set(name, labels);
    }
    // A namespace the cluster no longer has is emptied (by the loops below) but kept until teardown:
    // deleting it would leave it Terminating for a while, and the next scenario that uses the same
    // name (x, y, z recur) could not create pods in it. An empty namespace takes no traffic.

    // Pods: relabel in place; recreate when anything else changed. Each kind of change goes to the
    // API server as one burst (RunObjects bounds it).
    const wantedPods = new Map<ObjectKey, V1Pod>(cluster.pods.map((p, i) => [keyOf(p), rendered.pods[i]!]));
    const toCreate: V1Pod[] = [];
    const toDelete = new Map<string, Set<string>>();
    const toRelabel = new Map<string, Map<string, Record<string, string>>>();
    const addTo = <V>(m: Map<string, V>, ns: string, make: () => V): V => {
      if (!m.has(ns)) m.set(ns, make());
      return m.get(ns) as V;
    };
    for (const [key, body] of wantedPods) {
      const { labels, ...metaRest } = body.metadata ?? {};
      const shape = JSON.stringify({ metaRest, spec: body.spec });
      const labelText = JSON.stringify(labels ?? {});
      const had = this.pods.get(key);
      if (had && had.shape !== shape)
        addTo(toDelete, had.realNamespace, () => new Set<string>()).add(had.name);
      if (!had || had.shape !== shape) toCreate.push(body);
      else if (had.labels !== labelText)
        addTo(toRelabel, had.realNamespace, () => new Map<string, Record<string, string>>()).set(
          had.name,
          labels ?? {},
        );
      const pod = cluster.pods.find((p) => keyOf(p) === key)!;
      this.pods.set(key, {
        realNamespace: body.metadata?.namespace as string,
        name: body.metadata?.name as string,
        shape,
        labels: labelText,
        container: body.spec?.containers[0]?.name as string,
        wantReady: pod.ready,
      });
    }
    for (const [key, had] of [...this.pods]) {
      if (!wantedPods.has(key)) {
        addTo(toDelete, had.realNamespace, () => new Set<string>()).add(had.name);
        this.pods.delete(key);
      }
    }
    await Promise.all([...toRelabel].map(([ns, wanted]) => this.objects.relabelPods(ns, wanted)));
    if (toDelete.size > 0)
      await this.sessions?.closeWhere((t) => toDelete.get(t.namespace)?.has(t.pod) === true);
    await Promise.all([...toDelete].map(([ns, names]) => this.objects.deletePods(ns, names)));
    // Only a name that comes back must be gone first (else 409 AlreadyExists); the other deleted pods
    // leave on their own: they are in no probe, and the readiness wait below names only wanted pods.
    const reused = new Map<string, Set<string>>();
    for (const body of toCreate) {
      const ns = body.metadata?.namespace as string;
      const name = body.metadata?.name as string;
      if (toDelete.get(ns)?.has(name)) addTo(reused, ns, () => new Set<string>()).add(name);
    }
    await Promise.all(
      [...reused].map(([ns, names]) => this.waitGone(names, () => this.objects.pods(ns), `pods in ${ns}`)),
    );
    await this.objects.createPods(toCreate);

    // Services: recreate when changed (the ClusterIP is read back below).
    const wantedSvcs = new Map(cluster.services.map((s, i) => [keyOf(s), rendered.services[i]!]));
    for (const [key, body] of wantedSvcs) {
      const text = JSON.stringify(body);
      const had = this.services.get(key);
      if (had === text) continue;
      const ns = body.metadata?.namespace as string;
      if (had !== undefined) {
        const names = new Set([body.metadata?.name as string]);
        await this.objects.deleteServices(ns, names);
        await this.waitGone(names, () => this.objects.services(ns), `services in ${ns}`);
      }
      await this.objects.createService(body);
      this.services.set(key, text);
    }
    const goneSvcs = new Map<string, Set<string>>();
    for (const key of [...this.services.keys()]) {
      if (wantedSvcs.has(key)) continue;
      const [ns, name] = key.split('/') as [string, string];
      addTo(goneSvcs, realNs(ns), () => new Set<string>()).add(name);
      this.services.delete(key);
    }
    await Promise.all([...goneSvcs].map(([ns, names]) => this.objects.deleteServices(ns, names)));

    // Policies: create, replace in place, delete.
    const wantedPolicies = new Map(cluster.policies.map((p, i) => [keyOf(p), rendered.policies[i]!]));
    const newPolicies: V1NetworkPolicy[] = [];
    const changedPolicies: V1NetworkPolicy[] = [];
    for (const [key, body] of wantedPolicies) {
      const text = JSON.stringify(body);
      const had = this.policies.get(key);
      if (had === text) continue;
      (had === undefined ? newPolicies : changedPolicies).push(body);
      this.policies.set(key, text);
    }
    const gonePolicies = new Map<string, Set<string>>();
    for (const key of [...this.policies.keys()]) {
      if (wantedPolicies.has(key)) continue;
      const [ns, name] = key.split('/') as [string, string];
      addTo(gonePolicies, realNs(ns), () => new Set<string>()).add(name);
      this.policies.delete(key);
    }
    await Promise.all([
      this.objects.createPolicies(newPolicies),
      this.objects.replacePolicies(changedPolicies),
      ...[...gonePolicies].map(([ns, names]) => this.objects.deletePolicies(ns, names)),
    ]);

    // Wait for the pods, then read back what the cluster decided.
    const wanted = new Map([...this.pods.values()].map((p) => [`${p.realNamespace}/${p.name}`, p.wantReady]));
    const namespaces = [...new Set([...this.pods.values()].map((p) => p.realNamespace))];
    const listAll = async () => (await Promise.all(namespaces.map((ns) => this.objects.pods(ns)))).flat();
    const seen = await waitForPods(wanted, listAll, {
      timeoutMs: this.options.readyTimeoutMs ?? 180_000,
      intervalMs: this.kubeConfig ? WATCHED_POLL_MS : POLL_MS,
      image: this.image,
      ...(options.signal ? { signal: options.signal } : {}),
      ...(this.kubeConfig ? { watch: (onChange: () => void) => this.watchPods(namespaces, onChange) } : {}),
    });
    return this.readBack(cluster, seen);
  }

  /** Watches the run's pods in `namespaces`; every event calls `onChange`. Returns a stop function. */
  private async watchPods(namespaces: readonly string[], onChange: () => void): Promise<() => void> {
    const kc = this.kubeConfig as KubeConfig;
    const controllers = await Promise.all(
      namespaces.map((ns) =>
        new Watch(kc).watch(
          `/api/v1/namespaces/${ns}/pods`,
          { labelSelector: runSelector(this.runId) },
          () => onChange(),
          () => {},
        ),
      ),
    );
    return () => {
      for (const c of controllers) c.abort();
    };
  }

  private async waitGone(
    names: ReadonlySet<string>,
    list: () => Promise<{ metadata?: { name?: string } }[]>,
    what: string,
  ): Promise<void> {
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      const left = (await list()).filter((o) => names.has(o.metadata?.name ?? ''));
      if (left.length === 0) return;
      await new Promise((r) => setTimeout(r, GONE_POLL_MS));
    }
    throw new PodnetTargetError(
      'PODNET_KUBE_DELETE_STUCK',
      `${what} still exist 60s after deletion: ${[...names].join(', ')}`,
    );
  }

  private async readBack(cluster: Cluster, seen: ReadonlyMap<string, V1Pod>): Promise<Realized> {
    const podIPs: Record<ObjectKey, string[]> = {};
    this.hostnames.clear();
    for (const p of cluster.pods) {
      const applied = this.pods.get(keyOf(p));
      const live = applied ? seen.get(`${applied.realNamespace}/${applied.name}`) : undefined;
      const ips = (live?.status?.podIPs ?? [])
        .map((x) => x.ip)
        .filter((ip): ip is string => ip !== undefined);
      podIPs[keyOf(p)] = ips.length > 0 ? ips : live?.status?.podIP ? [live.status.podIP] : [];
      if (!p.hostNetwork) this.hostnames.set(podHostname(p.namespace, p.name), keyOf(p));
    }
    const serviceIPs: Record<ObjectKey, string> = {};
    // spec.clusterIPs[1]: a dual-stack Service's other family (core/v1 types.go ServiceSpec.ClusterIPs).
    const secondaryServiceIPs: Record<ObjectKey, string> = {};
    const svcNamespaces = [...new Set(cluster.services.map((s) => s.namespace))];
    for (const ns of svcNamespaces) {
      for (const s of await this.objects.services(namespaceName(this.runId, ns))) {
        const ip = s.spec?.clusterIP;
        if (!ip || ip === 'None') continue;
        serviceIPs[`${ns}/${s.metadata?.name}`] = ip;
        const second = s.spec?.clusterIPs?.[1];
        if (second) secondaryServiceIPs[`${ns}/${s.metadata?.name}`] = second;
      }
    }
    this.serviceIPs = new Set([...Object.values(serviceIPs), ...Object.values(secondaryServiceIPs)]);
    const nodeIPs: Record<string, string> = {};
    const nodeSubnets: Record<string, string> = {};
    for (const [scenario, real] of this.nodeMap) {
      if (real.internalIP !== undefined) nodeIPs[scenario] = real.internalIP;
      // flannel's kube subnet manager leases each node its spec.podCIDR.
      if (real.podCIDR !== undefined) nodeSubnets[scenario] = real.podCIDR;
    }
    return {
      podIPs,
      serviceIPs,
      ...(Object.keys(secondaryServiceIPs).length > 0 ? { secondaryServiceIPs } : {}),
      nodeIPs,
      nodeSubnets,
      clusterNetwork: clusterNetworkOf(
        [...this.nodeMap.values()].flatMap((n) => (n.podCIDR ? [n.podCIDR] : [])),
      ),
      // TEST-NET-3 (RFC 5737): never routed, so no cluster address falls in it.
      outsideNetwork: '203.0.113.0/24',
    };
  }

  /** The run's namespace for a scenario namespace (`podnet-<run>-x`), as by-hand commands name it. */
  realNamespace(scenarioNamespace: string): string {
    return namespaceName(this.runId, scenarioNamespace);
  }

  private sourceOf = (from: ObjectKey): ExecTarget | undefined => {
    const node = nodeOfSource(from);
    if (node !== undefined) {
      const real = this.nodeMap.get(node);
      return real ? this.readers?.get(real.name) : undefined;
    }
    const p = this.pods.get(from);
    return p ? { namespace: p.realNamespace, pod: p.name, container: p.container } : undefined;
  };

  async probe(probes: readonly ProbeRequest[], options: ProbeOptions): Promise<ProbeResult[]> {
    if (probes.some((p) => nodeOfSource(p.from) !== undefined)) await this.ensureReaders();
    return runKubeProbes(
      probes,
      {
        run: this.run,
        connection: this.connection,
        sourceOf: this.sourceOf,
        modeOf: (r) => (r.reply === true || this.serviceIPs.has(r.host) ? 'r' : 'c'),
        servedByOf: (reply) => this.hostnames.get(reply.trim()),
        ...(this.sessions ? { sessions: this.sessions } : {}),
      },
      {
        ...DEFAULT_PROBER_OPTIONS,
        mode: this.options.execMode ?? DEFAULT_PROBER_OPTIONS.mode,
        concurrency: Math.max(1, options.concurrency),
        execConcurrency: this.options.execConcurrency ?? DEFAULT_PROBER_OPTIONS.execConcurrency,
        ...(options.signal ? { signal: options.signal } : {}),
      },
    );
  }

  /** What the cluster's flannel runs (clusterFlannel.ts); read-only. */
  async clusterFlannel(): Promise<ClusterFlannel> {
    const netConf = await readFlannelNetConf(this.clients.core, this.clients.server);
    if (!netConf.ok) return netConf;
    let all: V1Node[];
    try {
      all = (await this.clients.core.listNode()).items;
    } catch (error) {
      throw apiError('list nodes', this.clients.server, error);
    }
    const version = await readFlannelVersion(this.clients.apps, netConf.namespace);
    return clusterFlannelOf(netConf, all, await this.usableNodes(), version);
  }

  async nodeStates(): Promise<NodeNetworkState[]> {
    await this.ensureReaders();
    const live = new Map((await this.listNodes()).map((n) => [n.metadata?.name ?? '', realNodeOf(n)]));
    const entries =
      this.nodeMap.size > 0
        ? [...this.nodeMap]
        : [...(this.readers ?? new Map()).keys()].map((n): [string, RealNode] => [
            n,
            live.get(n) as RealNode,
          ]);
    return Promise.all(
      entries.map(([scenario, real]) => {
        const reader = this.readers?.get(real.name);
        if (!reader)
          throw new PodnetTargetError(
            'PODNET_KUBE_NODE_STATE',
            `no reader pod on node ${real.name}${this.readerProblem ? `: ${this.readerProblem}` : ''}`,
          );
        return readKubeNodeState(
          scenario,
          reader,
          flannelAnnotations(live.get(real.name)?.annotations ?? {}),
          { run: this.run, connection: this.connection, timeoutMs: 30_000 },
        );
      }),
    );
  }

  async teardown(): Promise<void> {
    this.removeSignalHandlers();
    await this.sessions?.closeAll();
    if (this.tornDown) return;
    this.tornDown = true;
    if (this.options.keep) return;
    await this.objects.deleteNamespaces();
    this.namespaces.clear();
    this.pods.clear();
    this.services.clear();
    this.policies.clear();
    this.readers = undefined;
  }
}

/**
 * The families pods get, read from the nodes' podCIDRs (pods take their addresses from them), primary
 * first as the first node lists them; `[4]` when no node shows one.
 */
export function ipFamiliesOf(podCIDRsByNode: readonly (readonly string[])[]): (4 | 6)[] {
  const families: (4 | 6)[] = [];
  for (const cidrs of podCIDRsByNode) {
    for (const cidr of cidrs) {
      const family = cidr.includes(':') ? 6 : 4;
      if (!families.includes(family)) families.push(family);
    }
  }
  return families.length > 0 ? families : [4];
}

/** The smallest IPv4 CIDR that holds every pod CIDR (the cluster network, as far as the nodes show it). */
export function clusterNetworkOf(podCIDRs: readonly string[]): string {
  const ranges = podCIDRs
    .map(parseCidr)
    .filter((c) => c?.family === 4)
    .map((c) => cidrRange(c!.network, c!.prefixLength, 4));
  if (ranges.length === 0) return '0.0.0.0/32';
  const lo = BigInt(Math.min(...ranges.map((r) => Number(r.getFirst().value))));
  const hi = BigInt(Math.max(...ranges.map((r) => Number(r.getLast().value))));
  let prefix = 32;
  while (prefix > 0 && !rangeHoldsAddress(cidrRange(lo, prefix, 4), hi, 4)) prefix--;
  return formatCidr(cidrRange(lo, prefix, 4));
}

/**
 * Connects to the cluster the way kubectl would and checks that the API server answers and kubectl
 * runs, within the request timeout: an unreachable cluster is a clear target error (exit 3) in seconds.
 */
export async function openKubeTarget(options: KubeTargetOptions = {}): Promise<KubeTarget> {
  const kc =
    options.clients === undefined
      ? loadKubeConfig({
          ...(options.kubeconfig !== undefined ? { kubeconfig: options.kubeconfig } : {}),
          ...(options.context !== undefined ? { context: options.context } : {}),
          ...(options.env !== undefined ? { env: options.env } : {}),
        })
      : undefined;
  // A short bound for the first contact, so an unreachable cluster fails in seconds.
  const probeClients =
    options.clients ?? makeClients(kc as KubeConfig, options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS);
  try {
    await probeClients.core.getAPIResources();
  } catch (error) {
    throw apiError('connect', probeClients.server, error);
  }
  const clients =
    options.clients ?? makeClients(kc as KubeConfig, options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS);
  const run = options.run ?? execaRunner;
  const kubectl = await run([options.kubectl ?? 'kubectl', 'version', '--client'], { timeoutMs: 10_000 });
  if (kubectl.failure !== undefined || kubectl.exitCode !== 0) {
    throw new PodnetTargetError(
      'PODNET_KUBE_NO_KUBECTL',
      `kubectl is needed for probes and could not run: ${kubectl.failure ?? kubectl.stderr.trim()}`,
      'install kubectl and put it on PATH',
    );
  }
  return new KubeTarget(clients, options, kc);
}
