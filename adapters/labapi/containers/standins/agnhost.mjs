#!/usr/bin/env node
// The lab API's stand-in for agnhost (registry.k8s.io/e2e-test-images/agnhost), whose image cannot be
// pulled here: /agnhost inside a lab sandbox runs this. Each subcommand follows agnhost's source in
// kubernetes/kubernetes test/images/agnhost/ (cited per subcommand); plain ESM with no imports of ours,
// so it starts in tens of milliseconds. Flags are parsed as pflag does (--name=value, --name value,
// --bool, --bool=false), and a subcommand the stand-in lacks says so instead of pretending.
// Only what `connect` needs is loaded up front: the probe script starts one process per probe, so the
// HTTP/TLS modules of the servers are imported only by the subcommands that serve.
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';

/** Go's syscall error strings for the errnos a connection meets. */
const GO_ERRNO = {
  ECONNREFUSED: 'connection refused',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  EHOSTDOWN: 'host is down',
  ENETDOWN: 'network is down',
  ECONNRESET: 'connection reset by peer',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'cannot assign requested address',
};

const goErr = (e) => GO_ERRNO[e?.code] ?? String(e?.message ?? e);

/** Go's log package prefix: `2006/01/02 15:04:05 `. */
function logLine(text) {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  process.stderr.write(
    `${d.getFullYear()}/${p(d.getMonth() + 1)}/${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${text}\n`,
  );
}

function fatal(text) {
  logLine(text);
  process.exit(1);
}

/** cobra's answer to bad usage: `Error: …` on stderr, exit 1. */
function usageError(text) {
  process.stderr.write(`Error: ${text}\n`);
  process.exit(1);
}

