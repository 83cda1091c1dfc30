// The kube target against a recording fake of the client-node API and a fake `kubectl exec`: ownership
// (every change and delete is of a run-labelled object found by a label-selected list), incremental
// sync, probes, node state parsed by the shared parser from the lab-captured fixtures, capabilities.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { Cluster, Pod } from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import { parseNodeState } from '../common/nodeState/index.ts';
import { cleanupRuns } from './cleanup.ts';
import type { ExecRunner } from './kubectlExec.ts';
import { clusterNetworkOf, ipFamiliesOf, KubeTarget, openKubeTarget } from './kubeTarget.ts';
import { RUN_LABEL } from './names.ts';
import { PROBE_SCRIPT } from './probeScript.ts';
import { FakeKube, type RecordedCall } from './testing/fakeKube.ts';

const RUN = 'a1b2c3';
const NODE_FIXTURES = join(import.meta.dirname, '..', 'common', 'nodeState', 'fixtures');
const fixture = (f: string) => readFileSync(join(NODE_FIXTURES, f), 'utf8');

const pod = (
  namespace: string,
  name: string,
  node: string,
  ports: [number, 'TCP' | 'UDP'][],
  labels: Record<string, string> = {},
): Pod => ({
  namespace,
  name,
  labels: { pod: name, ...labels },
  nodeName: node,
  hostNetwork: false,
  containers: [{ name: 'c', ports: ports.map(([containerPort, protocol]) => ({ containerPort, protocol })) }],
  ips: [],
  ready: true,
});

const NODES = [
  { name: 'node-1', labels: {}, segment: 0 },
  { name: 'node-2', labels: {}, segment: 0 },
];

const CLUSTER: Cluster = {
  nodes: NODES,
  namespaces: [
    { name: 'x', labels: { ns: 'x', [NAMESPACE_NAME_LABEL]: 'x' } },
    { name: 'y', labels: { ns: 'y', [NAMESPACE_NAME_LABEL]: 'y' } },
  ],
  pods: [
    pod('x', 'a', 'node-1', [[80, 'TCP']]),
    pod('x', 'b', 'node-2', [[80, 'TCP']]),
    pod('y', 'b', 'node-2', [[81, 'UDP']]),
  ],
  services: [
    {
      namespace: 'y',
      name: 's',
      selector: { pod: 'b' },
      ports: [{ protocol: 'UDP', port: 81, targetPort: 81 }],
      sessionAffinity: 'None',
      affinityTimeoutSeconds: 10800,
    },
  ],
  policies: [
    { namespace: 'x', name: 'deny', podSelector: {}, policyTypes: ['Ingress'], ingress: [] },
    {
      namespace: 'x',
      name: 'allow-y',
      podSelector: { matchLabels: { pod: 'a' } },
      policyTypes: ['Ingress'],
      ingress: [{ peers: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'y' } } }] }],
    },
  ],
};

/** A fake kubectl: `version`, the probe script (every `c` probe connects; `r` probes get a hostname), node commands. */
function fakeKubectl(execs: (readonly string[])[]): ExecRunner {
  return async (argv) => {
    execs.push(argv);
    const ok = (stdout: string) => ({ exitCode: 0, stdout, stderr: '', durationMs: 150 });
    if (argv.includes('version')) return ok('Client Version: v1.32.4');
    const at = argv.indexOf(PROBE_SCRIPT);
    if (at >= 0) {
      const tuples = argv.slice(at + 7);
      const lines: string[] = [];
      for (let i = 0; i + 4 < tuples.length; i += 5) {
        lines.push(
          tuples[i + 4] === 'r' ? `PODNET\t${tuples[i]}\t0\tr\ty-b` : `PODNET\t${tuples[i]}\t0\tc\t`,
        );
      }
      return ok(`${lines.join('\n')}\nPODNET-END\t${lines.length}\n`);
    }
    const cmd = argv.slice(argv.indexOf('--') + 1).join(' ');
    if (cmd === 'ip -j -d link show') return ok(fixture('ip-link.json'));
    if (cmd === 'ip -j addr show') return ok(fixture('ip-addr.json'));
    if (cmd === 'ip -j route show table main') return ok(fixture('ip-route.json'));
    if (cmd === 'ip -j neigh show') return ok(fixture('ip-neigh.json'));
    if (cmd === 'bridge -j fdb show') return ok(fixture('bridge-fdb.json'));
    if (cmd === 'cat /host/run/flannel/subnet.env') return ok(fixture('subnet.env'));
    if (cmd.startsWith('curl')) return ok('ipvs');
    if (cmd.startsWith('/agnhost connect 127.0.0.1:9'))
      return { exitCode: 1, stdout: '', stderr: 'OTHER: protocol not supported\n', durationMs: 5 };
    return { exitCode: 1, stdout: '', stderr: `unexpected ${cmd}`, durationMs: 1 };
  };
}

