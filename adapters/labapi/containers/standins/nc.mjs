#!/usr/bin/env node
// The lab API's stand-in for netcat-openbsd (`nc` in agnhost's image), the part the kube adapter's probe
// script uses (`nc -w W HOST PORT </dev/null`, `printf 'hostname\n' | nc -u -w W HOST PORT`) plus -z, -v, -N:
// - TCP: connect (giving up after W seconds), copy stdin to the connection and the connection to stdout,
//   exit 0 when the server closes; with -N shut down the sending side at stdin's end; idle W seconds: exit;
//   a failed connect prints `nc: connect to HOST port PORT (tcp) failed: <error>` and exits 1;
// - UDP: every stdin chunk is a datagram, every datagram received goes to stdout; exit once nothing moved
//   for W seconds after stdin ended (without -w it waits for ever, as netcat does); an ICMP error exits 1.
// The probe script runs `nc -v` for TCP and tells refused from timed out by the failure line, whose wording
// follows netcat-openbsd (Debian's netcat-openbsd 1.219, netcat.c; kube adapter classifyConnect.ts).
import dgram from 'node:dgram';
import net from 'node:net';

const ERRNO = {
  ECONNREFUSED: 'Connection refused',
  EHOSTUNREACH: 'No route to host',
  ENETUNREACH: 'Network is unreachable',
  ETIMEDOUT: 'Connection timed out',
  ECONNRESET: 'Connection reset by peer',
};

const args = process.argv.slice(2);
const opts = { u: false, z: false, v: false, N: false, w: undefined };
const positional = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i];
  if (a === '-w') opts.w = Number(args[++i]);
  else if (/^-w\d+$/.test(a)) opts.w = Number(a.slice(2));
  else if (/^-[uzvN]+$/.test(a)) for (const c of a.slice(1)) opts[c] = true;
  else if (a.startsWith('-')) {
    process.stderr.write(
      `nc: invalid option -- '${a.slice(1)}'\nusage: nc [-46CDdFhklNnrStUuvZz] [-w timeout] [destination] [port]\n`,
    );
    process.exit(1);
  } else positional.push(a);
}
const [host, portText] = positional;
if (host === undefined || portText === undefined) {
  process.stderr.write('usage: nc [-46CDdFhklNnrStUuvZz] [-w timeout] [destination] [port]\n');
  process.exit(1);
}
const port = Number(portText);
const waitMs = opts.w !== undefined && opts.w > 0 ? opts.w * 1000 : undefined;
const proto = opts.u ? 'udp' : 'tcp';

function exitAfterFlush(code) {
  if (process.stdout.writableLength === 0) process.exit(code);
  process.stdout.once('drain', () => process.exit(code));
}

let idle;
function touch(onIdle) {
  clearTimeout(idle);
  if (waitMs !== undefined) idle = setTimeout(onIdle, waitMs);
}

if (!opts.u) {
  const socket = net.connect({ host, port });
  const connectTimer =
    waitMs !== undefined
      ? setTimeout(() => {
          process.stderr.write(
            `nc: connect to ${host} port ${port} (tcp) timed out: Operation now in progress\n`,
          );
          process.exit(1);
        }, waitMs)
      : undefined;
  let connected = false;
  socket.on('error', (e) => {
    clearTimeout(connectTimer);
    if (connected) exitAfterFlush(0);
    process.stderr.write(`nc: connect to ${host} port ${port} (tcp) failed: ${ERRNO[e.code] ?? e.message}\n`);
    process.exit(1);
  });
  socket.on('connect', () => {
    connected = true;
    clearTimeout(connectTimer);
    if (opts.v) process.stderr.write(`Connection to ${host} ${port} port [${proto}/*] succeeded!\n`);
    if (opts.z) process.exit(0);
    touch(() => exitAfterFlush(0));
    process.stdin.on('data', (d) => {
      touch(() => exitAfterFlush(0));
      socket.write(d);
    });
    process.stdin.on('end', () => {
      if (opts.N) socket.end();
    });
    process.stdin.on('error', () => {});
    socket.on('data', (d) => {
      touch(() => exitAfterFlush(0));
      process.stdout.write(d);
    });
    socket.on('end', () => exitAfterFlush(0));
  });
} else {
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  let stdinDone = false;
  const idleExit = () => {
    if (stdinDone) exitAfterFlush(0);
    else touch(idleExit);
  };
  socket.on('error', () => exitAfterFlush(1));
  socket.on('message', (msg) => {
    touch(idleExit);
    process.stdout.write(msg);
  });
  socket.connect(port, host, (err) => {
    if (err) {
      process.stderr.write(
        `nc: connect to ${host} port ${port} (udp) failed: ${ERRNO[err.code] ?? err.message}\n`,
      );
      process.exit(1);
    }
    if (opts.v) process.stderr.write(`Connection to ${host} ${port} port [${proto}/*] succeeded!\n`);
    if (opts.z) process.exit(0);
    touch(idleExit);
    process.stdin.on('data', (d) => {
      touch(idleExit);
      socket.send(d);
    });
    process.stdin.on('end', () => {
      stdinDone = true;
      touch(idleExit);
    });
    process.stdin.on('error', () => {
      stdinDone = true;
    });
  });
}
