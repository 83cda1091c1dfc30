// The control loop against a recording fake of the lab (no root): scheduling, the kubelet's status and
// readiness, Terminating pods and namespaces, EndpointSlices, and a pod recreated under the same name.
import { afterEach, describe, expect, test } from 'vitest';
import type { Cluster } from '../../spec/model.ts';
import type { Realized } from '../../spec/scenario.ts';
import type { LabNode } from '../lab/topology.ts';
import { bootstrap } from './bootstrap.ts';
import { LabControllers } from './controllers.ts';
import { type ProbeRunner, ReadinessProber } from './readinessProber.ts';
import { Registry } from './registry.ts';
import { resourceOfKind } from './resources.ts';
import { type ApiObject, ObjectStore } from './store.ts';

type Obj = Record<string, unknown>;

const NODES = [
  {
    name: 'node-1',
    ip: '192.168.100.10',
    netns: 'x-n0',
    index: 0,
    segment: 0,
    lease: { base: 0, prefixLength: 24 },
    vtepMac: '',
  },
  {
    name: 'node-2',
    ip: '192.168.100.11',
    netns: 'x-n1',
    index: 1,
    segment: 0,
    lease: { base: 0, prefixLength: 24 },
    vtepMac: '',
  },
] as LabNode[];

class FakeLab {
  readonly clusters: Cluster[] = [];
  private readonly ips = new Map<string, string>();
  private next = 2;
  async sync(cluster: Cluster): Promise<Realized> {
    this.clusters.push(cluster);
    const keys = new Set(cluster.pods.map((p) => `${p.namespace}/${p.name}`));
    for (const k of [...this.ips.keys()]) if (!keys.has(k)) this.ips.delete(k);
    for (const k of keys) if (!this.ips.has(k)) this.ips.set(k, `10.244.0.${this.next++}`);
    await new Promise((r) => setTimeout(r, 10));
    return {
      podIPs: Object.fromEntries([...this.ips].map(([k, ip]) => [k, [ip]])),
      serviceIPs: {},
      nodeIPs: {},
      nodeSubnets: {},
      clusterNetwork: '10.244.0.0/16',
      outsideNetwork: '192.168.200.0/24',
    };
  }
  nodes(): readonly LabNode[] {
    return NODES;
  }
  podsIn(i: number): string[] {
    return (this.clusters[i]?.pods ?? []).map((p) => `${p.namespace}/${p.name}`);
  }
}

let stops: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const s of stops) await s();
  stops = [];
});

function setup(runner: Partial<ProbeRunner> = {}, neverReady?: (uid: string) => boolean) {
  const store = new ObjectStore();
  const registry = new Registry(store);
  bootstrap(registry, 'random');
  for (const n of NODES) {
    registry.createInternal(resourceOfKind('Node'), {
      metadata: { name: n.name, labels: { 'kubernetes.io/hostname': n.name } },
      status: {
        conditions: [{ type: 'Ready', status: 'True' }],
        addresses: [{ type: 'InternalIP', address: n.ip }],
      },
    });
  }
  const lab = new FakeLab();
  let controllers: LabControllers | undefined;
  const probes: ProbeRunner = {
    tcp: runner.tcp ?? (async () => true),
    http: runner.http ?? (async () => true),
    exec: runner.exec ?? (async () => true),
  };
  const prober = new ReadinessProber(probes, () => controllers?.wake(), neverReady ? { neverReady } : {});
  controllers = new LabControllers(registry, lab, prober, { debounceMs: 5 });
  controllers.start();
  stops.push(() => (controllers as LabControllers).stop());
  return { registry, store, lab, controllers };
}

const pods = resourceOfKind('Pod');

async function until<T>(what: string, f: () => T | undefined, boundMs = 10_000): Promise<T> {
  const deadline = Date.now() + boundMs;
  while (Date.now() < deadline) {
    const v = f();
    if (v !== undefined && v !== false) return v;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`not reached within ${boundMs} ms: ${what}`);
}

const condition = (o: ApiObject | undefined, type: string) =>
  ((((o?.status ?? {}) as Obj).conditions ?? []) as Obj[]).find((c) => c.type === type)?.status;

function createPod(
  registry: Registry,
  ns: string,
  name: string,
  spec: Obj = {},
  labels: Record<string, string> = { app: name },
) {
  return registry.create(pods, ns, {
    metadata: { name, labels },
    spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 80 }] }], ...spec },
  }).object;
}

