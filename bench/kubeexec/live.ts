// `npm run bench -- kubeexec --lab-api | --kubeconfig FILE [--pods 6] [--rounds 4]`: the exec benchmark
// with the real kubectl against a Kubernetes API: a lab API started for the bench (`--lab-api`, needs
// root) or the cluster of a kubeconfig. It creates one namespace `podnet-bench-<id>` with N agnhost porter
// pods (ports 80 and 81 served, 82 not), probes every pod's three ports from every pod, `--rounds` times
// (a scenario probes once per state), through the kube adapter's real prober in its three exec modes.
// Modes alternate round by round so that a busy machine slows them alike. Every mode must give the same
// outcome for every probe. The namespace (and the lab) are removed at the end, also on Ctrl-C.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import type { ExecTarget } from '../../adapters/kube/kubectlExec.ts';
import { execaRunner } from '../../adapters/kube/kubectlExec.ts';
import type { ExecMode } from '../../adapters/kube/prober.ts';
import { DEFAULT_PROBER_OPTIONS, runKubeProbes } from '../../adapters/kube/prober.ts';
import { ProbeSessions } from '../../adapters/kube/probeSessions.ts';
import { DEFAULT_AGNHOST_IMAGE } from '../../adapters/kube/render/context.ts';
import { startTemporaryLabApi } from '../../adapters/labapi/control.ts';
import type { ProbeRequest, ProbeResult } from '../../spec/target.ts';

function manifest(ns: string, pods: number): string {
  const docs = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'podnet.io/bench': 'kubeexec' } },
    },
  ];
  for (let i = 0; i < pods; i++) {
    docs.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: `p${i}`, namespace: ns, labels: { 'podnet.io/bench': 'kubeexec' } },
      // agnhost porter serves each SERVE_PORT_<n> (test/images/agnhost/porter/porter.go).
      spec: {
        containers: [
          {
            name: 'porter',
            image: DEFAULT_AGNHOST_IMAGE,
            args: ['porter'],
            env: [
              { name: 'SERVE_PORT_80', value: `p${i}` },
              { name: 'SERVE_PORT_81', value: `p${i}` },
            ],
            ports: [{ containerPort: 80 }, { containerPort: 81 }],
          },
        ],
      },
    } as never);
  }
  return docs.map((d) => JSON.stringify(d)).join('\n---\n');
}

