// Probe sessions, with the real session script in a real POSIX sh (dash here; busybox ash in agnhost's
// image) against local servers: the `kubectl exec --stdin` argv is replaced by its command after `--`, run
// locally, with the lab API's stand-ins for /agnhost and nc. What is checked: one process per source for
// many batches, exact answers, a broken session reported (and the prober then running a batched exec),
// sessions closed when their pods go, and no process left behind.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { ExecRunner, ExecTarget } from './kubectlExec.ts';
import { DEFAULT_PROBER_OPTIONS, runKubeProbes } from './prober.ts';
import type { ScriptProbe } from './probeScript.ts';
import { parseScriptOutput, SESSION_SCRIPT, sessionLine } from './probeScript.ts';
import type { SessionSpawner } from './probeSessions.ts';
import { ProbeSessions } from './probeSessions.ts';
import { type LocalServers, startLocalServers } from './testing/localServers.ts';

const STANDINS = join(import.meta.dirname, '..', 'labapi', 'containers', 'standins');
const SETTINGS = { agnhost: join(STANDINS, 'agnhost.mjs'), nc: join(STANDINS, 'nc.mjs') };
const A: ExecTarget = { namespace: 'podnet-x-a', pod: 'a', container: 'c' };
const B: ExecTarget = { namespace: 'podnet-x-a', pod: 'b', container: 'c' };

let servers: LocalServers;
let tcpPort = 0;
let silentPort = 0;
let closedPort = 0;

beforeAll(async () => {
  // tcpPort answers "pod-a"; silentPort accepts and never answers (a reply probe waits a second on it).
  servers = await startLocalServers('pod-a', 'pod-a');
  ({ tcpPort, silentPort, closedPort } = servers);
});
afterAll(() => servers.close());

