/**
 * One running lab API: the lab (a LabTarget it owns), the store and registry, the controllers, the kubelet's
 * probes, the exec route and the HTTPS listener, put together. `daemon.ts` runs it as the long-lived
 * process behind `podnet lab up --api`; tests may run it in-process.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import type { ProxyMode } from '../../spec/target.ts';
import type { FaultName } from '../lab/faults.ts';
import { LabTarget } from '../lab/labTarget.ts';
import type { PodReply } from '../lab/pods.ts';
import { ApiFaults, formatApiFaults, parseApiFaults } from './apiFaults.ts';
import { API_RECORD, type LabApiRecord } from './apiRecord.ts';
import { bootstrap } from './bootstrap.ts';
import { asV1Pod, containerProblems, type LabNodesView } from './containerSandbox.ts';
import { podServers } from './containers/podServers.ts';
import { ensureAgnhostConnect, ensureSandboxInit } from './containers/sandbox.ts';
import { LabControllers } from './controllers.ts';
import { type ApiCredentials, makeCredentials } from './credentials.ts';
import { type ExecRouting, execHandler, runInContainer } from './execRoute.ts';
import { listenApi, type RunningApiServer } from './httpsServer.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { labProbeRunner } from './labProbes.ts';
import { registerNodes } from './nodeObjects.ts';
import { ReadinessProber } from './readinessProber.ts';
import { Registry } from './registry.ts';
import { type ApiObject, ObjectStore } from './store.ts';

export interface LabApiOptions {
  readonly labId: string;
  readonly stateRoot?: string;
  readonly nodes?: number;
  readonly segments?: number;
  readonly backend?: FlannelBackendType;
  readonly faults?: readonly FaultName[];
  readonly proxyMode?: ProxyMode;
  /** `--api-faults` text (apiFaults.ts). */
  readonly apiFaults?: string;
  /** Where to write the kubeconfig (absolute path). */
  readonly kubeconfigOut: string;
  /** Port to listen on (default 0: a free one). */
  readonly port?: number;
  readonly log?: (line: string) => void;
  /** Tear the lab down on SIGINT/SIGTERM (default true; the daemon handles signals itself). */
  readonly signalHandlers?: boolean;
}

/** What `lab status` shows and `lab down` needs: `/run/podnet/<id>/api.json`. */
export class LabApi {
  readonly lab: LabTarget;
  readonly store = new ObjectStore();
  readonly registry = new Registry(this.store);
  readonly faults: ApiFaults;
  private controllers: LabControllers | undefined;
  private server: RunningApiServer | undefined;
  private prober: ReadinessProber | undefined;
  private credentials: ApiCredentials | undefined;
  private readonly replies = new Map<string, readonly PodReply[]>();
  private record: LabApiRecord | undefined;
  /** The compiled `agnhost connect` the sandboxes run (built at start). */
  private fastConnect: string | undefined;

  constructor(readonly options: LabApiOptions) {
    const log = options.log;
    this.faults = new ApiFaults(
      parseApiFaults(options.apiFaults),
      Number.parseInt(options.labId, 16),
      log ? (l) => log(l) : undefined,
    );
    this.lab = new LabTarget({
      labId: options.labId,
      ...(options.stateRoot ? { stateDir: options.stateRoot } : {}),
      ...(options.nodes !== undefined ? { nodes: options.nodes } : {}),
      ...(options.segments !== undefined ? { segments: options.segments } : {}),
      ...(options.backend ? { backend: options.backend } : {}),
      faults: options.faults ?? [],
      proxyMode: options.proxyMode ?? 'random',
      signalHandlers: options.signalHandlers ?? false,
      podReplies: (pod: Pod) => this.replies.get(keyOf(pod)),
    });
  }

  get url(): string | undefined {
    return this.server?.url;
  }

  private nodesView(): LabNodesView {
    return {
      paths: this.lab.paths,
      nodeIndex: (name) => this.lab.labNodes().find((n) => n.name === name)?.index,
    };
  }

