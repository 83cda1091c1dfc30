/**
 * The lab API's listener: HTTPS on 127.0.0.1 with the lab's serving certificate, a random free port
 * (port 0), requests and upgrades handed to the handlers of server.ts. Only loopback: the lab API is never
 * reachable from another machine.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { ApiCredentials } from './credentials.ts';
import { type ApiServerDeps, createApiHandlers } from './server.ts';

export interface RunningApiServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export async function listenApi(
  credentials: Pick<ApiCredentials, 'serverCertPem' | 'serverKeyPem'>,
  deps: Omit<ApiServerDeps, 'serverAddress'>,
  port = 0,
): Promise<RunningApiServer> {
  let address = '127.0.0.1:0';
  const handlers = createApiHandlers({ ...deps, serverAddress: () => address });
  const server: Server = createServer(
    { cert: credentials.serverCertPem, key: credentials.serverKeyPem },
    (req, res) => void handlers.handleRequest(req, res),
  );
  const sockets = new Set<Socket>();
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('upgrade', (req, socket, head) => void handlers.handleUpgrade(req, socket, head));
  server.on('clientError', (_e, socket) => socket.destroy());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve());
  });
  const actual = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${actual}`;
  return {
    url: `https://${address}`,
    port: actual,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}
