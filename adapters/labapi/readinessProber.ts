/**
 * Readiness probes, run for real as the kubelet's prober runs them (pkg/kubelet/prober/worker.go,
 * prober.go; pkg/probe/tcp, pkg/probe/http, pkg/probe/exec):
 * - one worker per container with a readinessProbe; its result starts as Failure (a container is not ready
 *   until a probe passed); no probe before `initialDelaySeconds` after the container started; then one probe
 *   every `periodSeconds`, each bounded by `timeoutSeconds`;
 * - the result flips only after `successThreshold` successes or `failureThreshold` failures in a row;
 * - tcpSocket: a TCP connection from the node's network namespace to the pod IP and port (the kubelet probes
 *   from the host); httpGet: a GET from the node, success for 200 ≤ status < 400, `User-Agent:
 *   kube-probe/<major>.<minor>`; exec: the command in the container, success for exit code 0;
 * - a container without a readiness probe is ready once it runs.
 * Named ports resolve against the container's own ports (pkg/kubelet/prober/prober.go findPortByName).
 */
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

/** How probes reach the lab. */
export interface ProbeRunner {
  tcp(node: string, host: string, port: number, timeoutMs: number): Promise<boolean>;
  http(node: string, url: string, timeoutMs: number): Promise<boolean>;
  exec(pod: ApiObject, container: string, argv: readonly string[], timeoutMs: number): Promise<boolean>;
}

interface Worker {
  timer?: NodeJS.Timeout;
  stopped: boolean;
  result: boolean;
  run: number;
  lastRaw?: boolean;
}

function objects(v: unknown): Obj[] {
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

function resolvePort(port: unknown, container: Obj): number | undefined {
  if (typeof port === 'number') return port;
  if (typeof port === 'string') {
    if (/^\d+$/.test(port)) return Number(port);
    const found = objects(container.ports).find((p) => p.name === port);
    return typeof found?.containerPort === 'number' ? found.containerPort : undefined;
  }
  return undefined;
}

export interface ProberOptions {
  /** Containers of these pod uids never pass (the API's "never Ready" fault). */
  readonly neverReady?: (podUid: string) => boolean;
}

export class ReadinessProber {
  private readonly workers = new Map<string, Map<string, Worker>>();

  constructor(
    private readonly runner: ProbeRunner,
    /** Called when a pod's readiness changed. */
    private readonly onChange: (podUid: string) => void,
    private readonly options: ProberOptions = {},
  ) {}

  /** Starts the workers of a running pod (once per pod uid). */
  ensure(pod: ApiObject, podIP: string, startedAt: number): void {
    const uid = String(pod.metadata.uid);
    if (this.workers.has(uid)) return;
    const spec = (pod.spec ?? {}) as Obj;
    const node = String(spec.nodeName);
    const map = new Map<string, Worker>();
    this.workers.set(uid, map);
    for (const c of objects(spec.containers)) {
      const probe = c.readinessProbe as Obj | undefined;
      const name = String(c.name);
      if (!probe) continue;
      const worker: Worker = { stopped: false, result: false, run: 0 };
      map.set(name, worker);
      const period = Number(probe.periodSeconds ?? 10) * 1000;
      const timeout = Number(probe.timeoutSeconds ?? 1) * 1000;
      const initialDelay = Number(probe.initialDelaySeconds ?? 0) * 1000;
      const success = Number(probe.successThreshold ?? 1);
      const failure = Number(probe.failureThreshold ?? 3);
      const tick = async (): Promise<void> => {
        if (worker.stopped) return;
        const ok = this.options.neverReady?.(uid)
          ? false
          : await this.runOnce(pod, c, probe, node, podIP, timeout);
        if (worker.stopped) return;
        worker.run = worker.lastRaw === ok ? worker.run + 1 : 1;
        worker.lastRaw = ok;
        const threshold = ok ? success : failure;
        if (worker.run >= threshold && worker.result !== ok) {
          worker.result = ok;
          this.onChange(uid);
        }
        worker.timer = setTimeout(() => void tick(), period);
      };
      const wait = Math.max(0, startedAt + initialDelay - Date.now());
      worker.timer = setTimeout(() => void tick(), wait);
    }
  }

  private async runOnce(
    pod: ApiObject,
    container: Obj,
    probe: Obj,
    node: string,
    podIP: string,
    timeoutMs: number,
  ): Promise<boolean> {
    try {
      if (probe.tcpSocket) {
        const t = probe.tcpSocket as Obj;
        const port = resolvePort(t.port, container);
        if (port === undefined) return false;
        return await this.runner.tcp(
          node,
          typeof t.host === 'string' && t.host ? t.host : podIP,
          port,
          timeoutMs,
        );
      }
      if (probe.httpGet) {
        const h = probe.httpGet as Obj;
        const port = resolvePort(h.port, container);
        if (port === undefined) return false;
        const scheme = String(h.scheme ?? 'HTTP').toLowerCase();
        const host = typeof h.host === 'string' && h.host ? h.host : podIP;
        const path = String(h.path ?? '/');
        return await this.runner.http(
          node,
          `${scheme}://${host}:${port}${path.startsWith('/') ? path : `/${path}`}`,
          timeoutMs,
        );
      }
      if (probe.exec) {
        const command = ((probe.exec as Obj).command ?? []) as string[];
        return await this.runner.exec(pod, String(container.name), command, timeoutMs);
      }
    } catch {
      return false;
    }
    return false;
  }

  /** Readiness of each container of the pod (no probe: ready). */
  readiness(pod: ApiObject): Map<string, boolean> {
    const uid = String(pod.metadata.uid);
    const map = this.workers.get(uid);
    const out = new Map<string, boolean>();
    for (const c of objects(((pod.spec ?? {}) as Obj).containers)) {
      const name = String(c.name);
      const w = map?.get(name);
      out.set(
        name,
        c.readinessProbe
          ? (w?.result ?? false) && !this.options.neverReady?.(uid)
          : !this.options.neverReady?.(uid),
      );
    }
    return out;
  }

  stop(podUid: string): void {
    const map = this.workers.get(podUid);
    if (!map) return;
    for (const w of map.values()) {
      w.stopped = true;
      if (w.timer) clearTimeout(w.timer);
    }
    this.workers.delete(podUid);
  }

  stopAll(): void {
    for (const uid of [...this.workers.keys()]) this.stop(uid);
  }

  /** Pod uids with workers. */
  tracked(): string[] {
    return [...this.workers.keys()];
  }
}