describe('pod lifecycle', () => {
  test('scheduled, realized, Running with IPs, Ready without a probe; a Service gets an EndpointSlice', async () => {
    const { registry, lab } = setup();
    registry.create(resourceOfKind('Service'), 'default', {
      metadata: { name: 's' },
      spec: { selector: { app: 'a' }, ports: [{ port: 80 }] },
    });
    createPod(registry, 'default', 'a');
    const ready = await until('a Ready', () => {
      const o = registry.find(pods, 'default', 'a');
      return condition(o, 'Ready') === 'True' ? o : undefined;
    });
    const spec = ready.spec as Obj;
    const status = ready.status as Obj;
    expect(spec.nodeName).toBe('node-1');
    expect(status.phase).toBe('Running');
    expect(status.podIP).toMatch(/^10\.244\.0\.\d+$/);
    expect(status.hostIP).toBe('192.168.100.10');
    // The lab (its service proxy) learns the readiness on the next pass, as kube-proxy follows endpoints.
    await until(
      'the lab has the pod ready',
      () =>
        lab.clusters
          .at(-1)
          ?.pods.map((p) => `${p.name} ${p.ready}`)
          .join() === 'a true',
    );
    const slice = await until('slice with the pod', () =>
      registry.store
        .list('endpointslices.discovery.k8s.io')
        .find((s) => ((s.endpoints ?? []) as Obj[]).length === 1),
    );
    expect(slice.metadata.labels).toMatchObject({ 'kubernetes.io/service-name': 's' });
    expect(slice.ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
    expect((slice.endpoints as Obj[])[0]).toMatchObject({
      addresses: [status.podIP],
      conditions: { ready: true },
    });
    expect(registry.find(resourceOfKind('Endpoints'), 'default', 's')?.subsets).toEqual([
      expect.objectContaining({ addresses: [expect.objectContaining({ ip: status.podIP })] }),
    ]);
  });

  test('a failing readiness probe keeps the pod Running but not Ready (ContainersNotReady), until it passes', async () => {
    let passing = false;
    const { registry, lab } = setup({ tcp: async () => passing });
    createPod(registry, 'default', 'a', {
      nodeName: 'node-2',
      containers: [
        { name: 'c', image: 'agnhost', readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 1 } },
      ],
    });
    const notReady = await until('Running', () => {
      const o = registry.find(pods, 'default', 'a');
      return ((o?.status ?? {}) as Obj).phase === 'Running' ? o : undefined;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const after = registry.find(pods, 'default', 'a');
    expect(condition(after, 'Ready')).toBe('False');
    expect(
      (((after?.status ?? {}) as Obj).conditions as Obj[]).find((c) => c.type === 'Ready'),
    ).toMatchObject({
      reason: 'ContainersNotReady',
      message: 'containers with unready status: [c]',
    });
    expect(notReady).toBeDefined();
    expect(lab.clusters.at(-1)?.pods[0]?.ready).toBe(false);
    passing = true;
    await until(
      'Ready after the probe passes',
      () => condition(registry.find(pods, 'default', 'a'), 'Ready') === 'True',
    );
    await until('the lab learns the readiness', () => lab.clusters.at(-1)?.pods[0]?.ready === true);
  });

  test('the never-ready fault keeps a pod not Ready although its probe passes', async () => {
    const { registry } = setup({}, () => true);
    createPod(registry, 'default', 'a');
    await until(
      'Running',
      () => ((registry.find(pods, 'default', 'a')?.status ?? {}) as Obj).phase === 'Running',
    );
    await new Promise((r) => setTimeout(r, 300));
    expect(condition(registry.find(pods, 'default', 'a'), 'Ready')).toBe('False');
  });

  test('a deleted pod is Terminating, leaves the lab, and goes once the lab stopped it (before its grace period ends)', async () => {
    const { registry, lab } = setup();
    createPod(registry, 'default', 'a');
    await until(
      'Running',
      () => ((registry.find(pods, 'default', 'a')?.status ?? {}) as Obj).phase === 'Running',
    );
    const r = registry.delete(pods, 'default', 'a');
    expect(((r.body as ApiObject).metadata as Obj).deletionTimestamp).toBeDefined();
    expect(registry.find(pods, 'default', 'a')).toBeDefined();
    await until('gone', () => registry.find(pods, 'default', 'a') === undefined || undefined);
    expect(lab.podsIn(lab.clusters.length - 1)).toEqual([]);
  });

  test('a pod recreated under the same name leaves the lab before the new one enters it', async () => {
    const { registry, lab } = setup();
    createPod(registry, 'default', 'a', { nodeName: 'node-1' });
    await until(
      'Running',
      () => ((registry.find(pods, 'default', 'a')?.status ?? {}) as Obj).phase === 'Running',
    );
    const before = lab.clusters.length;
    registry.delete(pods, 'default', 'a', { gracePeriodSeconds: 0 });
    createPod(registry, 'default', 'a', { nodeName: 'node-1' });
    await until(
      'new pod Running',
      () => ((registry.find(pods, 'default', 'a')?.status ?? {}) as Obj).phase === 'Running',
    );
    const seen = lab.clusters.slice(before).map((c) => c.pods.length);
    expect(seen).toContain(0);
  });
});

describe('namespace deletion', () => {
  test('Terminating while it holds pods; its pods are deleted; then it is gone', async () => {
    const { registry } = setup();
    registry.create(resourceOfKind('Namespace'), undefined, { metadata: { name: 'x' } });
    createPod(registry, 'x', 'a', { terminationGracePeriodSeconds: 5 });
    await until('Running', () => ((registry.find(pods, 'x', 'a')?.status ?? {}) as Obj).phase === 'Running');
    registry.delete(resourceOfKind('Namespace'), undefined, 'x');
    const ns = registry.find(resourceOfKind('Namespace'), undefined, 'x');
    expect(((ns?.status ?? {}) as Obj).phase).toBe('Terminating');
    await until(
      'namespace gone',
      () => registry.find(resourceOfKind('Namespace'), undefined, 'x') === undefined || undefined,
    );
    expect(registry.find(pods, 'x', 'a')).toBeUndefined();
  });
});