function foreignObjects(fake: FakeKube): void {
  fake.namespaces.set('kube-system', {
    metadata: { name: 'kube-system', labels: { [NAMESPACE_NAME_LABEL]: 'kube-system' } },
  });
  fake.namespaces.set('podnet-ffffff-x', {
    metadata: {
      name: 'podnet-ffffff-x',
      labels: { [RUN_LABEL]: 'ffffff', 'app.kubernetes.io/managed-by': 'podnet' },
    },
  });
  fake.pods.set('kube-system/coredns', {
    metadata: { name: 'coredns', namespace: 'kube-system', labels: { k8s: 'dns' } },
  });
}

/** Every write call, checked: each delete/patch/replace names an object this run created (by create calls). */
function writesOnlyOwned(calls: readonly RecordedCall[]): string[] {
  const created = new Set<string>();
  const problems: string[] = [];
  for (const c of calls) {
    const p = c.params as {
      name?: string;
      namespace?: string;
      body?: { metadata?: { name?: string; labels?: Record<string, string> } };
    };
    if (c.method.startsWith('create')) {
      if (p.body?.metadata?.labels?.[RUN_LABEL] !== RUN) problems.push(`${c.method} without the run label`);
      created.add(`${p.namespace ?? ''}/${p.body?.metadata?.name}`);
    } else if (/^(delete|patch|replace)/.test(c.method)) {
      const key = `${c.method.includes('Namespace(') || c.method === 'deleteNamespace' || c.method === 'patchNamespace' ? '' : (p.namespace ?? '')}/${p.name}`;
      if (!created.has(key)) problems.push(`${c.method} ${key} was not created by this run`);
    }
  }
  return problems;
}