export async function liveMain(args: readonly string[], flag: (name: string) => string | undefined) {
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const podCount = Number(flag('--pods') ?? 6);
  const rounds = Number(flag('--rounds') ?? 4);
  const dir = await mkdtemp(join(tmpdir(), 'podnet-bench-kubeexec-'));
  let lab: Awaited<ReturnType<typeof startTemporaryLabApi>> | undefined;
  const ns = `podnet-bench-${Math.random().toString(16).slice(2, 8)}`;
  let kubeconfig = flag('--kubeconfig');
  const kubectl = (argv: readonly string[]) =>
    execa('kubectl', ['--kubeconfig', kubeconfig as string, ...argv], { reject: false });
  const cleanup = async () => {
    if (kubeconfig) await kubectl(['delete', 'namespace', ns, '--ignore-not-found', '--wait=false']);
    await lab?.stop();
    await rm(dir, { recursive: true, force: true });
  };
  const onSignal = () => {
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    if (args.includes('--lab-api')) {
      lab = await startTemporaryLabApi({});
      kubeconfig = lab.api.kubeconfig;
      out(`lab ${lab.api.labId} with its API at ${lab.api.url} (a lab, not a real cluster)`);
    }
    if (!kubeconfig) throw new Error('give --lab-api or --kubeconfig FILE');
    const version = await kubectl(['version', '-o', 'json']);
    const server = JSON.parse(version.stdout || '{}').serverVersion?.gitVersion ?? 'unknown';
    const client = JSON.parse(version.stdout || '{}').clientVersion?.gitVersion ?? 'unknown';
    await writeFile(join(dir, 'bench.yaml'), manifest(ns, podCount));
    const created = await kubectl(['create', '-f', join(dir, 'bench.yaml')]);
    if (created.exitCode !== 0) throw new Error(`kubectl create: ${created.stderr}`);
    const ready = await kubectl([
      'wait',
      '-n',
      ns,
      '--for=condition=Ready',
      'pod',
      '--all',
      '--timeout=180s',
    ]);
    if (ready.exitCode !== 0) throw new Error(`pods not Ready: ${ready.stderr}`);
    const ips = await kubectl([
      'get',
      'pods',
      '-n',
      ns,
      '-o',
      'jsonpath={range .items[*]}{.metadata.name} {.status.podIP}{"\\n"}{end}',
    ]);
    const podIP = new Map(
      ips.stdout
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    const probes: ProbeRequest[] = [];
    for (let s = 0; s < podCount; s++) {
      for (let d = 0; d < podCount; d++) {
        for (const port of [80, 81, 82]) {
          probes.push({
            id: `s${s}d${d}p${port}`,
            from: `${ns}/p${s}`,
            host: podIP.get(`p${d}`) as string,
            port,
            protocol: 'TCP',
            timeoutMs: 2000,
          });
        }
      }
    }
    out(
      `kube exec benchmark, real kubectl ${client} against ${server}: ${podCount} pods × ${podCount} pods × 3 ports = ${probes.length} probes per round, ${rounds} rounds`,
    );
    const connection = { kubeconfig };
    const sessions = new ProbeSessions(connection, { agnhost: '/agnhost', nc: 'nc' });
    const env = {
      run: execaRunner,
      connection,
      sourceOf: (from: string): ExecTarget => ({
        namespace: ns,
        pod: from.split('/')[1] as string,
        container: 'porter',
      }),
      modeOf: () => 'c' as const,
      servedByOf: () => undefined,
    };
    const round = async (mode: ExecMode) => {
      const started = performance.now();
      const results = await runKubeProbes(probes, mode === 'session' ? { ...env, sessions } : env, {
        ...DEFAULT_PROBER_OPTIONS,
        mode,
        concurrency:
          mode === 'per-probe' ? DEFAULT_PROBER_OPTIONS.execConcurrency : DEFAULT_PROBER_OPTIONS.concurrency,
      });
      return { ms: performance.now() - started, results };
    };
    const times: Record<ExecMode, number[]> = { session: [], batched: [], 'per-probe': [] };
    const verdicts = new Map<string, Set<string>>();
    const record = (results: readonly ProbeResult[]) => {
      for (const r of results) verdicts.set(r.id, (verdicts.get(r.id) ?? new Set()).add(r.outcome));
    };
    for (let r = 0; r < rounds; r++) {
      for (const mode of ['batched', 'session'] as const) {
        const { ms, results } = await round(mode);
        times[mode].push(ms);
        record(results);
      }
    }
    // One exec per probe is slow: one round, as the baseline the issue-9 benchmark uses.
    const perProbe = await round('per-probe');
    times['per-probe'].push(perProbe.ms);
    record(perProbe.results);
    await sessions.closeAll();
    const disagree = [...verdicts].filter(([, v]) => v.size > 1);
    const expectedOk = [...verdicts].every(([id, v]) => {
      const outcome = [...v][0];
      return v.size === 1 && (id.endsWith('p82') ? outcome === 'refused' : outcome === 'connected');
    });
    const median = (xs: readonly number[]) => {
      const s = [...xs].sort((a, b) => a - b);
      return s.length % 2
        ? (s[(s.length - 1) / 2] as number)
        : ((s[s.length / 2 - 1] as number) + (s[s.length / 2] as number)) / 2;
    };
    const show = (mode: ExecMode) =>
      out(
        `  ${mode.padEnd(10)} rounds ${times[mode].map((t) => `${t.toFixed(0)} ms`).join(', ')}   median ${median(times[mode]).toFixed(0)} ms`,
      );
    show('session');
    show('batched');
    show('per-probe');
    const later = (xs: readonly number[]) => (xs.length > 1 ? xs.slice(1) : xs);
    const sessionVsBatched = median(times.batched) / median(times.session);
    const steadyVsBatched = median(later(times.batched)) / median(later(times.session));
    const batchedVsPerProbe = median(times['per-probe']) / median(times.batched);
    out(
      `  session vs batched: ${sessionVsBatched.toFixed(1)}× less time per round (median), ${steadyVsBatched.toFixed(1)}× after the first round (sessions open); batched vs one exec per probe: ${batchedVsPerProbe.toFixed(1)}×`,
    );
    out(
      `  outcomes: ${disagree.length === 0 ? 'every mode gave the same outcome for every probe' : `${disagree.length} probes differ between modes`}${expectedOk ? '' : ' (NOT the expected connected/refused)'}`,
    );
    out(
      `kubeexec_live probes=${probes.length} rounds=${rounds} session_ms=${median(times.session).toFixed(0)} batched_ms=${median(times.batched).toFixed(0)} perprobe_ms=${median(times['per-probe']).toFixed(0)} session_ratio=${sessionVsBatched.toFixed(2)} steady_ratio=${steadyVsBatched.toFixed(2)} perprobe_ratio=${batchedVsPerProbe.toFixed(2)} agree=${disagree.length === 0 && expectedOk}`,
    );
    return disagree.length === 0 && expectedOk ? 0 : 1;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}
