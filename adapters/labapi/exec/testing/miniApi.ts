/**
 * A minimal stand-in for the lab API server, only what `kubectl exec` and client-node's Exec touch before
 * they open the stream (version, discovery, GET pod), routing the exec upgrade to acceptExec. Test-only: the
 * real server is adapters/labapi's. Plain HTTP on 127.0.0.1.
 */
import { writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { acceptExec } from '../acceptExec.ts';
import type { AcceptExecOptions, ExecSessionEnd } from '../types.ts';

export interface MiniApi {
  readonly url: string;
  readonly sessions: ExecSessionEnd[];
  /** Settles when every exec session seen so far has ended. */
  settled(): Promise<void>;
  /** Exec options for the next sessions (per pod, or one for all). */
  setOptions(options: AcceptExecOptions | OptionsFor): void;
  writeKubeconfig(file: string): Promise<void>;
  close(): Promise<void>;
}

const POD_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)$/;
const EXEC_PATH = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/exec$/;

function pod(namespace: string, name: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, uid: '00000000-0000-0000-0000-000000000001', resourceVersion: '1' },
    spec: {
      nodeName: 'node-1',
      containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53' }],
    },
    status: {
      phase: 'Running',
      conditions: [{ type: 'Ready', status: 'True' }],
      containerStatuses: [
        { name: 'c', ready: true, restartCount: 0, image: 'agnhost', imageID: '', state: { running: {} } },
      ],
    },
  };
}

const DISCOVERY: Record<string, object> = {
  '/version': { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' },
  '/api': {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      {
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        verbs: ['get', 'list'],
        shortNames: ['po'],
      },
      {
        name: 'pods/exec',
        singularName: '',
        namespaced: true,
        kind: 'PodExecOptions',
        verbs: ['create', 'get'],
      },
    ],
  },
};

/** The exec options for a pod, as the real server binds `spawn` to the pod's container. */
export type OptionsFor = (namespace: string, pod: string, container: string | undefined) => AcceptExecOptions;

const asFunction = (o: AcceptExecOptions | OptionsFor): OptionsFor => (typeof o === 'function' ? o : () => o);

export async function startMiniApi(initial: AcceptExecOptions | OptionsFor): Promise<MiniApi> {
  let optionsFor = asFunction(initial);
  const sessions: ExecSessionEnd[] = [];
  const running = new Set<Promise<ExecSessionEnd>>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const podMatch = POD_PATH.exec(path);
    const body = DISCOVERY[path] ?? (podMatch ? pod(podMatch[1] ?? '', podMatch[2] ?? '') : undefined);
    if (body === undefined) {
      res.writeHead(404, { 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          reason: 'NotFound',
          code: 404,
        }),
      );
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify(body));
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const m = EXEC_PATH.exec(path);
    if (!m) {
      socket.destroy();
      return;
    }
    const container = new URL(req.url ?? '/', 'http://x').searchParams.get('container') ?? undefined;
    const session = acceptExec(req, socket, head, optionsFor(m[1] ?? '', m[2] ?? '', container));
    running.add(session);
    void session.then((end) => {
      sessions.push(end);
      running.delete(session);
    });
  });
  server.on('request', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    sessions,
    settled: async () => {
      while (running.size > 0) await Promise.all([...running]);
    },
    setOptions: (next) => {
      optionsFor = asFunction(next);
    },
    writeKubeconfig: (file) =>
      writeFile(
        file,
        JSON.stringify({
          apiVersion: 'v1',
          kind: 'Config',
          // client-node refuses plain HTTP unless TLS verification is off (there is no TLS to verify).
          clusters: [{ name: 'mini', cluster: { server: url, 'insecure-skip-tls-verify': true } }],
          users: [{ name: 'mini', user: {} }],
          contexts: [{ name: 'mini', context: { cluster: 'mini', user: 'mini', namespace: 'default' } }],
          'current-context': 'mini',
        }),
      ),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