describe('kube target against a recording fake API', () => {
  test('sync, change, probe, read node state, tear down: only run-labelled objects are ever written', async () => {
    const fake = new FakeKube();
    foreignObjects(fake);
    const execs: (readonly string[])[] = [];
    const target = await openKubeTarget({
      clients: fake.clients(),
      run: fakeKubectl(execs),
      runId: RUN,
      signalHandlers: false,
    });

    const realized = await target.sync(CLUSTER);
    expect(Object.keys(realized.podIPs).sort()).toEqual(['x/a', 'x/b', 'y/b']);
    expect(realized.serviceIPs['y/s']).toMatch(/^10\.96\.0\./);
    // node-1 and node-2 map onto the usable nodes: the control plane (NoSchedule) is usable via nodeName too.
    expect(realized.nodeIPs).toEqual({ 'node-1': '172.18.0.2', 'node-2': '172.18.0.3' });
    expect(realized.nodeSubnets).toEqual({ 'node-1': '10.244.0.0/24', 'node-2': '10.244.1.0/24' });
    expect(fake.pods.get('podnet-a1b2c3-x/a')?.spec?.nodeName).toBe('kind-control-plane');
    expect(
      fake.policies.get('podnet-a1b2c3-x/allow-y')?.spec?.ingress?.[0]?._from?.[0]?.namespaceSelector
        ?.matchLabels,
    ).toEqual({
      [NAMESPACE_NAME_LABEL]: 'podnet-a1b2c3-y',
    });

    // Probes: one exec per source pod; the Service probe reads the reply and names the backend.
    const results = await target.probe(
      [
        {
          id: 'p1',
          from: 'x/a',
          host: realized.podIPs['x/b']?.[0] as string,
          port: 80,
          protocol: 'TCP',
          timeoutMs: 1000,
        },
        {
          id: 'p2',
          from: 'x/a',
          host: realized.serviceIPs['y/s'] as string,
          port: 81,
          protocol: 'UDP',
          timeoutMs: 1000,
        },
        {
          id: 'p3',
          from: 'y/b',
          host: realized.podIPs['x/a']?.[0] as string,
          port: 80,
          protocol: 'TCP',
          timeoutMs: 1000,
        },
      ],
      { concurrency: 8 },
    );
    expect(results.map((r) => [r.id, r.outcome, r.servedBy])).toEqual([
      ['p1', 'connected', undefined],
      ['p2', 'connected', 'y/b'],
      ['p3', 'connected', undefined],
    ]);
    expect(execs.filter((a) => a.includes(PROBE_SCRIPT))).toHaveLength(2);

    // A step: relabel x/a (patched in place), change y/b's ports (recreated), drop a policy, change one, drop ns y's Service.
    const next: Cluster = {
      ...CLUSTER,
      pods: [
        pod('x', 'a', 'node-1', [[80, 'TCP']], { app: 'web' }),
        pod('x', 'b', 'node-2', [[80, 'TCP']]),
        pod('y', 'b', 'node-2', [[82, 'UDP']]),
      ],
      services: [],
      policies: [{ ...(CLUSTER.policies[1] as Cluster['policies'][number]), ingress: [] }],
    };
    await target.sync(next);
    expect(fake.pods.get('podnet-a1b2c3-x/a')?.metadata?.labels?.app).toBe('web');
    expect(fake.pods.get('podnet-a1b2c3-y/b')?.spec?.containers[0]?.name).toBe('cont-82-udp');
    expect([...fake.policies.keys()]).toEqual(['podnet-a1b2c3-x/allow-y']);
    expect(fake.services.size).toBe(0);
    const methods = fake.writes().map((c) => c.method);
    expect(methods).toContain('patchNamespacedPod');
    expect(methods).toContain('replaceNamespacedNetworkPolicy');

    // Node state: the lab-captured ip/bridge JSON, read through the reader pods, parsed by the shared parser.
    const states = await target.nodeStates();
    expect(states.map((s) => s.node)).toEqual(['node-1', 'node-2']);
    const expected = parseNodeState({
      node: 'node-1',
      ipLink: fixture('ip-link.json'),
      ipAddr: fixture('ip-addr.json'),
      ipRoute: fixture('ip-route.json'),
      ipNeigh: fixture('ip-neigh.json'),
      bridgeFdb: fixture('bridge-fdb.json'),
      subnetEnv: fixture('subnet.env'),
      annotations: {
        'flannel.alpha.coreos.com/backend-type': 'vxlan',
        'flannel.alpha.coreos.com/public-ip': '172.18.0.2',
      },
    });
    expect(states[0]).toEqual(expected);
    expect(states[0]?.subnetEnv?.FLANNEL_NETWORK).toBe('10.244.0.0/16');
    expect(states[0]?.routes.length).toBeGreaterThan(0);
    expect(states[0]?.fdb.length).toBeGreaterThan(0);

    const caps = await target.capabilities();
    expect(caps).toMatchObject({
      protocols: ['TCP', 'UDP'],
      ipv6: false,
      ipFamilies: [4],
      policyEnforced: 'unknown',
      proxyModes: ['round-robin'],
      flannelBackend: 'vxlan',
      nodeState: true,
    });

    await target.teardown();
    await target.teardown();
    expect([...fake.namespaces.keys()].sort()).toEqual(['kube-system', 'podnet-ffffff-x']);
    expect(fake.pods.has('kube-system/coredns')).toBe(true);
    expect(writesOnlyOwned(fake.calls)).toEqual([]);
    // Every list that preceded a change or delete asked the server for this run's label only.
    for (const c of fake.calls.filter((x) => /^list(Namespace|Namespaced)/.test(x.method))) {
      expect(c.params.labelSelector).toBe(`${RUN_LABEL}=${RUN},app.kubernetes.io/managed-by=podnet`);
    }
  });

  test('a namespace that already exists under the run name but without its label is refused and left alone', async () => {
    const fake = new FakeKube();
    fake.namespaces.set('podnet-a1b2c3-x', {
      metadata: { name: 'podnet-a1b2c3-x', labels: { team: 'someone' } },
    });
    const target = new KubeTarget(fake.clients(), {
      runId: RUN,
      run: fakeKubectl([]),
      signalHandlers: false,
    });
    await expect(target.sync(CLUSTER)).rejects.toThrow(
      /already exists and was not created by podnet run a1b2c3/,
    );
    await target.teardown();
    expect(fake.namespaces.get('podnet-a1b2c3-x')?.metadata?.labels).toEqual({ team: 'someone' });
    expect(fake.writes().filter((c) => c.method !== 'createNamespace')).toEqual([]);
  });

  test('delete paths skip objects in the run namespace that lack the run label', async () => {
    const fake = new FakeKube();
    const target = new KubeTarget(fake.clients(), {
      runId: RUN,
      run: fakeKubectl([]),
      signalHandlers: false,
    });
    await target.sync(CLUSTER);
    // Someone else's pod and policy in the run's namespace, with colliding names.
    fake.pods.set('podnet-a1b2c3-x/intruder', {
      metadata: { name: 'intruder', namespace: 'podnet-a1b2c3-x', labels: { pod: 'a' } },
    });
    fake.policies.set('podnet-a1b2c3-x/theirs', {
      metadata: { name: 'theirs', namespace: 'podnet-a1b2c3-x' },
    });
    await target.objects.deletePods('podnet-a1b2c3-x', new Set(['intruder', 'a']));
    await target.objects.deletePolicies('podnet-a1b2c3-x', new Set(['theirs']));
    expect(fake.pods.has('podnet-a1b2c3-x/intruder')).toBe(true);
    expect(fake.pods.has('podnet-a1b2c3-x/a')).toBe(false);
    expect(fake.policies.has('podnet-a1b2c3-x/theirs')).toBe(true);
    await expect(
      target.objects.patchPodLabels('podnet-a1b2c3-x', 'intruder', {
        [RUN_LABEL]: RUN,
        'app.kubernetes.io/managed-by': 'podnet',
      }),
    ).rejects.toThrow(/not labelled/);
    await expect(
      target.objects.createPod({
        metadata: {
          name: 'z',
          namespace: 'kube-system',
          labels: { [RUN_LABEL]: RUN, 'app.kubernetes.io/managed-by': 'podnet' },
        },
      }),
    ).rejects.toThrow(/namespace kube-system/);
    await expect(
      target.objects.createPod({ metadata: { name: 'z', namespace: 'podnet-a1b2c3-x' } }),
    ).rejects.toThrow(/run label/);
  });

  test('a batch with one object outside the run writes nothing of the batch', async () => {
    const fake = new FakeKube();
    const target = new KubeTarget(fake.clients(), {
      runId: RUN,
      run: fakeKubectl([]),
      signalHandlers: false,
    });
    await target.sync(CLUSTER);
    const labels = { [RUN_LABEL]: RUN, 'app.kubernetes.io/managed-by': 'podnet' };
    const before = fake.writes().length;
    await expect(
      target.objects.createPods([
        { metadata: { name: 'ok', namespace: 'podnet-a1b2c3-x', labels } },
        { metadata: { name: 'z', namespace: 'kube-system', labels } },
      ]),
    ).rejects.toThrow(/namespace kube-system/);
    await expect(
      target.objects.createPolicies([
        { metadata: { name: 'ok', namespace: 'podnet-a1b2c3-x', labels } },
        { metadata: { name: 'unlabelled', namespace: 'podnet-a1b2c3-x' } },
      ]),
    ).rejects.toThrow(/run label/);
    fake.policies.set('podnet-a1b2c3-x/theirs', {
      metadata: { name: 'theirs', namespace: 'podnet-a1b2c3-x' },
    });
    await expect(
      target.objects.replacePolicies([
        { metadata: { name: 'theirs', namespace: 'podnet-a1b2c3-x', labels } },
      ]),
    ).rejects.toThrow(/not labelled/);
    await expect(
      target.objects.relabelPods('podnet-a1b2c3-x', new Map([['nobody', labels]])),
    ).rejects.toThrow(/not labelled/);
    expect(fake.writes().length).toBe(before);
    await target.teardown();
  });

  test('keep: teardown leaves the run in place', async () => {
    const fake = new FakeKube();
    const target = new KubeTarget(fake.clients(), {
      runId: RUN,
      run: fakeKubectl([]),
      signalHandlers: false,
      keep: true,
    });
    await target.sync(CLUSTER);
    await target.teardown();
    expect(fake.namespaces.has('podnet-a1b2c3-x')).toBe(true);
  });
});