/** Go's time.ParseDuration, in milliseconds. */
function parseGoDuration(text) {
  if (text === '0') return 0;
  const units = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (!m) return undefined;
  let total = 0;
  for (const part of text.replace(/^[-+]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * units[part[2]];
  }
  return m[1] === '-' ? -total : total;
}

/** pflag: `spec` maps flag names to their kind and default; returns flags and positional arguments. */
function parseFlags(args, spec) {
  const flags = Object.fromEntries(Object.entries(spec).map(([k, v]) => [k, v.default]));
  const positional = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--') || a === '--') {
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name]?.kind;
    if (!kind) usageError(`unknown flag: --${name}`);
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (kind === 'bool') {
      if (value === undefined) value = 'true';
      if (!['true', 'false', '1', '0', 't', 'f', 'TRUE', 'FALSE', 'True', 'False'].includes(value))
        usageError(
          `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
        );
      flags[name] = ['true', '1', 't', 'TRUE', 'True'].includes(value);
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= args.length) usageError(`flag needs an argument: --${name}`);
      value = args[++i];
    }
    if (kind === 'duration') {
      const ms = parseGoDuration(value);
      if (ms === undefined)
        usageError(`invalid argument "${value}" for "--${name}" flag: time: invalid duration "${value}"`);
      flags[name] = ms;
    } else if (kind === 'int') {
      if (!/^[-+]?\d+$/.test(value))
        usageError(
          `invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`,
        );
      flags[name] = Number(value);
    } else {
      flags[name] = value;
    }
  }
  return { flags, positional };
}

function kernelHasSctp() {
  try {
    return /^SCTP/m.test(fs.readFileSync('/proc/net/protocols', 'utf8'));
  } catch {
    return false;
  }
}

/** Go's net.SplitHostPort: `host:port` or `[v6]:port`. */
function splitHostPort(dest) {
  const m = /^(?:\[([^\]]*)\]|([^:[\]]*)):([^:]*)$/.exec(dest);
  if (m) return { host: m[1] ?? m[2], port: m[3] };
  if (!dest.includes(':')) return { error: `address ${dest}: missing port in address` };
  return { error: `address ${dest}: too many colons in address` };
}

/** Resolves like Go's Resolve*Addr: IP literals as they are, names through the resolver. */
function resolve(host, port, network, done) {
  if (!/^\d+$/.test(port) || Number(port) > 65535) {
    process.stderr.write(`DNS: lookup ${network}/${port}: unknown port\n`);
    process.exit(1);
  }
  if (net.isIP(host) || host === '') return done(host === '' ? '127.0.0.1' : host);
  import('node:dns').then(({ default: dns }) =>
    dns.lookup(host, (err, address) => {
      if (err) {
        process.stderr.write(`DNS: lookup ${host}: no such host\n`);
        process.exit(1);
      }
      done(address);
    }),
  );
}

// connect: test/images/agnhost/connect/connect.go. Prints nothing and exits 0 when connected; on failure
// one line on stderr with a fixed prefix (UNKNOWN, TIMEOUT, DNS, REFUSED, OTHER) and exit 1.
function connect(args) {
  const { flags, positional } = parseFlags(args, {
    timeout: { kind: 'duration', default: 0 },
    protocol: { kind: 'string', default: 'tcp' },
    'udp-data': { kind: 'string', default: 'hostname' },
    'sctp-data': { kind: 'string', default: 'hostname' },
  });
  if (positional.length !== 1) usageError(`accepts 1 arg(s), received ${positional.length}`);
  const dest = positional[0];
  const fail = (text) => {
    process.stderr.write(`${text}\n`);
    process.exit(1);
  };
  const protocol = flags.protocol;
  if (protocol === '' || protocol === 'tcp') {
    const split = splitHostPort(dest);
    if (split.error) fail(`UNKNOWN: ${split.error}`);
    resolve(split.host, split.port, 'tcp', (address) => {
      const socket = net.connect({ host: address, port: Number(split.port) });
      // DialTimeout with 0 waits as long as the kernel does.
      const timer = flags.timeout > 0 ? setTimeout(() => fail('TIMEOUT'), flags.timeout) : undefined;
      socket.on('connect', () => {
        clearTimeout(timer);
        socket.destroy();
        process.exit(0);
      });
      socket.on('error', (e) => {
        clearTimeout(timer);
        if (e.code === 'ECONNREFUSED') fail('REFUSED');
        if (e.code === 'ETIMEDOUT') fail('TIMEOUT');
        fail(`OTHER: dial tcp ${dest}: connect: ${goErr(e)}`);
      });
    });
    return;
  }
  if (protocol === 'udp') {
    const split = splitHostPort(dest);
    if (split.error) fail(`DNS: ${split.error}`);
    resolve(split.host, split.port, 'udp', (address) => {
      const socket = dgram.createSocket(net.isIPv6(address) ? 'udp6' : 'udp4');
      const local = () => {
        try {
          const a = socket.address();
          return a.family === 'IPv6' ? `[${a.address}]:${a.port}` : `${a.address}:${a.port}`;
        } catch {
          return '0.0.0.0:0';
        }
      };
      // parseUDPErrorAndExit: timeout → TIMEOUT, "connection refused" → REFUSED, anything else UNKNOWN.
      const udpError = (op, e) => {
        const text = `${op} udp ${local()}->${dest}: ${op}: ${goErr(e)}`;
        if (e?.code === 'ECONNREFUSED') fail(`REFUSED: ${text}`);
        fail(`UNKNOWN: ${text}`);
      };
      socket.on('message', (msg) => {
        if (msg.length === 0)
          fail('OTHER: No data received from the server. Cannot guarantee the server received the request.');
        process.exit(0);
      });
      socket.on('error', (e) => udpError('read', e));
      socket.connect(Number(split.port), address, (err) => {
        if (err) fail(`OTHER: dial udp ${dest}: connect: ${goErr(err)}`);
        if (flags.timeout > 0)
          setTimeout(() => fail(`TIMEOUT: read udp ${local()}->${dest}: i/o timeout`), flags.timeout);
        socket.send(`${flags['udp-data']}\n`, (e) => {
          if (e) udpError('write', e);
        });
      });
    });
    return;
  }
  if (protocol === 'sctp') {
    // sctp.DialSCTP fails at socket() on a kernel without SCTP: "protocol not supported" (the lab's kernel).
    if (!kernelHasSctp()) fail('OTHER: protocol not supported');
    fail("UNKNOWN: the podnet lab's agnhost stand-in cannot open SCTP connections");
  }
  process.stderr.write(`Unsupported protocol\n${protocol}`);
  process.exit(1);
}

// serve-hostname: test/images/agnhost/serve-hostname/serve_hostname.go. --tcp writes the hostname (no
// newline) and closes; --udp answers every datagram with it; --http (the default) serves it over HTTP;
// --http together with --tcp or --udp is fatal.
async function serveHostname(args) {
  const { flags, positional } = parseFlags(args, {
    tcp: { kind: 'bool', default: false },
    udp: { kind: 'bool', default: false },
    http: { kind: 'bool', default: true },
    close: { kind: 'bool', default: false },
    port: { kind: 'int', default: 9376 },
  });
  if (positional.length > 0) usageError(`accepts at most 0 arg(s), received ${positional.length}`);
  if (flags.http && (flags.tcp || flags.udp))
    fatal("Can't server TCP/UDP mode and HTTP mode at the same time");
  const { default: os } = await import('node:os');
  const { default: http } = await import('node:http');
  const hostname = os.hostname();
  if (flags.tcp) {
    const server = net.createServer((conn) => {
      logLine(`TCP request from ${conn.remoteAddress}:${conn.remotePort}`);
      conn.on('error', () => {});
      conn.end(hostname);
    });
    server.on('error', (e) => fatal(`Error from net.Listen(): listen tcp :${flags.port}: bind: ${goErr(e)}`));
    server.listen(flags.port);
  }
  if (flags.udp) {
    const sock = dgram.createSocket({ type: 'udp6', ipv6Only: false });
    sock.on('error', (e) => fatal(`Error from ListenUDP(): listen udp :${flags.port}: bind: ${goErr(e)}`));
    sock.on('message', (_m, rinfo) => {
      logLine(`UDP request from ${rinfo.address}:${rinfo.port}`);
      sock.send(hostname, rinfo.port, rinfo.address);
    });
    sock.bind(flags.port);
  }
  if (flags.http) {
    const server = http.createServer((req, res) => {
      logLine(`HTTP request from ${req.socket.remoteAddress}:${req.socket.remotePort}`);
      const headers = { 'Content-Type': 'text/plain; charset=utf-8' };
      if (flags.close) headers.Connection = 'close';
      res.writeHead(200, headers);
      res.end(hostname);
    });
    server.on('error', (e) => fatal(`listen tcp :${flags.port}: bind: ${goErr(e)}`));
    server.listen(flags.port);
  }
  logLine(`Serving on port ${flags.port}.`);
  process.on('SIGTERM', () => {
    logLine('Shutting down after receiving signal: terminated.');
    logLine('Awaiting pod deletion.');
    setTimeout(() => process.exit(0), 60_000);
  });
}

// porter: test/images/agnhost/porter/porter.go. For every SERVE_PORT_N / SERVE_TCP_PORT_N an HTTP server
// on N answers the variable's value (as JSON {Method, Body} with --json-response); SERVE_UDP_PORT_N
// answers datagrams with it; SERVE_TLS_PORT_N serves HTTPS with CERT_FILE/KEY_FILE (default
// localhost.crt/.key); SERVE_SCTP_PORT_N needs SCTP, which is fatal on a kernel without it.
async function porter(args) {
  const { flags, positional } = parseFlags(args, { 'json-response': { kind: 'bool', default: false } });
  if (positional.length > 0) usageError(`accepts at most 0 arg(s), received ${positional.length}`);
  const { default: http } = await import('node:http');
  const { default: https } = await import('node:https');
  const handler = (value) => (req, res) => {
    let body = value;
    const headers = { 'Content-Type': 'text/plain; charset=utf-8' };
    if (flags['json-response']) {
      body = JSON.stringify({ Method: req.method, Body: value });
      headers['Content-Type'] = 'application/json';
    }
    res.writeHead(200, headers);
    res.end(body);
  };
  for (const [key, value] of Object.entries(process.env)) {
    const prefix = [
      'SERVE_PORT_',
      'SERVE_TCP_PORT_',
      'SERVE_UDP_PORT_',
      'SERVE_SCTP_PORT_',
      'SERVE_TLS_PORT_',
    ].find((p) => key.startsWith(p));
    if (!prefix) continue;
    const port = key.slice(prefix.length);
    if (prefix === 'SERVE_PORT_' || prefix === 'SERVE_TCP_PORT_') {
      const server = http.createServer(handler(value));
      server.on('error', (e) =>
        logLine(`server on port "${port}" failed: listen tcp 0.0.0.0:${port}: bind: ${goErr(e)}`),
      );
      server.listen(Number(port), '0.0.0.0');
    } else if (prefix === 'SERVE_UDP_PORT_') {
      const sock = dgram.createSocket('udp4');
      sock.on('error', (e) =>
        fatal(`UDP: failed to listen on port ${port}: listen udp 0.0.0.0:${port}: bind: ${goErr(e)}`),
      );
      sock.on('message', (_m, rinfo) => sock.send(value, rinfo.port, rinfo.address));
      sock.bind(Number(port), '0.0.0.0', () => logLine(`Started UDP server on port ${port}`));
    } else if (prefix === 'SERVE_SCTP_PORT_') {
      if (!kernelHasSctp()) fatal('Failed to listen SCTP. error: protocol not supported');
      fatal("Failed to listen SCTP. error: the podnet lab's agnhost stand-in cannot serve SCTP");
    } else {
      const certFile = process.env.CERT_FILE || 'localhost.crt';
      const keyFile = process.env.KEY_FILE || 'localhost.key';
      let options;
      try {
        options = { cert: fs.readFileSync(certFile), key: fs.readFileSync(keyFile) };
      } catch (e) {
        logLine(
          `tls server on port "${port}" with certFile="${certFile}", keyFile="${keyFile}" failed: open ${e.path ?? certFile}: no such file or directory`,
        );
        continue;
      }
      https.createServer(options, handler(value)).listen(Number(port), '0.0.0.0');
    }
  }
  setInterval(() => {}, 1 << 30);
}

// pause: test/images/agnhost/pause/pause.go. Prints "Paused", exits 1 on SIGINT and 2 on SIGTERM.
function pause(args) {
  const { positional } = parseFlags(args, {});
  if (positional.length > 0) usageError(`accepts at most 0 arg(s), received ${positional.length}`);
  process.on('SIGINT', () => process.exit(1));
  process.on('SIGTERM', () => process.exit(2));
  process.stdout.write('Paused\n');
  setInterval(() => {}, 1 << 30);
}

const SUBCOMMANDS = { connect, 'serve-hostname': serveHostname, porter, pause };

const [sub, ...rest] = process.argv.slice(2);
const run = SUBCOMMANDS[sub];
if (!run) {
  usageError(
    sub === undefined
      ? `the podnet lab's agnhost stand-in needs a subcommand: ${Object.keys(SUBCOMMANDS).join(', ')}`
      : `the podnet lab's agnhost stand-in does not implement "${sub}" (it has ${Object.keys(SUBCOMMANDS).join(', ')})`,
  );
}
run(rest);
