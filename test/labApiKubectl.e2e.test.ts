// The lab API (`podnet lab up --api`) with the real kubectl and client-node: get nodes, create -f, get pods
// -o wide, label, exec, invalid objects (422), duplicates (AlreadyExists), a watch, predict --from-cluster,
// delete and namespace deletion; the lab is always taken down and nothing of it is left.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Watch } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { makeClients } from '../adapters/kube/clients.ts';
import { loadKubeConfig } from '../adapters/kube/kubeconfig.ts';
import { cleanupLab } from '../adapters/lab/cleanup.ts';
import { testLabId } from '../adapters/lab/testing.ts';
import { labLeftovers } from './labLeftovers.ts';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
const LAB = testLabId();
let dir: string;
let kc: string;

const MANIFEST = `apiVersion: v1
kind: Namespace
metadata:
  name: x
  labels: {team: a}
---
apiVersion: v1
kind: Pod
metadata: {name: a, namespace: x, labels: {app: a}}
spec:
  nodeName: node-1
  containers:
  - name: web
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [serve-hostname, --tcp, --http=false, --port, "80"]
    ports: [{containerPort: 80, name: http}]
    readinessProbe: {tcpSocket: {port: 80}, periodSeconds: 1}
  - name: db
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [serve-hostname, --tcp, --http=false, --port, "5432"]
    ports: [{containerPort: 5432}]
---
apiVersion: v1
kind: Pod
metadata: {name: b, namespace: x, labels: {app: b}}
spec:
  nodeName: node-2
  containers:
  - name: client
    image: registry.k8s.io/e2e-test-images/agnhost:2.53
    args: [pause]
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: web-only, namespace: x}
spec:
  podSelector: {matchLabels: {app: a}}
  ingress:
  - ports: [{port: 80}]
---
apiVersion: v1
kind: Service
metadata: {name: web, namespace: x}
spec:
  selector: {app: a}
  ports: [{port: 8080, targetPort: http}]
`;

const kubectl = (args: readonly string[], input?: string) =>
  execa('kubectl', ['--kubeconfig', kc, ...args], {
    reject: false,
    timeout: 90_000,
    ...(input ? { input } : {}),
  });

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-labapi-'));
  kc = join(dir, 'lab.kubeconfig');
  await writeFile(join(dir, 'manifest.yaml'), MANIFEST);
  const up = await execa('node', [BIN, 'lab', 'up', '--api', '--lab', LAB, '--kubeconfig-out', kc], {
    cwd: dir,
    reject: false,
  });
  expect(up.exitCode, `${up.stdout}\n${up.stderr}`).toBe(0);
  expect(up.stdout).toMatch(/api https:\/\/127\.0\.0\.1:\d+ {2}kubeconfig /);
}, 180_000);

afterAll(async () => {
  const down = await execa('node', [BIN, 'lab', 'down', '--lab', LAB], { cwd: dir, reject: false });
  // Even when `lab down` failed, this test's lab (and only it) goes.
  if (down.exitCode !== 0) await cleanupLab(LAB, undefined, true);
  expect(down.exitCode, down.stderr).toBe(0);
  expect(await labLeftovers(LAB)).toEqual({ netns: [], links: [], processes: [] });
  await expect(readFile(kc, 'utf8')).rejects.toThrow();
  await rm(dir, { recursive: true, force: true });
}, 120_000);