describe('podnet cleanup', () => {
  test('--run deletes only that run; --all every run; foreign and look-alike namespaces stay', async () => {
    const fake = new FakeKube();
    const ns = (name: string, labels: Record<string, string>) =>
      fake.namespaces.set(name, { metadata: { name, labels, uid: `uid-${name}` } });
    const owned = (id: string) => ({ [RUN_LABEL]: id, 'app.kubernetes.io/managed-by': 'podnet' });
    ns('podnet-a1b2c3-x', owned('a1b2c3'));
    ns('podnet-a1b2c3-sys', owned('a1b2c3'));
    ns('podnet-dddddd-y', owned('dddddd'));
    ns('podnet-eeeeee-z', { [RUN_LABEL]: 'eeeeee' }); // not managed-by podnet
    ns('prod', owned('a1b2c3')); // labelled, but not a podnet-<run>- name
    ns('kube-system', {});
    const one = await cleanupRuns(fake.clients(), { runId: 'a1b2c3' });
    expect(one.deleted.map((d) => d.namespace).sort()).toEqual(['podnet-a1b2c3-sys', 'podnet-a1b2c3-x']);
    const all = await cleanupRuns(fake.clients(), { all: true });
    expect(all.deleted.map((d) => d.namespace)).toEqual(['podnet-dddddd-y']);
    expect([...fake.namespaces.keys()].sort()).toEqual(['kube-system', 'podnet-eeeeee-z', 'prod']);
    await expect(cleanupRuns(fake.clients(), { runId: 'nope' })).rejects.toThrow(/6 hex digits/);
  });

  test('--all needs a valid run id in the label and the name, and deletes by uid', async () => {
    const fake = new FakeKube();
    const ns = (name: string, labels: Record<string, string>, uid?: string) =>
      fake.namespaces.set(name, { metadata: { name, labels, ...(uid ? { uid } : {}) } });
    const owned = (id: string) => ({ [RUN_LABEL]: id, 'app.kubernetes.io/managed-by': 'podnet' });
    ns('podnet-x-y', owned('x'), 'u1'); // the label is no run id, though the name fits it
    ns('podnet-prod-db', owned('prod'), 'u2');
    ns('podnet-abcdef-x', owned('abcdef'), 'u3');
    ns('podnet-abcdef-nouid', owned('abcdef'));
    const clients = fake.clients();
    // Between the list and the delete, podnet-abcdef-x is deleted and made again by someone else.
    const core = {
      ...clients.core,
      listNamespace: async (p: { labelSelector?: string }) => {
        const listed = await clients.core.listNamespace(p);
        ns('podnet-abcdef-x', owned('abcdef'), 'u3-again');
        return listed;
      },
    } as typeof clients.core;
    const result = await cleanupRuns({ ...clients, core }, { all: true });
    expect(result.deleted).toEqual([]);
    expect(result.skipped.map((x) => x.namespace).sort()).toEqual(['podnet-abcdef-nouid', 'podnet-abcdef-x']);
    expect([...fake.namespaces.keys()].sort()).toEqual([
      'podnet-abcdef-nouid',
      'podnet-abcdef-x',
      'podnet-prod-db',
      'podnet-x-y',
    ]);
    const deletes = fake.calls.filter((c) => c.method === 'deleteNamespace');
    expect(deletes.map((c) => c.params)).toEqual([
      { name: 'podnet-abcdef-x', propagationPolicy: 'Background', body: { preconditions: { uid: 'u3' } } },
    ]);
  });
});

