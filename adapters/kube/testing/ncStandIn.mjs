#!/usr/bin/env node
// A stand-in for netcat-openbsd as the probe script uses it (`nc -w W host port </dev/null` for TCP,
// `printf 'hostname\n' | nc -u -w W host port` for UDP): prints whatever the server answers, exits 1
// when nothing came. Used only by tests (the lab equivalence test).
import dgram from 'node:dgram';
import net from 'node:net';

const args = process.argv.slice(2);
const udp = args.includes('-u');
const w = Number(args[args.indexOf('-w') + 1] ?? '1');
const [host, portText] = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '-w');
const port = Number(portText);
const done = (text) => {
  if (text) process.stdout.write(text);
  process.exit(text ? 0 : 1);
};
if (udp) {
  const socket = dgram.createSocket(host.includes(':') ? 'udp6' : 'udp4');
  setTimeout(() => done(''), w * 1000);
  socket.on('message', (msg) => done(msg.toString('utf8')));
  socket.on('error', () => done(''));
  socket.connect(port, host, (err) => (err ? done('') : socket.send('hostname\n')));
} else {
  let reply = '';
  const socket = net.connect({ host, port });
  setTimeout(() => done(reply), w * 1000);
  socket.setEncoding('utf8');
  socket.on('data', (d) => {
    reply += d;
  });
  socket.on('end', () => done(reply));
  socket.on('error', () => done(reply));
}
