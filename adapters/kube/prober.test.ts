// Probe classification on recorded agnhost outputs (every outcome class; messages from
// test/images/agnhost/connect/connect.go, kubernetes/kubernetes @ a0d8ee7), the exact kubectl exec
// command lines, batched versus per-probe execs, and exec failures as `error` (never a verdict).

import { getEventListeners } from 'node:events';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import type { ProbeRequest } from '../../spec/target.ts';
import { classifyConnect } from './classifyConnect.ts';
import type { ExecOutcome, ExecRunner } from './kubectlExec.ts';
import { kubectlExecArgv } from './kubectlExec.ts';
import type { ProberEnv } from './prober.ts';
import { DEFAULT_PROBER_OPTIONS, runKubeProbes } from './prober.ts';
import { PROBE_SCRIPT } from './probeScript.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const connectCases = JSON.parse(readFileSync(join(FIXTURES, 'agnhost-connect-outputs.json'), 'utf8')) as {
  cases: { name: string; exitCode: number; output: string; class: string; outcome: string }[];
};
const execFailures = JSON.parse(readFileSync(join(FIXTURES, 'kubectl-exec-failures.json'), 'utf8')) as {
  cases: { name: string; exitCode: number; stderr: string; stdout?: string }[];
};

describe('agnhost connect output classification (connect.go messages)', () => {
  for (const c of connectCases.cases) {
    test(`${c.name}: ${c.class} → ${c.outcome}`, () => {
      const r = classifyConnect(c.exitCode, c.output);
      expect(r.agnhost).toBe(c.class);
      expect(r.outcome).toBe(c.outcome);
    });
  }
  test('every outcome class of agnhost is covered by a recorded output', () => {
    const classes = new Set(connectCases.cases.map((c) => c.class));
    for (const k of ['connected', 'TIMEOUT', 'REFUSED', 'DNS', 'OTHER', 'UNKNOWN'])
      expect(classes).toContain(k);
  });
});

describe('kubectl exec command line', () => {
  test('is exact: global flags, exec, namespace, pod, container, --, command', () => {
    expect(
      kubectlExecArgv(
        { kubeconfig: '/k/config', context: 'kind-a', requestTimeoutMs: 10_000 },
        { namespace: 'podnet-a1b2c3-x', pod: 'a', container: 'cont-80-tcp' },
        ['/bin/sh', '-c', 'S', 'podnet-probe'],
      ),
    ).toEqual([
      'kubectl',
      '--kubeconfig',
      '/k/config',
      '--context',
      'kind-a',
      '--request-timeout=10s',
      'exec',
      '--namespace',
      'podnet-a1b2c3-x',
      'a',
      '--container',
      'cont-80-tcp',
      '--',
      '/bin/sh',
      '-c',
      'S',
      'podnet-probe',
    ]);
  });
  test('without kubeconfig or context it adds no flags for them', () => {
    expect(kubectlExecArgv({}, { namespace: 'n', pod: 'p', container: 'c' }, ['true'])).toEqual([
      'kubectl',
      'exec',
      '--namespace',
      'n',
      'p',
      '--container',
      'c',
      '--',
      'true',
    ]);
  });
});

const req = (
  id: string,
  from: string,
  host: string,
  port = 80,
  protocol: ProbeRequest['protocol'] = 'TCP',
): ProbeRequest => ({
  id,
  from,
  host,
  port,
  protocol,
  timeoutMs: 1000,
});

function fakeEnv(
  reply: (argv: readonly string[]) => Partial<ExecOutcome>,
  calls: (readonly string[])[],
): ProberEnv {
  const run: ExecRunner = async (argv) => {
    calls.push(argv);
    return { exitCode: 0, stdout: '', stderr: '', durationMs: 1, ...reply(argv) };
  };
  return {
    run,
    connection: {},
    sourceOf: (from) =>
      from === 'x/a' || from === 'y/b'
        ? {
            namespace: `podnet-a1b2c3-${from.split('/')[0]}`,
            pod: from.split('/')[1] as string,
            container: 'cont-80-tcp',
          }
        : undefined,
    modeOf: (r) => (r.host.startsWith('10.96.') ? 'r' : 'c'),
    servedByOf: (reply) => (reply === 'podnet-a1b2c3-y-b' ? 'y/b' : undefined),
  };
}

