/**
 * The batched probe script and its parsing, proven against the lab: the SAME script the kube adapter
 * sends through `kubectl exec` runs inside the lab's pod network namespaces (`ip netns exec <pod-ns>
 * /bin/sh -c SCRIPT …`, standing in for `kubectl exec`), with stand-ins for `/agnhost connect` and
 * netcat that print agnhost's messages (agnhost's image cannot be pulled here). Its results must equal
 * the lab's own prober's, probe for probe: connected, refused (closed port, TCP RST / ICMP), and what
 * the lab's policies reject.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import type { Cluster } from '../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import type { ProbeRequest } from '../../spec/target.ts';
import { leftovers } from '../lab/cleanup.ts';
import { createLabTarget, type LabTarget } from '../lab/labTarget.ts';
import { parseReply } from '../lab/prober.ts';
import { labNodes, labPod, testLabId } from '../lab/testing.ts';
import { ensureAgnhostConnect } from '../labapi/containers/sandbox.ts';
import type { ExecRunner } from './kubectlExec.ts';
import { DEFAULT_PROBER_OPTIONS, runKubeProbes } from './prober.ts';

// The lab API's stand-ins for agnhost and netcat (what /agnhost and nc run in a lab sandbox).
const STANDINS = join(import.meta.dirname, '..', 'labapi', 'containers', 'standins');
// Generous: a loaded machine must not turn a slow UDP reply into a timeout on one side only.
const PROBE_TIMEOUT_MS = 3000;

const CLUSTER: Cluster = {
  nodes: labNodes([0, 0]),
  namespaces: ['x', 'y'].map((name) => ({ name, labels: { ns: name, [NAMESPACE_NAME_LABEL]: name } })),
  pods: [
    labPod('x', 'a', 'node-1'),
    labPod('x', 'b', 'node-2'),
    labPod('y', 'a', 'node-1'),
    labPod('y', 'b', 'node-2'),
  ],
  services: [
    {
      namespace: 'x',
      name: 's',
      selector: { app: 'b' },
      ports: [{ protocol: 'TCP', port: 8080, targetPort: 80 }],
      sessionAffinity: 'None',
      affinityTimeoutSeconds: 10800,
    },
  ],
  policies: [
    // x: ingress only from namespace y on TCP 80; y/b may not send anywhere.
    {
      namespace: 'x',
      name: 'from-y',
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [
        {
          peers: [{ namespaceSelector: { matchLabels: { ns: 'y' } } }],
          ports: [{ protocol: 'TCP', port: 80 }],
        },
      ],
    },
    {
      namespace: 'y',
      name: 'b-silent',
      podSelector: { matchLabels: { app: 'b' } },
      policyTypes: ['Egress'],
      egress: [],
    },
  ],
};

/** Made on first use, by the lab test only, and removed after it. */
let tools: string | undefined;

/**
 * `/agnhost` and `nc` as a lab API container has them: the C `agnhost connect` (handing anything else to
 * the Node stand-in), and netcat-openbsd itself when the machine has it.
 */
async function containerTools(): Promise<{ agnhost: string; nc: string }> {
  tools ??= mkdtempSync(join(tmpdir(), 'podnet-equivalence-'));
  const fast = await ensureAgnhostConnect(tools);
  const agnhost = join(tools, 'agnhost');
  writeFileSync(
    agnhost,
    `#!/bin/sh\nexec ${fast} ${process.execPath} ${join(STANDINS, 'agnhost.mjs')} "$@"\n`,
    {
      mode: 0o755,
    },
  );
  return { agnhost, nc: existsSync('/bin/nc.openbsd') ? '/bin/nc.openbsd' : join(STANDINS, 'nc.mjs') };
}

