/**
 * Local servers for tests of the probe scripts (batched and session): a TCP server that answers `reply`
 * and closes, a UDP echo of `udpReply`, a TCP server that accepts and never answers, and a port that was
 * just free (nothing listens: refused). All on 127.0.0.1; `close()` stops them.
 */
import dgram from 'node:dgram';
import net from 'node:net';

export interface LocalServers {
  readonly tcpPort: number;
  readonly udpPort: number;
  readonly silentPort: number;
  readonly closedPort: number;
  close(): void;
}

async function listen(server: net.Server): Promise<number> {
  server.listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  return (server.address() as net.AddressInfo).port;
}

export async function startLocalServers(reply: string, udpReply: string): Promise<LocalServers> {
  const tcp = net.createServer((s) => {
    s.on('error', () => {}); // clients that only test the connection reset it
    s.end(reply);
  });
  const silent = net.createServer((s) => s.on('error', () => {}));
  const udp = dgram.createSocket('udp4');
  udp.on('message', (_m, rinfo) => udp.send(udpReply, rinfo.port, rinfo.address));
  await new Promise<void>((r) => udp.bind(0, '127.0.0.1', () => r()));
  const probe = net.createServer();
  const closedPort = await listen(probe);
  await new Promise((r) => probe.close(r));
  return {
    tcpPort: await listen(tcp),
    udpPort: udp.address().port,
    silentPort: await listen(silent),
    closedPort,
    close() {
      tcp.close();
      silent.close();
      udp.close();
    },
  };
}