describe('runKubeProbes', () => {
  test('batched: one exec per source pod, its probes as arguments, results parsed from the recorded batch', async () => {
    const calls: (readonly string[])[] = [];
    const stdout = readFileSync(join(FIXTURES, 'batch-stdout.txt'), 'utf8');
    const env = fakeEnv(() => ({ stdout }), calls);
    // The callers' ids hold characters no script word may (the flannel area's: `ns/pod>ns/pod/TCP`):
    // the script numbers the batch's probes p1, p2, … and the results come back under the callers' ids.
    const probes = [
      req('x/a>y/b 1', 'x/a', '10.244.1.5'),
      req('x/a>y/b 2', 'x/a', '10.244.2.6'),
      req('x/a>y/b 3', 'x/a', '10.244.2.7'),
      req('x/a>y/b 4', 'x/a', '10.96.0.20'),
      req('x/a>y/b 5', 'x/a', '10.244.2.7', 81, 'UDP'),
      req('x/a>y/b 6', 'x/a', '10.244.2.9'),
    ];
    const results = await runKubeProbes(probes, env, { ...DEFAULT_PROBER_OPTIONS, concurrency: 8 });
    expect(calls).toHaveLength(1);
    expect(calls[0]).toEqual([
      'kubectl',
      'exec',
      '--namespace',
      'podnet-a1b2c3-x',
      'a',
      '--container',
      'cont-80-tcp',
      '--',
      '/bin/sh',
      '-c',
      PROBE_SCRIPT,
      'podnet-probe',
      '/agnhost',
      'nc',
      '1000ms',
      '1',
      '6',
      'p1',
      '10.244.1.5',
      '80',
      'tcp',
      'c',
      'p2',
      '10.244.2.6',
      '80',
      'tcp',
      'c',
      'p3',
      '10.244.2.7',
      '80',
      'tcp',
      'c',
      'p4',
      '10.96.0.20',
      '80',
      'tcp',
      'r',
      'p5',
      '10.244.2.7',
      '81',
      'udp',
      'c',
      'p6',
      '10.244.2.9',
      '80',
      'tcp',
      'c',
    ]);
    expect(results.map((r) => [r.id, r.outcome])).toEqual([
      ['x/a>y/b 1', 'connected'],
      ['x/a>y/b 2', 'timeout'],
      ['x/a>y/b 3', 'refused'],
      ['x/a>y/b 4', 'connected'],
      ['x/a>y/b 5', 'refused'],
      ['x/a>y/b 6', 'refused'],
    ]);
    expect(results[3]).toMatchObject({ reply: 'podnet-a1b2c3-y-b', servedBy: 'y/b' });
  });

  test('many execs in flight listen on a signal of the prober, not the caller’s: no MaxListeners warning', async () => {
    const caller = new AbortController();
    let most = 0;
    let inFlight = 0;
    const warnings: string[] = [];
    const onWarning = (w: Error) => warnings.push(w.name);
    process.on('warning', onWarning);
    const env: ProberEnv = {
      ...fakeEnv(() => ({}), []),
      // As execa does with cancelSignal: one abort listener per exec while it runs.
      run: async (argv, options) => {
        const stop = () => {};
        options.signal?.addEventListener('abort', stop);
        inFlight += 1;
        most = Math.max(most, getEventListeners(caller.signal, 'abort').length);
        await new Promise((r) => setTimeout(r, 5));
        inFlight -= 1;
        options.signal?.removeEventListener('abort', stop);
        return {
          exitCode: 0,
          stdout: `PODNET\t${argv.at(-5)}\t0\tc\t\nPODNET-END\t1\n`,
          stderr: '',
          durationMs: 1,
        };
      },
    };
    const probes = Array.from({ length: 30 }, (_, i) => req(`q${i}`, 'x/a', `10.244.1.${i + 1}`));
    const results = await runKubeProbes(probes, env, {
      ...DEFAULT_PROBER_OPTIONS,
      mode: 'per-probe',
      concurrency: 30,
      signal: caller.signal,
    });
    await new Promise((r) => setImmediate(r));
    process.off('warning', onWarning);
    expect(results.every((r) => r.outcome === 'connected')).toBe(true);
    expect(most).toBe(1);
    expect(inFlight).toBe(0);
    expect(getEventListeners(caller.signal, 'abort')).toHaveLength(0);
    expect(warnings).not.toContain('MaxListenersExceededWarning');
  });

  test('per-probe fallback: one exec per probe', async () => {
    const calls: (readonly string[])[] = [];
    const env = fakeEnv((argv) => ({ stdout: `PODNET\t${argv.at(-5)}\t0\tc\t\nPODNET-END\t1\n` }), calls);
    const probes = [
      req('p1', 'x/a', '10.244.1.5'),
      req('p2', 'x/a', '10.244.1.6'),
      req('p3', 'y/b', '10.244.1.5'),
    ];
    const results = await runKubeProbes(probes, env, {
      ...DEFAULT_PROBER_OPTIONS,
      mode: 'per-probe',
      concurrency: 2,
    });
    expect(calls).toHaveLength(3);
    expect(results.every((r) => r.outcome === 'connected')).toBe(true);
  });

  for (const f of execFailures.cases) {
    test(`an exec failure is inconclusive, never a block: ${f.name}`, async () => {
      const env = fakeEnv(() => ({ exitCode: f.exitCode, stderr: f.stderr, stdout: f.stdout ?? '' }), []);
      const results = await runKubeProbes(
        [req('p1', 'x/a', '10.244.1.5'), req('p2', 'x/a', '10.244.1.6')],
        env,
        DEFAULT_PROBER_OPTIONS,
      );
      // A line that did arrive before the cut still counts; the rest are errors with kubectl's reason.
      for (const r of results) {
        if (f.stdout?.includes(`\t${r.id}\t`)) expect(r.outcome).toBe('connected');
        else {
          expect(r.outcome).toBe('error');
          expect(r.detail).toContain(f.stderr.trim().split('\n')[0]);
        }
      }
    });
  }

  test('a killed exec (timeout) and an unknown source pod are errors', async () => {
    const env = fakeEnv(() => ({ exitCode: -1, failure: 'timed out after 30000 ms' }), []);
    const results = await runKubeProbes(
      [req('p1', 'x/a', '10.244.1.5'), req('p2', 'z/q', '10.244.1.5')],
      env,
      DEFAULT_PROBER_OPTIONS,
    );
    expect(results[0]).toMatchObject({ outcome: 'error' });
    expect(results[0]?.detail).toContain('timed out');
    expect(results[1]).toMatchObject({ outcome: 'error', detail: 'no running pod for source z/q' });
  });
});