describe('batched kube probe script in the lab', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterAll(async () => {
    if (tools) rmSync(tools, { recursive: true, force: true });
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  // A hang guard: 68 probes through four execs take ~25 s on an idle machine, minutes on a loaded one.
  test('gives the same outcome as the lab prober for every probe', { timeout: 600_000 }, async () => {
    lab = createLabTarget({ labId: testLabId(), signalHandlers: false });
    const realized = await lab.sync(CLUSTER);
    const target = lab;
    const probes: ProbeRequest[] = [];
    for (const src of CLUSTER.pods) {
      const from = `${src.namespace}/${src.name}`;
      for (const dst of CLUSTER.pods) {
        const host = realized.podIPs[`${dst.namespace}/${dst.name}`]?.[0] as string;
        for (const [port, protocol] of [
          [80, 'TCP'],
          [81, 'UDP'],
          [82, 'TCP'],
          [83, 'UDP'],
        ] as const) {
          probes.push({ id: `p${probes.length}`, from, host, port, protocol, timeoutMs: PROBE_TIMEOUT_MS });
        }
      }
      probes.push({
        id: `p${probes.length}`,
        from,
        host: realized.serviceIPs['x/s'] as string,
        port: 8080,
        protocol: 'TCP',
        timeoutMs: PROBE_TIMEOUT_MS,
      });
    }
    const execs: string[][] = [];
    // Stands in for `kubectl exec`: the namespace argument is the pod's network namespace.
    const netnsExec: ExecRunner = async (argv, options) => {
      const ns = argv[argv.indexOf('--namespace') + 1] as string;
      const command = argv.slice(argv.indexOf('--') + 1);
      const cmd = ['ip', 'netns', 'exec', ns, ...command];
      execs.push(cmd);
      const started = performance.now();
      const r = await execa(cmd[0] as string, cmd.slice(1), {
        reject: false,
        timeout: options.timeoutMs,
        stdin: 'ignore',
      });
      return {
        exitCode: r.exitCode ?? -1,
        stdout: String(r.stdout),
        stderr: String(r.stderr),
        durationMs: performance.now() - started,
      };
    };
    const serviceIPs = new Set(Object.values(realized.serviceIPs));
    const viaScript = await runKubeProbes(
      probes,
      {
        run: netnsExec,
        connection: {},
        sourceOf: (from) => {
          const netns = target.podNetns(from);
          return netns ? { namespace: netns, pod: from, container: 'c' } : undefined;
        },
        modeOf: (r) => (serviceIPs.has(r.host) ? 'r' : 'c'),
        servedByOf: (reply) => parseReply(reply).servedBy,
      },
      {
        ...DEFAULT_PROBER_OPTIONS,
        concurrency: 32,
        ...(await containerTools()),
      },
    );
    const viaLab = await lab.probe(probes, { concurrency: 32 });
    // One exec per source pod.
    expect(execs).toHaveLength(CLUSTER.pods.length);
    const table = (rs: { id: string; outcome: string }[]) => rs.map((r) => `${r.id} ${r.outcome}`);
    expect(table(viaScript)).toEqual(table(viaLab));
    // The matrix holds policy verdicts, not only closed ports: the lab's policy agent rejects, so a
    // denied probe is `refused` in both; an allowed one connects in both.
    const outcome = (from: string, to: string, port: number) => {
      const host = realized.podIPs[to]?.[0];
      const p = probes.find((q) => q.from === from && q.host === host && q.port === port);
      return [viaScript.find((r) => r.id === p?.id)?.outcome, viaLab.find((r) => r.id === p?.id)?.outcome];
    };
    expect(outcome('x/b', 'x/a', 80)).toEqual(['refused', 'refused']); // x admits only namespace y
    expect(outcome('y/a', 'x/a', 80)).toEqual(['connected', 'connected']);
    expect(outcome('y/b', 'y/a', 80)).toEqual(['refused', 'refused']); // y/b may not send
    expect(outcome('x/a', 'y/a', 81)).toEqual(['connected', 'connected']); // UDP with a reply
    expect(outcome('x/a', 'y/a', 83)).toEqual(['refused', 'refused']); // UDP port unreachable
    // Service probes read the backend's reply over a new connection: it names an eligible backend.
    for (const r of viaScript.filter((x) => serviceIPs.has(probes.find((p) => p.id === x.id)?.host ?? ''))) {
      if (r.outcome === 'connected') expect(r.servedBy).toBe('x/b');
    }
  });
});