  private routing(): ExecRouting {
    return {
      labPrefix: this.lab.names.prefix,
      lab: this.nodesView(),
      podNetns: (key) => this.lab.podNetns(key),
      faults: this.faults,
      ...(this.options.log ? { log: this.options.log } : {}),
      ...(this.fastConnect ? { fastConnect: this.fastConnect } : {}),
    };
  }

  /** Builds the lab, starts the controllers and the listener, writes the kubeconfig and api.json. */
  async start(): Promise<LabApiRecord> {
    const log = this.options.log;
    await this.lab.sync({ nodes: [], namespaces: [], pods: [], services: [], policies: [] });
    this.fastConnect = await ensureAgnhostConnect(this.lab.paths.root);
    await ensureSandboxInit(this.lab.paths.root);
    this.credentials = await makeCredentials(join(this.lab.paths.dir, 'api'), this.options.labId);
    bootstrap(this.registry, this.options.proxyMode ?? 'random', this.lab.defaultNetConf());
    await registerNodes(this.registry, this.lab.labNodes(), (n) => this.lab.paths.nodeDir(n.index));
    const routing = this.routing();
    this.prober = new ReadinessProber(
      labProbeRunner(this.lab, (pod, container, argv, timeoutMs) =>
        runInContainer(routing, pod, container, argv, timeoutMs),
      ),
      () => this.controllers?.wake(),
      { neverReady: (uid) => this.faults.neverReady(uid) },
    );
    this.controllers = new LabControllers(
      this.registry,
      {
        sync: async (cluster) => {
          this.replies.clear();
          for (const p of this.store.list('pods'))
            this.replies.set(`${p.metadata.namespace}/${p.metadata.name}`, repliesOf(p));
          const realized = await this.lab.sync(cluster);
          await this.persist();
          return realized;
        },
        nodes: () => this.lab.labNodes(),
      },
      this.prober,
      {
        containerProblems: (pod) => containerProblems(this.nodesView(), pod),
        ...(log ? { log } : {}),
      },
    );
    this.controllers.start();
    this.server = await listenApi(
      this.credentials,
      {
        registry: this.registry,
        store: this.store,
        token: this.credentials.token,
        faults: this.faults,
        exec: execHandler(routing),
        ...(log ? { log } : {}),
      },
      this.options.port ?? 0,
    );
    await writeKubeconfig(this.options.kubeconfigOut, {
      labId: this.options.labId,
      url: this.server.url,
      caCertPem: this.credentials.caCertPem,
      token: this.credentials.token,
    });
    this.record = {
      labId: this.options.labId,
      url: this.server.url,
      kubeconfig: this.options.kubeconfigOut,
      pid: process.pid,
      apiFaults: formatApiFaults(this.faults.plan),
      startedAt: new Date().toISOString(),
    };
    await this.persist();
    return this.record;
  }

  /**
   * Writes api.json (and the credentials) into the lab's state folder; again after a lab rebuild, which
   * recreates that folder.
   */
  private async persist(): Promise<void> {
    if (!this.record) return;
    const file = join(this.lab.paths.dir, API_RECORD);
    if (existsSync(file)) return;
    await mkdir(this.lab.paths.dir, { recursive: true });
    await writeFile(file, `${JSON.stringify(this.record, null, 2)}\n`);
  }

  /** Controllers idle (tests). */
  async settle(): Promise<void> {
    await this.controllers?.idle();
  }

  async stop(teardownLab = true): Promise<void> {
    await this.server?.close();
    await this.controllers?.stop();
    if (teardownLab) await this.lab.teardown();
  }
}

/** What the lab's agent of a pod answers: agnhost's replies (SCTP cannot be served by this kernel). */
function repliesOf(pod: ApiObject): readonly PodReply[] {
  return podServers(asV1Pod(pod))
    .replies.filter(
      (r): r is typeof r & { protocol: 'TCP' | 'UDP' } => r.protocol === 'TCP' || r.protocol === 'UDP',
    )
    .map((r) => ({ port: r.port, protocol: r.protocol, mode: r.mode, text: r.text }));
}
