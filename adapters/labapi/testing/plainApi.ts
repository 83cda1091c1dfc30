/**
 * Test helper: the lab API's handlers on plain HTTP (127.0.0.1, a random port), over a fresh store with the
 * bootstrap objects, no lab behind it. For tests of the REST semantics that need no root.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { bootstrap } from '../bootstrap.ts';
import { Registry } from '../registry.ts';
import { createApiHandlers, type RequestFaults } from '../server.ts';
import { ObjectStore, type StoreOptions } from '../store.ts';
import type { WatchBehaviour } from '../watch.ts';

const TEST_TOKEN = 'test-token';

export interface PlainApi {
  readonly url: string;
  readonly store: ObjectStore;
  readonly registry: Registry;
  /** fetch with the bearer token; JSON body when given an object. */
  call(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<Response>;
  close(): Promise<void>;
}

export async function startPlainApi(
  options: { store?: StoreOptions; faults?: RequestFaults; watch?: WatchBehaviour } = {},
): Promise<PlainApi> {
  const store = new ObjectStore(options.store);
  const registry = new Registry(store);
  bootstrap(registry, 'random');
  let address = '';
  const handlers = createApiHandlers({
    registry,
    store,
    token: TEST_TOKEN,
    serverAddress: () => address,
    ...(options.faults ? { faults: options.faults } : {}),
    ...(options.watch ? { watch: options.watch } : {}),
  });
  const server = createServer((req, res) => void handlers.handleRequest(req, res));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  address = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  const url = `http://${address}`;
  return {
    url,
    store,
    registry,
    call: (method, path, body, headers = {}) =>
      fetch(`${url}${path}`, {
        method,
        headers: {
          Authorization: `Bearer ${TEST_TOKEN}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
          ...headers,
        },
        ...(body !== undefined ? { body: typeof body === 'string' ? body : JSON.stringify(body) } : {}),
      }),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
