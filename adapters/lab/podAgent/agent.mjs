// The lab's pod agent. Runs inside one pod's network namespace (or a node's, for hostNetwork pods).
// Plain ESM for node, no imports of ours: it must start in tens of milliseconds.
// argv: --podnet-lab=<prefix> <config JSON: {key, sock, tcp: number[], udp: number[], replies?: PodReply[], dualStack?: true}>
// dualStack: servers listen on :: (IPv4 clients arrive as ::ffff:a.b.c.d and are answered as a.b.c.d).
// Serves every TCP/UDP port, replying `<ns>/<pod> <source address>` (or, given `replies`, exactly those
// listeners with their texts, see pods.ts PodReply); runs probes sent as JSON lines on
// the unix socket `sock` (outside the pod network, so policies never block it) and answers one JSON line each.
import dgram from 'node:dgram';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';

const config = JSON.parse(process.argv[3] ?? '{}');
const key = String(config.key);
const anyAddress = config.dualStack ? '::' : '0.0.0.0';
const udpType = config.dualStack ? 'udp6' : 'udp4';

function plainAddress(address) {
  return typeof address === 'string' && address.startsWith('::ffff:') ? address.slice(7) : String(address);
}

// Given replies (the lab API: what agnhost's serve-hostname/porter would answer), serve exactly those
// listeners; otherwise every declared TCP/UDP port answers `<ns>/<pod> <source>`.
const replies = Array.isArray(config.replies) ? config.replies : undefined;
const tcpServed = replies
  ? replies.filter((r) => r.mode === 'tcp-raw').map((r) => ({ port: r.port, answer: () => r.text }))
  : (config.tcp ?? []).map((port) => ({ port, answer: (source) => `${key} ${source}\n` }));
const udpServed = replies
  ? replies.filter((r) => r.mode === 'udp').map((r) => ({ port: r.port, answer: () => r.text }))
  : (config.udp ?? []).map((port) => ({ port, answer: (source) => `${key} ${source}\n` }));
const httpServed = replies ? replies.filter((r) => r.mode === 'http') : [];

for (const { port, answer } of tcpServed) {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end(answer(plainAddress(socket.remoteAddress)));
  });
  server.on('error', (e) => process.stderr.write(`tcp ${port}: ${e.message}\n`));
  server.listen({ port, host: anyAddress, backlog: 4096 });
}
for (const { port, answer } of udpServed) {
  const socket = dgram.createSocket(udpType);
  socket.on('error', (e) => process.stderr.write(`udp ${port}: ${e.message}\n`));
  socket.on('message', (_msg, rinfo) => {
    socket.send(answer(plainAddress(rinfo.address)), rinfo.port, rinfo.address);
  });
  socket.bind(port, anyAddress);
}
for (const { port, text } of httpServed) {
  // Go's net/http answers a handler's plain text as text/plain; charset=utf-8.
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end(text);
  });
  server.on('error', (e) => process.stderr.write(`http ${port}: ${e.message}\n`));
  server.listen({ port, host: anyAddress, backlog: 4096 });
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EHOSTDOWN', 'ENETDOWN']);

function probeTcp(req, done) {
  let reply = '';
  let connected = false;
  const socket = net.connect({ host: req.h, port: req.p });
  const timer = setTimeout(() => {
    socket.destroy();
    done(connected ? { o: 'connected', r: reply.trim(), d: 'no reply before timeout' } : { o: 'timeout' });
  }, req.ms);
  socket.setEncoding('utf8');
  socket.on('connect', () => {
    connected = true;
  });
  socket.on('data', (d) => {
    reply += d;
  });
  socket.on('end', () => {
    clearTimeout(timer);
    socket.destroy();
    done({ o: 'connected', r: reply.trim() });
  });
  socket.on('error', (e) => {
    clearTimeout(timer);
    socket.destroy();
    if (connected) done({ o: 'connected', r: reply.trim(), d: e.code });
    else done(REFUSED.has(e.code) ? { o: 'refused', d: e.code } : { o: 'error', d: e.code ?? e.message });
  });
}

function probeUdp(req, done) {
  const socket = dgram.createSocket(String(req.h).includes(':') ? 'udp6' : 'udp4');
  let finished = false;
  const finish = (result) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    try {
      socket.close();
    } catch {}
    done(result);
  };
  const timer = setTimeout(() => finish({ o: 'timeout' }), req.ms);
  socket.on('message', (msg) => finish({ o: 'connected', r: msg.toString('utf8').trim() }));
  socket.on('error', (e) =>
    finish(REFUSED.has(e.code) ? { o: 'refused', d: e.code } : { o: 'error', d: e.code ?? e.message }),
  );
  socket.connect(req.p, req.h, (err) => {
    if (err) return finish({ o: 'error', d: err.code ?? err.message });
    socket.send('probe\n', (e) => {
      if (e)
        finish(REFUSED.has(e.code) ? { o: 'refused', d: e.code } : { o: 'error', d: e.code ?? e.message });
    });
  });
}

function runProbe(req, reply) {
  const start = process.hrtime.bigint();
  const done = (result) => reply({ i: req.i, ...result, ms: Number(process.hrtime.bigint() - start) / 1e6 });
  try {
    if (req.t === 'TCP') probeTcp(req, done);
    else if (req.t === 'UDP') probeUdp(req, done);
    else done({ o: 'unsupported', d: `protocol ${req.t} is not supported by this kernel` });
  } catch (e) {
    done({ o: 'error', d: e instanceof Error ? e.message : String(e) });
  }
}

try {
  fs.unlinkSync(config.sock);
} catch {}
const control = net.createServer((conn) => {
  let buffer = '';
  conn.setEncoding('utf8');
  conn.on('error', () => {});
  conn.on('data', (chunk) => {
    buffer += chunk;
    let nl = buffer.indexOf('\n');
    while (nl >= 0) {
      const line = buffer.slice(0, nl);
      buffer = buffer.slice(nl + 1);
      if (line.length > 0) {
        let req;
        try {
          req = JSON.parse(line);
        } catch {
          req = undefined;
        }
        if (req) runProbe(req, (res) => conn.writable && conn.write(`${JSON.stringify(res)}\n`));
      }
      nl = buffer.indexOf('\n');
    }
  });
});
control.listen(config.sock, () => {
  // The parent waits for this line, then closes the pipe; nothing else is ever written to stdout.
  process.stdout.write('ready\n');
});
process.on('SIGTERM', () => process.exit(0));
