// The agnhost and netcat stand-ins' command lines, as agnhost's cobra/pflag and netcat answer them
// (no listener is opened here: what they serve is tested in a lab pod, sandbox.lab.test.ts).
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, test } from 'vitest';
import { ensureAgnhostConnect } from '../sandbox.ts';

const AGNHOST = join(import.meta.dirname, 'agnhost.mjs');
const NC = join(import.meta.dirname, 'nc.mjs');
const agnhost = (args: string[], env: Record<string, string> = {}) =>
  execa(process.execPath, [AGNHOST, ...args], { reject: false, env, extendEnv: false, timeout: 10_000 });

describe('agnhost stand-in', () => {
  test('connect: usage errors as cobra prints them (connect.go: ExactArgs(1), --timeout a duration)', async () => {
    expect((await agnhost(['connect'])).stderr).toBe('Error: accepts 1 arg(s), received 0');
    const bad = await agnhost(['connect', '127.0.0.1:1', '--timeout=soon']);
    expect([bad.exitCode, bad.stderr]).toEqual([
      1,
      'Error: invalid argument "soon" for "--timeout" flag: time: invalid duration "soon"',
    ]);
    expect((await agnhost(['connect', '127.0.0.1:1', '--nope'])).stderr).toBe('Error: unknown flag: --nope');
    const noPort = await agnhost(['connect', '127.0.0.1', '--timeout=1s']);
    expect([noPort.exitCode, noPort.stderr]).toEqual([
      1,
      'UNKNOWN: address 127.0.0.1: missing port in address',
    ]);
  });

  test('connect: a refused TCP port on loopback is REFUSED; --timeout takes Go durations (1m30s, 500ms)', async () => {
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise((r) => server.close(r));
    const r = await agnhost(['connect', `127.0.0.1:${port}`, '--timeout', '1m30s']);
    expect([r.exitCode, r.stdout, r.stderr]).toEqual([1, '', 'REFUSED']);
    expect((await agnhost(['connect', `127.0.0.1:${port}`, '--timeout=500ms'])).stderr).toBe('REFUSED');
  });

  test('connect --protocol=sctp on a kernel without SCTP: OTHER: protocol not supported', async () => {
    const r = await agnhost(['connect', '127.0.0.1:9', '--protocol=sctp', '--timeout=1s']);
    expect([r.exitCode, r.stderr]).toEqual([1, 'OTHER: protocol not supported']);
  });

  test('serve-hostname with --tcp and the default --http is fatal (serve_hostname.go)', async () => {
    const r = await agnhost(['serve-hostname', '--tcp', '--port=1']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toMatch(
      /^\d{4}\/\d\d\/\d\d \d\d:\d\d:\d\d Can't server TCP\/UDP mode and HTTP mode at the same time$/,
    );
  });

  test('porter with SERVE_SCTP_PORT_N dies as porter.go log.Fatal does on this kernel', async () => {
    const r = await agnhost(['porter'], { SERVE_SCTP_PORT_9000: 'x' });
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('Failed to listen SCTP. error: protocol not supported');
  });

  test('pause prints Paused and exits 2 on SIGTERM, 1 on SIGINT (pause.go)', async () => {
    for (const [signal, code] of [
      ['SIGTERM', 2],
      ['SIGINT', 1],
    ] as const) {
      const child = execa(process.execPath, [AGNHOST, 'pause'], { reject: false });
      await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
      child.kill(signal);
      const r = await child;
      expect([r.stdout, r.exitCode]).toEqual(['Paused', code]);
    }
  });

  test('a subcommand the stand-in lacks says so, naming what it has', async () => {
    const r = await agnhost(['netexec']);
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toBe(
      `Error: the podnet lab's agnhost stand-in does not implement "netexec" (it has connect, serve-hostname, porter, pause)`,
    );
  });
});

describe('netcat stand-in', () => {
  test('reads what a TCP server sends until it closes; a refused port exits 1 with netcat`s message', async () => {
    const server = net
      .createServer((s) => {
        s.on('error', () => {}); // -z resets the connection
        s.end('x-a');
      })
      .listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const port = (server.address() as net.AddressInfo).port;
    try {
      const ok = await execa(process.execPath, [NC, '-w', '1', '127.0.0.1', String(port)], {
        reject: false,
        stdin: 'ignore',
      });
      expect([ok.exitCode, ok.stdout]).toEqual([0, 'x-a']);
      const z = await execa(process.execPath, [NC, '-z', '-v', '127.0.0.1', String(port)], { reject: false });
      expect([z.exitCode, z.stderr]).toEqual([0, `Connection to 127.0.0.1 ${port} port [tcp/*] succeeded!`]);
    } finally {
      await new Promise((r) => server.close(r));
    }
    const refused = await execa(process.execPath, [NC, '-w', '1', '127.0.0.1', String(port)], {
      reject: false,
      stdin: 'ignore',
    });
    expect([refused.exitCode, refused.stdout, refused.stderr]).toEqual([
      1,
      '',
      `nc: connect to 127.0.0.1 port ${port} (tcp) failed: Connection refused`,
    ]);
  });
});

describe('the C agnhost connect answers as the full stand-in', () => {
  test('for every argument shape: its own fast path, or the stand-in it hands over to', async () => {
    const root = mkdtempSync(join(tmpdir(), 'podnet-cconnect-'));
    const binary = await ensureAgnhostConnect(root);
    const server = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const open = (server.address() as net.AddressInfo).port;
    const closed = net.createServer().listen(0, '127.0.0.1');
    await new Promise((r) => closed.once('listening', r));
    const refused = (closed.address() as net.AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const cases = [
      ['connect', `127.0.0.1:${open}`, '--timeout=2s'],
      ['connect', `127.0.0.1:${open}`],
      ['connect', `127.0.0.1:${refused}`, '--timeout', '1500ms'],
      ['connect', `[::1]:${refused}`, '--timeout=1s'],
      ['connect', `127.0.0.1:${refused}`, '--protocol=udp', '--timeout=1s'],
      ['connect', `127.0.0.1:${refused}`, '--protocol', 'udp', '--udp-data=x', '--timeout=1s'],
      ['connect', `localhost:${refused}`, '--timeout=1s'],
      ['connect', `127.0.0.1:${refused}`, '--protocol=sctp', '--timeout=1s'],
      ['connect', '127.0.0.1', '--timeout=1s'],
      ['connect', `127.0.0.1:${refused}`, '--timeout=soon'],
      ['connect', `127.0.0.1:${refused}`, '--nope'],
      ['connect'],
      ['connect', 'a:1', 'b:2'],
    ];
    try {
      for (const args of cases) {
        const full = await agnhost(args);
        const fast = await execa(binary, [process.execPath, AGNHOST, ...args], {
          reject: false,
          extendEnv: false,
          timeout: 10_000,
        });
        // UDP errors name the local port, which differs from run to run.
        const same = (s: string) => s.replace(/127\.0\.0\.1:\d+->/, '127.0.0.1:PORT->');
        expect([fast.exitCode, fast.stdout, same(fast.stderr)], args.join(' ')).toEqual([
          full.exitCode,
          full.stdout,
          same(full.stderr),
        ]);
      }
    } finally {
      server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
