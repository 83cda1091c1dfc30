#!/usr/bin/env node
// A stand-in for `/agnhost connect` (agnhost's image cannot be pulled here). It prints what
// test/images/agnhost/connect/connect.go prints (kubernetes/kubernetes @ a0d8ee7): nothing and exit 0
// when connected; `TIMEOUT`, `REFUSED`, `OTHER: <err>` for TCP; `TIMEOUT: <err>`, `REFUSED: <err>`,
// `UNKNOWN: <err>` for UDP (after sending `hostname\n` and requiring at least one byte back).
// Used only by tests (the lab equivalence test), never by the adapter on a cluster.
import dgram from 'node:dgram';
import net from 'node:net';

const GO_ERRNO = {
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EHOSTDOWN: 'host is down',
  ENETDOWN: 'network is down',
  ECONNRESET: 'connection reset by peer',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
};

function fail(text) {
  process.stderr.write(`${text}\n`);
  process.exit(1);
}

const [cmd, dest, ...flags] = process.argv.slice(2);
if (cmd !== 'connect' || !dest) fail('UNKNOWN: usage: connect host:port --timeout=D --protocol=P');
const flag = (name, dflt) => flags.find((f) => f.startsWith(`--${name}=`))?.slice(name.length + 3) ?? dflt;
const timeoutText = flag('timeout', '0s');
const ms = timeoutText.endsWith('ms')
  ? Number(timeoutText.slice(0, -2))
  : Number(timeoutText.replace(/s$/, '')) * 1000;
const protocol = flag('protocol', 'tcp');
const m = /^\[?([^\]]+)\]?:(\d+)$/.exec(dest);
if (!m) fail(`UNKNOWN: address ${dest}: missing port in address`);
const [, host, portText] = m;
const port = Number(portText);

if (protocol === 'tcp') {
  const socket = net.connect({ host, port });
  const timer = setTimeout(() => {
    socket.destroy();
    fail('TIMEOUT');
  }, ms || 1000);
  socket.on('connect', () => {
    clearTimeout(timer);
    socket.destroy();
    process.exit(0);
  });
  socket.on('error', (e) => {
    clearTimeout(timer);
    if (e.code === 'ECONNREFUSED') fail('REFUSED');
    fail(`OTHER: dial tcp ${dest}: connect: ${GO_ERRNO[e.code] ?? e.message}`);
  });
} else if (protocol === 'udp') {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  const local = () => {
    try {
      const a = socket.address();
      return `${a.address}:${a.port}`;
    } catch {
      return '0.0.0.0:0';
    }
  };
  const timer = setTimeout(() => fail(`TIMEOUT: read udp ${local()}->${dest}: i/o timeout`), ms || 1000);
  socket.on('message', (msg) => {
    clearTimeout(timer);
    if (msg.length === 0)
      fail('OTHER: No data received from the server. Cannot guarantee the server received the request.');
    process.exit(0);
  });
  socket.on('error', (e) => {
    clearTimeout(timer);
    if (e.code === 'ECONNREFUSED') fail(`REFUSED: read udp ${local()}->${dest}: read: connection refused`);
    fail(`UNKNOWN: read udp ${local()}->${dest}: read: ${GO_ERRNO[e.code] ?? e.message}`);
  });
  socket.connect(port, host, (err) => {
    if (err) fail(`OTHER: ${err.message}`);
    socket.send('hostname\n');
  });
} else {
  fail(`UNKNOWN: unsupported protocol ${protocol}`);
}
