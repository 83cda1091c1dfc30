// The batched probe script, run by a real POSIX sh (dash here; busybox ash in agnhost's image) against
// local servers, with stand-ins for `/agnhost connect` and netcat that print agnhost's messages.
import net from 'node:net';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { classifyConnect, classifyReply } from './classifyConnect.ts';
import type { ScriptProbe } from './probeScript.ts';
import { PROBE_SCRIPT, parseScriptOutput, probeScriptArgv, timeoutArgs } from './probeScript.ts';
import { type LocalServers, startLocalServers } from './testing/localServers.ts';

// The lab API's stand-ins for agnhost and netcat (what /agnhost and nc run in a lab sandbox).
const STANDINS = join(import.meta.dirname, '..', 'labapi', 'containers', 'standins');
const SETTINGS = {
  agnhost: join(STANDINS, 'agnhost.mjs'),
  nc: join(STANDINS, 'nc.mjs'),
  timeoutMs: 400,
  parallel: 4,
};

let servers: LocalServers;
let tcpPort = 0;
let udpPort = 0;
let closedPort = 0;

beforeAll(async () => {
  servers = await startLocalServers('x-a', 'x-b');
  ({ tcpPort, udpPort, closedPort } = servers);
});
afterAll(() => servers.close());

async function runScript(probes: ScriptProbe[]) {
  const argv = probeScriptArgv(probes, SETTINGS);
  const r = await execa(argv[0] as string, argv.slice(1), { reject: false });
  return { exitCode: r.exitCode, parsed: parseScriptOutput(String(r.stdout)) };
}

describe('the batched probe script (POSIX sh)', () => {
  test('one line per probe, classified as agnhost prints it: connected, REFUSED, reply, UDP', async () => {
    const { exitCode, parsed } = await runScript([
      { id: 'p1', host: '127.0.0.1', port: tcpPort, protocol: 'TCP', mode: 'c' },
      { id: 'p2', host: '127.0.0.1', port: closedPort, protocol: 'TCP', mode: 'c' },
      { id: 'p3', host: '127.0.0.1', port: tcpPort, protocol: 'TCP', mode: 'r' },
      { id: 'p4', host: '127.0.0.1', port: udpPort, protocol: 'UDP', mode: 'c' },
      { id: 'p5', host: '127.0.0.1', port: udpPort, protocol: 'UDP', mode: 'r' },
      { id: 'p6', host: '127.0.0.1', port: closedPort, protocol: 'TCP', mode: 'r' },
    ]);
    expect(exitCode).toBe(0);
    expect(parsed.endCount).toBe(6);
    expect(parsed.noise).toEqual([]);
    const outcome = (id: string) => {
      const l = parsed.lines.get(id);
      if (!l) return 'missing';
      if (l.kind === 'c') return classifyConnect(l.exitCode, l.text).outcome;
      const c = classifyReply(l.exitCode, l.text, id === 'p5' ? 'UDP' : 'TCP');
      return c.reply !== undefined ? `reply:${c.reply}` : c.outcome;
    };
    expect(outcome('p1')).toBe('connected');
    expect(outcome('p2')).toBe('refused');
    expect(outcome('p3')).toBe('reply:x-a');
    expect(outcome('p4')).toBe('connected');
    expect(outcome('p5')).toBe('reply:x-b');
    // No reply: nc's own failure says refused (never a second connection, which a ClusterIP would balance anew).
    expect(outcome('p6')).toBe('refused');
    expect(parsed.lines.get('p6')).toMatchObject({ kind: 'r', exitCode: 1 });
    expect(parsed.lines.get('p2')?.text).toBe('REFUSED');
  });

  test('tabs, newlines and carriage returns in an answer become blanks: one line per probe', async () => {
    const odd = net.createServer((sock) => {
      sock.on('error', () => {});
      sock.end('a\tb\r\nc\nd');
    });
    await new Promise<void>((r) => odd.listen(0, '127.0.0.1', () => r()));
    try {
      const port = (odd.address() as net.AddressInfo).port;
      const { parsed } = await runScript([{ id: 'o', host: '127.0.0.1', port, protocol: 'TCP', mode: 'r' }]);
      expect(parsed.noise).toEqual([]);
      const line = parsed.lines.get('o');
      expect(line).toMatchObject({ kind: 'r', exitCode: 0 });
      expect(classifyReply(line?.exitCode ?? -1, line?.text ?? '', 'TCP').reply).toBe('a b  c d');
    } finally {
      odd.close();
    }
  });

  test('a UDP port with no server answers with an ICMP port-unreachable: REFUSED, not a timeout', async () => {
    const { parsed } = await runScript([
      { id: 'u', host: '127.0.0.1', port: closedPort, protocol: 'UDP', mode: 'c' },
    ]);
    const l = parsed.lines.get('u');
    expect(l?.text).toMatch(/^REFUSED: read udp .*connection refused$/);
    expect(classifyConnect(l?.exitCode ?? 0, l?.text ?? '').outcome).toBe('refused');
  });

  test('hostile-looking ids and hosts never reach the script: they are rejected before exec', () => {
    const bad = (p: Partial<ScriptProbe>) =>
      probeScriptArgv([{ id: 'ok', host: '10.0.0.1', port: 80, protocol: 'TCP', mode: 'c', ...p }], SETTINGS);
    expect(() => bad({ id: 'a;rm -rf /' })).toThrow(/id/);
    expect(() => bad({ host: '$(reboot)' })).toThrow(/not an IP/);
    expect(() => bad({ host: 'example.com' })).toThrow(/not an IP/);
    expect(() => bad({ port: 0 })).toThrow(/port/);
    expect(() => bad({ host: 'fd00::1' })).not.toThrow();
  });

  test('the argv is exact: sh -c CONSTANT-SCRIPT, settings, then five arguments per probe', () => {
    const argv = probeScriptArgv(
      [
        { id: 'p1', host: '10.244.1.5', port: 80, protocol: 'TCP', mode: 'c' },
        { id: 'p2', host: '10.96.0.10', port: 53, protocol: 'UDP', mode: 'r' },
      ],
      { agnhost: '/agnhost', nc: 'nc', timeoutMs: 1000, parallel: 2 },
    );
    expect(argv).toEqual([
      '/bin/sh',
      '-c',
      PROBE_SCRIPT,
      'podnet-probe',
      '/agnhost',
      'nc',
      '1000ms',
      '1',
      '2',
      'p1',
      '10.244.1.5',
      '80',
      'tcp',
      'c',
      'p2',
      '10.96.0.10',
      '53',
      'udp',
      'r',
    ]);
  });

  test('timeouts: agnhost gets a Go duration, netcat whole seconds (at least 1)', () => {
    expect(timeoutArgs(1000)).toEqual({ agnhost: '1000ms', ncWait: '1' });
    expect(timeoutArgs(1500)).toEqual({ agnhost: '1500ms', ncWait: '2' });
    expect(timeoutArgs(200)).toEqual({ agnhost: '200ms', ncWait: '1' });
  });

  test('parsing tolerates noise and reports a cut-off batch (no end marker)', () => {
    const p = parseScriptOutput('sh: warning\nPODNET\tp1\t0\tc\t\nPODNET\tp2\t1\tc\tTIMEOUT\n');
    expect(p.endCount).toBeUndefined();
    expect(p.noise).toEqual(['sh: warning']);
    expect([...p.lines.keys()]).toEqual(['p1', 'p2']);
  });
});
