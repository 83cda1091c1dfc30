// `npm run bench -- kubeexec [--exec-ms 150] [--pods 9] [--ports 2]`: issue 9's exec benchmark.
// With `--lab-api` or `--kubeconfig FILE` it runs with the real kubectl instead (kubeexec/live.ts).
// A 9-pod × 2-port matrix (every pod probes every pod's ports: 162 probes) through the kube adapter's
// real prober (adapters/kube/prober.ts), once batched (one exec per source pod) and once with one exec
// per probe. No cluster: each `kubectl exec` is a fake that sleeps a simulated 150 ms and returns the
// batch script's recorded output format. Both modes get the same budget of execs in flight (8); the
// per-probe mode is also shown with Cyclonus's 15 workers. Prints measured execs, wall time and ratios.
import type { ExecRunner } from '../adapters/kube/kubectlExec.ts';
import type { ExecMode } from '../adapters/kube/prober.ts';
import { DEFAULT_PROBER_OPTIONS, runKubeProbes } from '../adapters/kube/prober.ts';
import { PROBE_SCRIPT } from '../adapters/kube/probeScript.ts';
import type { ProbeRequest } from '../spec/target.ts';

function flag(args: readonly string[], name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

/** A fake `kubectl exec`: waits `execMs`, then answers every probe of its argv as connected. */
function simulatedExec(execMs: number, counter: { execs: number }): ExecRunner {
  return async (argv) => {
    counter.execs += 1;
    await new Promise((r) => setTimeout(r, execMs));
    const tuples = argv.slice(argv.indexOf(PROBE_SCRIPT) + 7);
    const lines: string[] = [];
    for (let i = 0; i + 4 < tuples.length; i += 5) lines.push(`PODNET\t${tuples[i]}\t0\tc\t`);
    return {
      exitCode: 0,
      stdout: `${lines.join('\n')}\nPODNET-END\t${lines.length}\n`,
      stderr: '',
      durationMs: execMs,
    };
  };
}

async function measure(
  mode: ExecMode,
  probes: readonly ProbeRequest[],
  execMs: number,
  execsInFlight: number,
) {
  const counter = { execs: 0 };
  const pods = new Set(probes.map((p) => p.from));
  const started = performance.now();
  const results = await runKubeProbes(
    probes,
    {
      run: simulatedExec(execMs, counter),
      connection: {},
      sourceOf: (from) =>
        pods.has(from)
          ? { namespace: 'podnet-bench-x', pod: from.split('/')[1] as string, container: 'cont-80-tcp' }
          : undefined,
      modeOf: () => 'c',
      servedByOf: () => undefined,
    },
    // Batched: `concurrency` is the in-pod parallelism; per-probe: it is the number of execs in flight.
    {
      ...DEFAULT_PROBER_OPTIONS,
      mode,
      execConcurrency: execsInFlight,
      concurrency: mode === 'batched' ? 64 : execsInFlight,
    },
  );
  const wallMs = performance.now() - started;
  const connected = results.filter((r) => r.outcome === 'connected').length;
  return { execs: counter.execs, wallMs, connected };
}

export async function main(args: readonly string[]): Promise<number> {
  if (args.includes('--lab-api') || args.includes('--kubeconfig')) {
    const { liveMain } = await import('./kubeexec/live.ts');
    return liveMain(args, (name) => flag(args, name));
  }
  const execMs = Number(flag(args, '--exec-ms') ?? 150);
  const podCount = Number(flag(args, '--pods') ?? 9);
  const portCount = Number(flag(args, '--ports') ?? 2);
  const out = (line: string) => process.stdout.write(`${line}\n`);
  const pods = Array.from({ length: podCount }, (_, i) => `x/p${i}`);
  const probes: ProbeRequest[] = [];
  for (const [s, from] of pods.entries()) {
    for (const [d] of pods.entries()) {
      for (let k = 0; k < portCount; k++) {
        probes.push({
          id: `s${s}d${d}k${k}`,
          from,
          host: `10.244.0.${d + 2}`,
          port: 80 + k,
          protocol: 'TCP',
          timeoutMs: 1000,
        });
      }
    }
  }
  out(
    `kube exec benchmark: ${podCount} pods × ${podCount} pods × ${portCount} ports = ${probes.length} probes; each exec costs a simulated ${execMs} ms`,
  );
  const batched = await measure('batched', probes, execMs, 8);
  const perProbe = await measure('per-probe', probes, execMs, 8);
  const cyclonus = await measure('per-probe', probes, execMs, 15);
  const row = (name: string, m: { execs: number; wallMs: number; connected: number }) =>
    out(
      `  ${name.padEnd(34)} execs ${String(m.execs).padStart(4)}   wall ${m.wallMs.toFixed(0).padStart(6)} ms   results ${m.connected}/${probes.length} connected`,
    );
  row('batched (8 execs in flight)', batched);
  row('one exec per probe (8 in flight)', perProbe);
  row('one exec per probe (15, Cyclonus)', cyclonus);
  const execRatio = perProbe.execs / batched.execs;
  const timeRatio = perProbe.wallMs / batched.wallMs;
  const cyclonusRatio = cyclonus.wallMs / batched.wallMs;
  out(
    `  fewer execs: ${execRatio.toFixed(1)}× (goal ≥ 10×)   less time: ${timeRatio.toFixed(1)}× at equal exec budget (goal ≥ 5×), ${cyclonusRatio.toFixed(1)}× vs 15 workers`,
  );
  out(
    `kubeexec probes=${probes.length} batched_execs=${batched.execs} batched_ms=${batched.wallMs.toFixed(0)} perprobe_execs=${perProbe.execs} perprobe_ms=${perProbe.wallMs.toFixed(0)} exec_ratio=${execRatio.toFixed(2)} time_ratio=${timeRatio.toFixed(2)} time_ratio_15=${cyclonusRatio.toFixed(2)}`,
  );
  return execRatio >= 10 && timeRatio >= 5 ? 0 : 1;
}