/** Runs the command after `--` of a kubectl argv locally; records every argv and process. */
function localSpawner(): { spawner: SessionSpawner; argvs: string[][]; children: ChildProcess[] } {
  const argvs: string[][] = [];
  const children: ChildProcess[] = [];
  const spawner: SessionSpawner = (argv) => {
    argvs.push([...argv]);
    const command = argv.slice(argv.indexOf('--') + 1);
    const child = spawn(command[0] as string, command.slice(1), { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    return child;
  };
  return { spawner, argvs, children };
}

const alive = (c: ChildProcess) => c.exitCode === null && c.signalCode === null;
const probe = (id: string, port: number, mode: 'c' | 'r' = 'c'): ScriptProbe => ({
  id,
  host: '127.0.0.1',
  port,
  protocol: 'TCP',
  mode,
});
const line = (probes: ScriptProbe[]) => (n: number) =>
  sessionLine(n, probes, { timeoutMs: 500, parallel: 4 });

describe('probe sessions', () => {
  test('many batches from one source share ONE kubectl exec --stdin, each answered exactly', async () => {
    const { spawner, argvs, children } = localSpawner();
    const sessions = new ProbeSessions({ kubeconfig: '/k' }, SETTINGS, spawner);
    for (let round = 0; round < 3; round++) {
      const out = await sessions.run(
        A,
        line([probe('p1', tcpPort), probe('p2', closedPort), probe('p3', tcpPort, 'r')]),
        {
          timeoutMs: 20_000,
        },
      );
      expect(out.failure).toBeUndefined();
      const parsed = parseScriptOutput(out.stdout);
      expect(parsed.endCount).toBe(3);
      expect(parsed.noise).toEqual([]);
      expect(parsed.lines.get('p1')?.exitCode).toBe(0);
      expect(parsed.lines.get('p2')?.text).toBe('REFUSED');
      expect(parsed.lines.get('p3')).toMatchObject({ kind: 'r', exitCode: 0 });
      expect(parsed.lines.get('p3')?.text).toMatch(/ succeeded! pod-a$/);
    }
    expect(argvs).toHaveLength(1);
    expect(argvs[0]).toEqual([
      'kubectl',
      '--kubeconfig',
      '/k',
      'exec',
      '--stdin',
      '--namespace',
      'podnet-x-a',
      'a',
      '--container',
      'c',
      '--',
      '/bin/sh',
      '-c',
      SESSION_SCRIPT,
      'podnet-session',
      SETTINGS.agnhost,
      SETTINGS.nc,
    ]);
    await sessions.closeAll();
    expect(children.filter(alive)).toEqual([]);
  });

  test('a session that ends mid-batch is a failure naming why; the next batch opens a new one', async () => {
    const { spawner, argvs, children } = localSpawner();
    const sessions = new ProbeSessions({}, SETTINGS, spawner);
    expect(
      (await sessions.run(A, line([probe('p1', tcpPort)]), { timeoutMs: 20_000 })).failure,
    ).toBeUndefined();
    children[0]?.kill('SIGKILL');
    await new Promise((r) => children[0]?.once('exit', r));
    const broken = await sessions.run(A, line([probe('p1', tcpPort)]), { timeoutMs: 20_000 });
    // The process was already gone: a new one was opened, and it answers.
    expect(broken.failure).toBeUndefined();
    expect(argvs).toHaveLength(2);
    // A batch that outlasts its time: the session is killed and the batch reported as failed.
    const out = await sessions.run(A, line([probe('slow', silentPort, 'r')]), { timeoutMs: 300 });
    expect(out.failure).toBe('no answer from the exec session in 300 ms');
    expect(sessions.size).toBe(0);
    await sessions.closeAll();
    await new Promise((r) => setTimeout(r, 100));
    expect(children.filter(alive)).toEqual([]);
  });

  test("closeWhere ends only the matching pods' sessions", async () => {
    const { spawner, children } = localSpawner();
    const sessions = new ProbeSessions({}, SETTINGS, spawner);
    await sessions.run(A, line([probe('p1', tcpPort)]), { timeoutMs: 20_000 });
    await sessions.run(B, line([probe('p1', tcpPort)]), { timeoutMs: 20_000 });
    expect(sessions.size).toBe(2);
    await sessions.closeWhere((t) => t.pod === 'a');
    expect(sessions.size).toBe(1);
    expect(alive(children[0] as ChildProcess)).toBe(false);
    expect(alive(children[1] as ChildProcess)).toBe(true);
    await sessions.closeAll();
    expect(children.filter(alive)).toEqual([]);
  });

  test('words that could split or glob never reach the session line', () => {
    const bad = (p: Partial<ScriptProbe>) =>
      sessionLine(0, [{ ...probe('ok', 80), ...p }], { timeoutMs: 500, parallel: 1 });
    expect(() => bad({ id: 'a b' })).toThrow(/id/);
    expect(() => bad({ id: '*' })).toThrow(/id/);
    expect(() => bad({ host: '10.0.0.1\n0 1s 1 1 x' })).toThrow(/not an IP/);
    expect(() => bad({ protocol: 'TCP x' as never })).toThrow(/protocol/);
    expect(() => bad({ mode: 'c\n' as never })).toThrow(/mode/);
    expect(bad({})).toBe('0 500ms 1 1 ok 127.0.0.1 80 tcp c\n');
  });

  test('the prober runs a batch whose session broke as a batched exec: a broken session costs no verdict', async () => {
    // A session process that exits at once (as when the exec is refused).
    const sessions = new ProbeSessions({}, SETTINGS, () =>
      spawn('/bin/sh', ['-c', 'echo "error: unable to upgrade connection" >&2; exit 1'], {
        stdio: ['pipe', 'pipe', 'pipe'],
      }),
    );
    const batchedArgvs: (readonly string[])[] = [];
    const run: ExecRunner = async (argv) => {
      batchedArgvs.push(argv);
      return { exitCode: 0, stdout: 'PODNET\tp1\t0\tc\t\nPODNET-END\t1\n', stderr: '', durationMs: 1 };
    };
    const results = await runKubeProbes(
      [{ id: 'q1', from: 'x/a', host: '10.244.0.9', port: 80, protocol: 'TCP', timeoutMs: 500 }],
      {
        run,
        connection: {},
        sourceOf: () => A,
        modeOf: () => 'c',
        servedByOf: () => undefined,
        sessions,
      },
      { ...DEFAULT_PROBER_OPTIONS, mode: 'session' },
    );
    expect(results).toMatchObject([{ id: 'q1', outcome: 'connected' }]);
    expect(batchedArgvs).toHaveLength(1);
    expect(batchedArgvs[0]).not.toContain('--stdin');
  });
});