test('the cluster network is the smallest CIDR holding every node lease', () => {
  expect(clusterNetworkOf(['10.244.0.0/24', '10.244.1.0/24', '10.244.2.0/24'])).toBe('10.244.0.0/22');
  expect(clusterNetworkOf(['10.244.5.0/24'])).toBe('10.244.5.0/24');
  // Leases are read as the API server wrote them; IPv6 and what does not parse are left out.
  expect(clusterNetworkOf(['fd00:10:244::/64', 'not-a-cidr', '10.244.5.7/24'])).toBe('10.244.5.0/24');
  expect(clusterNetworkOf(['0.0.0.0/1', '200.0.0.0/8'])).toBe('0.0.0.0/0');
  expect(clusterNetworkOf(['fd00:10:244::/64'])).toBe('0.0.0.0/32');
});

test('the ownership check itself flags a write to an object the run did not create', () => {
  const calls: RecordedCall[] = [
    {
      method: 'createNamespace',
      params: { body: { metadata: { name: 'podnet-a1b2c3-x', labels: { [RUN_LABEL]: RUN } } } },
    },
    { method: 'deleteNamespace', params: { name: 'podnet-a1b2c3-x' } },
    { method: 'deleteNamespace', params: { name: 'kube-system' } },
    { method: 'deleteNamespacedPod', params: { namespace: 'podnet-a1b2c3-x', name: 'a' } },
  ];
  expect(writesOnlyOwned(calls)).toEqual([
    'deleteNamespace /kube-system was not created by this run',
    'deleteNamespacedPod podnet-a1b2c3-x/a was not created by this run',
  ]);
});

