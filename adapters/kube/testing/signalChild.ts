/**
 * Test helper process: a KubeTarget (with its own SIGINT/SIGTERM handlers) on a FakeKube that writes
 * the namespaces it holds to a file after every call. It syncs a cluster, prints `ready`, and waits to
 * be signalled; the parent then checks the file. argv: <state file>.
 */
import { writeFileSync } from 'node:fs';
import { KubeTarget } from '../kubeTarget.ts';
import { FakeKube } from './fakeKube.ts';

const stateFile = process.argv[2] as string;
const fake = new FakeKube();
fake.namespaces.set('kube-system', { metadata: { name: 'kube-system', labels: {} } });
const clients = fake.clients();
const save = () => writeFileSync(stateFile, JSON.stringify([...fake.namespaces.keys()].sort()));
// Record the state after every call the adapter makes.
for (const api of [clients.core, clients.networking] as unknown as Record<
  string,
  (...a: unknown[]) => Promise<unknown>
>[]) {
  for (const [name, fn] of Object.entries(api)) {
    api[name] = async (...a: unknown[]) => {
      try {
        return await fn(...a);
      } finally {
        save();
      }
    };
  }
}
const target = new KubeTarget(clients, {
  runId: 'c0ffee',
  run: async () => ({ exitCode: 0, stdout: '', stderr: '', durationMs: 0 }),
});
await target.sync({
  nodes: [{ name: 'node-1', labels: {}, segment: 0 }],
  namespaces: [{ name: 'x', labels: { 'kubernetes.io/metadata.name': 'x' } }],
  pods: [
    {
      namespace: 'x',
      name: 'a',
      labels: {},
      nodeName: 'node-1',
      hostNetwork: false,
      containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' }] }],
      ips: [],
      ready: true,
    },
  ],
  services: [],
  policies: [],
});
save();
process.stdout.write('ready\n');
setInterval(() => {}, 1000);