describe('the lab API with the real kubectl', { tags: ['lab', 'e2e'] }, () => {
  test('lab status shows the API; the kubeconfig is mode 0600', async () => {
    const status = await execa('node', [BIN, 'lab', 'status'], { cwd: dir });
    expect(status.stdout).toMatch(
      new RegExp(`lab ${LAB} [\\s\\S]*api https://127\\.0\\.0\\.1:\\d+  kubeconfig ${kc}`),
    );
    const mode = (await execa('stat', ['-c', '%a', kc])).stdout.trim();
    expect(mode).toBe('600');
  });

  test('get nodes: the lab nodes, Ready, with their InternalIP, podCIDR and flannel annotations', async () => {
    const wide = await kubectl(['get', 'nodes', '-o', 'wide']);
    expect(wide.exitCode, wide.stderr).toBe(0);
    expect(wide.stdout).toMatch(
      /^node-1\s+Ready\s+<none>\s+\S+\s+v1\.33\.0-podnetlab\s+192\.168\.100\.10\s/m,
    );
    expect(wide.stdout).toMatch(
      /^node-2\s+Ready\s+<none>\s+\S+\s+v1\.33\.0-podnetlab\s+192\.168\.100\.11\s/m,
    );
    const node = JSON.parse((await kubectl(['get', 'node', 'node-1', '-o', 'json'])).stdout);
    expect(node.spec.podCIDR).toMatch(/^10\.244\.\d+\.0\/24$/);
    expect(node.metadata.labels['kubernetes.io/hostname']).toBe('node-1');
    expect(node.metadata.annotations['flannel.alpha.coreos.com/backend-type']).toBe('vxlan');
    expect(node.metadata.annotations['flannel.alpha.coreos.com/public-ip']).toBe('192.168.100.10');
  });

  test('create -f, then pods become Running and Ready with IPs (kubectl wait), get pods -o wide', async () => {
    const created = await kubectl(['create', '-f', join(dir, 'manifest.yaml')]);
    expect(created.exitCode, created.stderr).toBe(0);
    expect(created.stdout).toContain('pod/a created');
    expect(created.stdout).toContain('networkpolicy.networking.k8s.io/web-only created');
    const wait = await kubectl([
      'wait',
      '-n',
      'x',
      '--for=condition=Ready',
      'pod/a',
      'pod/b',
      '--timeout=60s',
    ]);
    expect(wait.exitCode, wait.stderr).toBe(0);
    const wide = await kubectl(['get', 'pods', '-n', 'x', '-o', 'wide']);
    expect(wide.stdout).toMatch(
      /^a\s+2\/2\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+node-1\s+<none>\s+<none>$/m,
    );
    expect(wide.stdout).toMatch(
      /^b\s+1\/1\s+Running\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+node-2\s+<none>\s+<none>$/m,
    );
    const eps = JSON.parse((await kubectl(['get', 'endpointslices', '-n', 'x', '-o', 'json'])).stdout);
    expect(eps.items[0].ports).toEqual([{ name: '', port: 80, protocol: 'TCP' }]);
  });

  test('exec: agnhost connect through the policy (80 allowed, 5432 not), in the real pod network', async () => {
    const a = JSON.parse((await kubectl(['get', 'pod', 'a', '-n', 'x', '-o', 'json'])).stdout);
    const ip = a.status.podIP as string;
    const ok = await kubectl([
      'exec',
      '-n',
      'x',
      'b',
      '--',
      '/agnhost',
      'connect',
      `${ip}:80`,
      '--timeout=2s',
    ]);
    expect(ok.exitCode, ok.stderr).toBe(0);
    const denied = await kubectl([
      'exec',
      '-n',
      'x',
      'b',
      '--',
      '/agnhost',
      'connect',
      `${ip}:5432`,
      '--timeout=2s',
    ]);
    expect(denied.exitCode).toBe(1);
    expect(denied.stdout + denied.stderr).toMatch(/TIMEOUT|REFUSED/);
    // serve-hostname answers with the pod's hostname, through the Service's ClusterIP.
    const svc = JSON.parse((await kubectl(['get', 'svc', 'web', '-n', 'x', '-o', 'json'])).stdout);
    const reply = await kubectl(['exec', '-n', 'x', 'b', '--', 'nc', '-w', '2', svc.spec.clusterIP, '8080']);
    expect(reply.stdout.trim()).toBe('a');
  });

  test('label: a merge patch, seen by a label selector', async () => {
    const r = await kubectl(['label', 'pod', '-n', 'x', 'b', 'tier=client']);
    expect(r.exitCode, r.stderr).toBe(0);
    expect(r.stdout).toContain('pod/b labeled');
    const sel = await kubectl(['get', 'pods', '-n', 'x', '-l', 'tier=client', '-o', 'name']);
    expect(sel.stdout.trim()).toBe('pod/b');
  });

  test('an invalid object is refused with 422 naming each field; a duplicate with AlreadyExists', async () => {
    const bad = await kubectl(
      ['create', '-f', '-'],
      'apiVersion: v1\nkind: Pod\nmetadata: {name: Bad_Name, namespace: x}\nspec:\n  containers:\n  - name: c\n    ports: [{containerPort: 70000}]\n',
    );
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain('The Pod "Bad_Name" is invalid');
    expect(bad.stderr).toContain('metadata.name: Invalid value: "Bad_Name"');
    expect(bad.stderr).toContain('spec.containers[0].ports[0].containerPort: Invalid value: 70000');
    expect(bad.stderr).toContain('spec.containers[0].image: Required value');
    const dup = await kubectl(['create', '-f', join(dir, 'manifest.yaml')]);
    expect(dup.exitCode).toBe(1);
    expect(dup.stderr).toContain('Error from server (AlreadyExists)');
    expect(dup.stderr).toContain('pods "a" already exists');
    const unknown = await kubectl(
      ['create', '-f', '-'],
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c, namespace: x}\ndatta: {}\n',
    );
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('strict decoding error: unknown field "datta"');
  });

  test("client-node (the kube adapter's makeClients) lists pods, and a Watch sees a new pod come up", async () => {
    const config = loadKubeConfig({ kubeconfig: kc });
    const { core } = makeClients(config);
    const list = await core.listNamespacedPod({ namespace: 'x' });
    expect(list.items.map((p) => p.metadata?.name).sort()).toEqual(['a', 'b']);
    const seen: string[] = [];
    let controller: AbortController | undefined;
    const ready = new Promise<void>((resolveReady, reject) => {
      const timer = setTimeout(() => reject(new Error(`no Ready event; saw ${seen.join(', ')}`)), 60_000);
      void new Watch(config)
        .watch(
          '/api/v1/namespaces/x/pods',
          { resourceVersion: list.metadata?.resourceVersion },
          (
            type,
            obj: {
              metadata?: { name?: string };
              status?: { conditions?: { type: string; status: string }[] };
            },
          ) => {
            const isReady = obj.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True');
            seen.push(`${type} ${obj.metadata?.name}${isReady ? ' ready' : ''}`);
            if (obj.metadata?.name === 'c' && isReady) {
              clearTimeout(timer);
              resolveReady();
            }
          },
          (err) => {
            if (err) reject(err);
          },
        )
        .then((c) => {
          controller = c;
        });
    });
    await new Promise((r) => setTimeout(r, 300));
    const created = await kubectl([
      'run',
      'c',
      '-n',
      'x',
      '--image=registry.k8s.io/e2e-test-images/agnhost:2.53',
      '--',
      'pause',
    ]);
    expect(created.exitCode, created.stderr).toBe(0);
    try {
      await ready;
    } finally {
      controller?.abort();
    }
    expect(seen[0]).toBe('ADDED c');
    expect(seen).toContain('MODIFIED c ready');
  });

  test('predict --from-cluster prints what predict -f prints for the same manifest', async () => {
    const fromFile = await execa('node', [BIN, 'predict', '-f', join(dir, 'manifest.yaml')], {
      cwd: dir,
      reject: false,
    });
    await kubectl(['delete', 'pod', 'c', '-n', 'x', '--grace-period=0', '--force']);
    await kubectl(['label', 'pod', '-n', 'x', 'b', 'tier-']);
    const fromCluster = await execa('node', [BIN, 'predict', '--from-cluster', '--kubeconfig', kc], {
      cwd: dir,
      reject: false,
    });
    expect(fromFile.exitCode, fromFile.stderr).toBe(0);
    expect(fromCluster.exitCode, fromCluster.stderr).toBe(0);
    expect(fromCluster.stdout).toBe(fromFile.stdout);
  });

  test('delete: a pod is Terminating, then gone; a namespace waits for its pods, then goes', async () => {
    const del = await kubectl(['delete', 'pod', 'b', '-n', 'x']);
    expect(del.exitCode, del.stderr).toBe(0);
    expect((await kubectl(['get', 'pod', 'b', '-n', 'x'])).stderr).toContain('pods "b" not found');
    const ns = await kubectl(['delete', 'namespace', 'x']);
    expect(ns.exitCode, ns.stderr).toBe(0);
    expect((await kubectl(['get', 'namespace', 'x'])).stderr).toContain('namespaces "x" not found');
    const names = (await kubectl(['get', 'ns', '-o', 'name'])).stdout.trim().split('\n').sort();
    expect(names).toEqual([
      'namespace/default',
      'namespace/kube-flannel',
      'namespace/kube-node-lease',
      'namespace/kube-public',
      'namespace/kube-system',
    ]);
  });
});