test('a namespace dropped by one scenario is emptied, not deleted, so the next one can use the name at once', async () => {
  const fake = new FakeKube();
  const target = new KubeTarget(fake.clients(), { runId: RUN, run: fakeKubectl([]), signalHandlers: false });
  await target.sync(CLUSTER);
  const onlyX: Cluster = {
    ...CLUSTER,
    namespaces: CLUSTER.namespaces.filter((n) => n.name === 'x'),
    pods: CLUSTER.pods.filter((p) => p.namespace === 'x'),
    services: [],
  };
  await target.sync(onlyX);
  expect(fake.namespaces.has('podnet-a1b2c3-y')).toBe(true);
  expect([...fake.pods.keys()].filter((k) => k.startsWith('podnet-a1b2c3-y/'))).toEqual([]);
  expect(fake.calls.some((c) => c.method === 'deleteNamespace')).toBe(false);
  const again = await target.sync({
    ...CLUSTER,
    namespaces: [{ name: 'y', labels: { env: 'dev', [NAMESPACE_NAME_LABEL]: 'y' } }, ...onlyX.namespaces],
  });
  expect(again.podIPs['y/b']?.length).toBe(1);
  expect(fake.namespaces.get('podnet-a1b2c3-y')?.metadata?.labels?.env).toBe('dev');
  await target.teardown();
  expect([...fake.namespaces.keys()]).toEqual([]);
});

test("ipFamiliesOf: the families of the nodes' podCIDRs, primary first; [4] when none shows", () => {
  expect(ipFamiliesOf([['10.244.0.0/24', 'fd00:10:244::/64'], ['10.244.1.0/24']])).toEqual([4, 6]);
  expect(ipFamiliesOf([['fd00:10:244:1::/64', '10.244.1.0/24']])).toEqual([6, 4]);
  expect(ipFamiliesOf([['fd00:10:244::/64']])).toEqual([6]);
  expect(ipFamiliesOf([[], []])).toEqual([4]);
});
