// Test-only agent for the netfilter testbed: runs in one network namespace, serves TCP/UDP ports
// replying `<name> <source address seen>`, and runs probes read as JSON lines on stdin
// ({id, proto, host, port, ms}), answering one JSON line each on stdout ({id, outcome, reply?, detail?}).
// argv: <name> <tcp ports comma-separated> <udp ports comma-separated>
import dgram from 'node:dgram';
import net from 'node:net';
import readline from 'node:readline';

const [name = '?', tcpList = '', udpList = ''] = process.argv.slice(2);
const ports = (list) =>
  list
    .split(',')
    .filter((p) => p !== '')
    .map(Number);

function plain(address) {
  return String(address).replace(/^::ffff:/, '');
}

const listening = [];
for (const port of ports(tcpList)) {
  const server = net.createServer((socket) => {
    socket.on('error', () => {});
    socket.end(`${name} ${plain(socket.remoteAddress)}\n`);
  });
  listening.push(new Promise((resolve) => server.listen({ port, host: '0.0.0.0', backlog: 1024 }, resolve)));
}
for (const port of ports(udpList)) {
  const socket = dgram.createSocket('udp4');
  socket.on('message', (_m, rinfo) => socket.send(`${name} ${rinfo.address}\n`, rinfo.port, rinfo.address));
  listening.push(new Promise((resolve) => socket.bind(port, '0.0.0.0', resolve)));
}

const REFUSED = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH']);

function probeTcp(req, done) {
  let reply = '';
  const socket = net.connect({ host: req.host, port: req.port });
  const timer = setTimeout(() => {
    socket.destroy();
    done({ outcome: 'timeout' });
  }, req.ms);
  socket.setEncoding('utf8');
  socket.on('data', (d) => {
    reply += d;
  });
  socket.on('end', () => {
    clearTimeout(timer);
    socket.destroy();
    done({ outcome: 'connected', reply: reply.trim() });
  });
  socket.on('error', (e) => {
    clearTimeout(timer);
    socket.destroy();
    done({ outcome: REFUSED.has(e.code) ? 'refused' : 'error', detail: e.code });
  });
}

function probeUdp(req, done) {
  const socket = dgram.createSocket('udp4');
  let finished = false;
  const finish = (r) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    socket.close();
    done(r);
  };
  const timer = setTimeout(() => finish({ outcome: 'timeout' }), req.ms);
  socket.on('message', (m) => finish({ outcome: 'connected', reply: String(m).trim() }));
  // A connected UDP socket reports ICMP port-unreachable as ECONNREFUSED.
  socket.on('error', (e) => finish({ outcome: REFUSED.has(e.code) ? 'refused' : 'error', detail: e.code }));
  socket.connect(req.port, req.host, () => socket.send('probe'));
}

readline.createInterface({ input: process.stdin }).on('line', (line) => {
  const req = JSON.parse(line);
  const answer = (r) => process.stdout.write(`${JSON.stringify({ id: req.id, ...r })}\n`);
  if (req.proto === 'UDP') probeUdp(req, answer);
  else probeTcp(req, answer);
});
process.stdin.on('end', () => process.exit(0));
Promise.all(listening).then(() => process.stdout.write(`${JSON.stringify({ ready: name })}\n`));
