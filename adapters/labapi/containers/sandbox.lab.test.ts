// The lab API's containers in a real lab: pods rendered by the kube adapter, served as agnhost would
// (podServers → LabTargetOptions.podReplies), exec'd into through the real kubectl and acceptExec, each
// command in spawnInSandbox. Needs root and network namespaces (tag lab); cleans up its own lab only.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { V1Pod } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Cluster, ObjectKey } from '../../../spec/model.ts';
import { keyOf, NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { ProbeRequest } from '../../../spec/target.ts';
import { execaRunner } from '../../kube/kubectlExec.ts';
import { DEFAULT_PROBER_OPTIONS, runKubeProbes } from '../../kube/prober.ts';
import { renderPod } from '../../kube/render/pod.ts';
import { READER_FLANNEL_DIR, renderReaderPod } from '../../kube/render/readerPod.ts';
import { leftovers } from '../../lab/cleanup.ts';
import { createLabTarget, type LabTarget } from '../../lab/labTarget.ts';
import { labNodes, labPod, testLabId } from '../../lab/testing.ts';
import { type MiniApi, startMiniApi } from '../exec/testing/miniApi.ts';
import type { ExecStreams } from '../exec/types.ts';
import { FLANNEL_RUN_DIR, hostPathOnNode } from './hostPaths.ts';
import { hostnameOfPod, podServers } from './podServers.ts';
import { ensureSandboxInit, spawnInSandbox, useSandboxInit } from './sandbox.ts';
import type { SandboxSpec } from './types.ts';

const IMAGE = 'registry.k8s.io/e2e-test-images/agnhost:2.53';
const ctx = { runId: 'abc123', image: IMAGE, nodeFor: (n: string | undefined) => n };
// Generous: a loaded machine must not turn a slow UDP reply into a timeout on one side only.
const PROBE_TIMEOUT_MS = 3000;

const PORTS = [
  { containerPort: 80, protocol: 'TCP' as const },
  { containerPort: 81, protocol: 'UDP' as const },
];
const CLUSTER: Cluster = {
  nodes: labNodes([0, 0]),
  namespaces: ['x', 'y'].map((name) => ({ name, labels: { ns: name, [NAMESPACE_NAME_LABEL]: name } })),
  pods: [
    labPod('x', 'a', 'node-1', PORTS),
    labPod('x', 'b', 'node-2', PORTS),
    labPod('y', 'a', 'node-1', PORTS),
    labPod('y', 'b', 'node-2', PORTS),
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

// The V1Pods the kube adapter would create, keyed by scenario pod.
const V1PODS = new Map<ObjectKey, V1Pod>(CLUSTER.pods.map((p) => [keyOf(p), renderPod(p, ctx)]));
const READER = renderReaderPod('node-1', ctx);

let lab: LabTarget;
let api: MiniApi;
let dir: string;
let kubeconfig: string;
let podIPs: Readonly<Record<string, readonly string[]>>;
let serviceIP: string;

function sandboxOf(key: ObjectKey): SandboxSpec {
  const v1 = V1PODS.get(key) as V1Pod;
  return { labPrefix: lab.names.prefix, netns: lab.podNetns(key) as string, hostname: hostnameOfPod(v1) };
}

function readerSandbox(): SandboxSpec {
  const node = lab.labNodes().find((n) => n.name === 'node-1');
  const flannelDir = hostPathOnNode(lab.paths, 0, FLANNEL_RUN_DIR) as string;
  return {
    labPrefix: lab.names.prefix,
    netns: node?.netns as string,
    hostname: hostnameOfPod(READER),
    mounts: [{ hostPath: flannelDir, containerPath: READER_FLANNEL_DIR, readOnly: true }],
  };
}

const ALL: ExecStreams = { stdin: false, stdout: true, stderr: true, tty: false };

async function inSandbox(spec: SandboxSpec, argv: string[]) {
  const h = spawnInSandbox(spec, argv, ALL);
  let stdout = '';
  let stderr = '';
  h.stdout?.on('data', (d: Buffer) => {
    stdout += d;
  });
  h.stderr?.on('data', (d: Buffer) => {
    stderr += d;
  });
  const exit = await h.exited;
  return { exit, stdout, stderr };
}

/** The pids in a pod's network namespace once the sandbox had `ms` to go (SIGKILL acts asynchronously). */
/** The processes in `netns` once none is left (or after `ms`). */
async function pidsSettled(netns: string, ms = 5000): Promise<number[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const pids = (await execa('ip', ['netns', 'pids', netns])).stdout.split('\n').filter(Boolean).map(Number);
    if (pids.length === 0 || Date.now() > deadline) return pids;
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Mounts in this mount namespace, but network namespaces' (`ip netns add` mounts an nsfs under /run/netns, and other test files build labs meanwhile). */
function mountCount(): number {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => !/ - nsfs /.test(l)).length;
}

beforeAll(async () => {
  lab = createLabTarget({
    labId: testLabId(),
    signalHandlers: false,
    podReplies: (p) => {
      const v1 = V1PODS.get(keyOf(p));
      return v1 ? podServers(v1).replies : undefined;
    },
  });
  const realized = await lab.sync(CLUSTER);
  // The C setup, as the lab API runs it; one test below holds it equal to the shell script.
  await ensureSandboxInit(lab.paths.root);
  podIPs = realized.podIPs;
  serviceIP = realized.serviceIPs['x/s'] as string;
  api = await startMiniApi((namespace, pod) => ({
    spawn: (argv, streams) =>
      spawnInSandbox(pod === 'reader' ? readerSandbox() : sandboxOf(`${namespace}/${pod}`), argv, streams),
  }));
  dir = await mkdtemp(join(tmpdir(), 'podnet-sandbox-'));
  kubeconfig = join(dir, 'kubeconfig');
  await api.writeKubeconfig(kubeconfig);
});

afterAll(async () => {
  await api?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
  if (!lab) return;
  await lab.teardown();
  expect(await leftovers(lab.labId)).toEqual([]);
});

const ip = (key: string) => podIPs[key]?.[0] as string;

describe('a lab API container (spawnInSandbox)', { tags: ['lab'] }, () => {
  test('the stand-ins and the hostname are there inside; nothing is left on the host', async () => {
    const mountsBefore = mountCount();
    const r = await inSandbox(sandboxOf('x/a'), [
      '/bin/sh',
      '-c',
      'hostname; test -x /agnhost && command -v nc && ls /tmp | wc -l; echo $$; ip -br -4 addr show eth0',
    ]);
    expect(r.exit).toEqual({ kind: 'exited', code: 0 });
    const [hostname, nc, tmpEntries, pid, addr] = r.stdout.trim().split('\n');
    expect(hostname).toBe('x-a');
    expect(nc).toBe('/usr/bin/nc');
    expect(tmpEntries).toBe('0'); // a fresh /tmp
    expect(pid).not.toBe('1'); // PID 1 of the sandbox is its setup shell, which waits for the command
    expect(addr).toContain(ip('x/a')); // the pod's network namespace
    expect(existsSync('/agnhost')).toBe(false);
    // No process is left in the pod's network namespace (the lab agent serves it from outside).
    expect(await pidsSettled(lab.podNetns('x/a') as string)).toEqual([]);
    expect(readFileSync('/proc/self/mountinfo', 'utf8')).not.toContain('podnet-sandbox');
    expect(mountCount()).toBe(mountsBefore);
  });

  test('the C setup builds the sandbox the shell script builds: mounts, files, hostname, errors', async () => {
    const init = await ensureSandboxInit(lab.paths.root);
    const look = [
      '/bin/sh',
      '-c',
      // Mount points with their types and options (ids and sources vary), the stand-ins, the hostname.
      "awk '{ print $5, $6, $(NF-2) }' /proc/self/mountinfo; ls -l /agnhost /usr/bin/nc /.podnet | cut -c1-10,42-; hostname; ls -A /tmp /run; id -u",
    ];
    const both = async (spec: SandboxSpec, argv: string[]) => {
      useSandboxInit(undefined);
      try {
        const shell = await inSandbox(spec, argv);
        useSandboxInit(init);
        return { shell, c: await inSandbox(spec, argv) };
      } finally {
        useSandboxInit(init);
      }
    };
    for (const spec of [sandboxOf('x/a'), readerSandbox()]) {
      const { shell, c } = await both(spec, look);
      expect(shell.exit).toEqual({ kind: 'exited', code: 0 });
      expect(c).toEqual(shell);
    }
    // Errors: a missing executable, an exit code, stderr.
    for (const argv of [['no-such-binary'], ['/bin/sh', '-c', 'echo e >&2; exit 7']]) {
      const { shell, c } = await both(sandboxOf('x/a'), argv);
      expect(c).toEqual(shell);
    }
    // A command killed by a signal: the same status; the shell setup also printed its job report
    // ("Terminated") into the command's stderr, which no container runtime does.
    const killed = await both(sandboxOf('x/a'), ['/bin/sh', '-c', 'kill -TERM $$']);
    expect(killed.c.exit).toEqual(killed.shell.exit);
    expect(killed.c.stderr).toBe('');
  });

  test('agnhost connect in a pod gives connected / REFUSED / TIMEOUT as connect.go prints them', async () => {
    // A drop (not a reject) inside the lab, so TIMEOUT can be seen: y/a drops TCP 83.
    await execa('ip', [
      'netns',
      'exec',
      lab.podNetns('y/a') as string,
      'iptables',
      '-A',
      'INPUT',
      '-p',
      'tcp',
      '--dport',
      '83',
      '-j',
      'DROP',
    ]);
    const connect = (dest: string, ...flags: string[]) =>
      inSandbox(sandboxOf('x/a'), ['/agnhost', 'connect', dest, '--timeout=1s', ...flags]);
    const ok = await connect(`${ip('y/a')}:80`);
    expect([ok.exit, ok.stdout, ok.stderr]).toEqual([{ kind: 'exited', code: 0 }, '', '']);
    const refused = await connect(`${ip('y/a')}:82`);
    expect([refused.exit, refused.stderr]).toEqual([{ kind: 'exited', code: 1 }, 'REFUSED\n']);
    const dropped = await connect(`${ip('y/a')}:83`);
    expect([dropped.exit, dropped.stderr]).toEqual([{ kind: 'exited', code: 1 }, 'TIMEOUT\n']);
    const udp = await connect(`${ip('y/a')}:81`, '--protocol=udp');
    expect(udp.exit).toEqual({ kind: 'exited', code: 0 });
    const udpClosed = await connect(`${ip('y/a')}:84`, '--protocol=udp');
    expect(udpClosed.stderr).toMatch(/^REFUSED: read udp [\d.]+:\d+->[\d.]+:84: read: connection refused\n$/);
    // A policy verdict: x admits only namespace y on TCP 80, so x/b -> x/a is rejected (the lab rejects).
    const denied = await inSandbox(sandboxOf('x/b'), [
      '/agnhost',
      'connect',
      `${ip('x/a')}:80`,
      '--timeout=1s',
    ]);
    expect(denied.stderr).toBe('REFUSED\n');
  });

  test("listeners answer as agnhost's serve-hostname: the hostname, no newline; the stand-in itself agrees", async () => {
    const tcp = await inSandbox(sandboxOf('y/a'), ['nc', '-w', '1', ip('x/b'), '80']);
    expect(tcp.stdout).toBe('x-b');
    const udp = await inSandbox(sandboxOf('y/a'), [
      '/bin/sh',
      '-c',
      `printf 'hostname\\n' | nc -u -w 1 ${ip('y/b')} 81`,
    ]);
    expect(udp.stdout).toBe('y-b'); // (x admits only TCP 80, so UDP goes to y)
    // The stand-in's serve-hostname, started by hand in a pod, answers what podServers predicted.
    const own = await inSandbox(sandboxOf('y/b'), [
      '/bin/sh',
      '-c',
      // Asks until the server listens (a loaded machine starts node slowly).
      '/agnhost serve-hostname --tcp --http=false --port 9090 2>/dev/null & ' +
        'for i in 1 2 3 4 5 6 7 8 9 10; do o=$(nc -w 1 127.0.0.1 9090) && [ -n "$o" ] && break; sleep 0.5; done; printf %s "$o"',
    ]);
    const predicted = podServers({
      metadata: { name: 'b', namespace: 'y' },
      spec: {
        hostname: 'y-b',
        containers: [
          { name: 'c', image: IMAGE, args: ['serve-hostname', '--tcp', '--http=false', '--port', '9090'] },
        ],
      },
    }).replies;
    expect(predicted).toMatchObject([{ port: 9090, mode: 'tcp-raw', text: own.stdout }]);
    expect(own.stdout).toBe('y-b');
  });

  test("a hostNetwork reader sees its node's subnet.env through the hostPath of /run/flannel, read-only", async () => {
    const r = await inSandbox(readerSandbox(), [
      '/bin/sh',
      '-c',
      `cat ${READER_FLANNEL_DIR}/subnet.env; touch ${READER_FLANNEL_DIR}/x 2>/dev/null || echo read-only; hostname`,
    ]);
    const onNode = await readFile(join(lab.paths.nodeDir(0), 'subnet.env'), 'utf8');
    expect(r.stdout).toBe(`${onNode}read-only\nnode-1\n`);
  });

  test('a missing executable is not-started (an internal error), a bad spec is refused', async () => {
    const r = await inSandbox(sandboxOf('x/a'), ['no-such-binary']);
    expect(r.exit).toEqual({
      kind: 'not-started',
      message: 'exec: "no-such-binary": executable file not found in $PATH',
    });
    expect(() => spawnInSandbox({ ...sandboxOf('x/a'), netns: 'other-ns' }, ['true'], ALL)).toThrow(
      /not one of lab/,
    );
    expect(() =>
      spawnInSandbox(
        { ...sandboxOf('x/a'), mounts: [{ hostPath: '/tmp', containerPath: '/a/../b', readOnly: true }] },
        ['true'],
        ALL,
      ),
    ).toThrow(/without \.\./);
  });
});

describe('kubectl exec into lab pods (acceptExec + sandbox)', { tags: ['lab'] }, () => {
  test('the kube adapter probe script through the real kubectl gives the lab prober`s outcome for every probe', async () => {
    const probes: ProbeRequest[] = [];
    for (const src of CLUSTER.pods) {
      const from = keyOf(src);
      for (const dst of CLUSTER.pods) {
        for (const [port, protocol] of [
          [80, 'TCP'],
          [81, 'UDP'],
          [82, 'TCP'],
          [83, 'UDP'],
        ] as const) {
          probes.push({
            id: `p${probes.length}`,
            from,
            host: ip(keyOf(dst)),
            port,
            protocol,
            timeoutMs: PROBE_TIMEOUT_MS,
          });
        }
      }
      probes.push({
        id: `p${probes.length}`,
        from,
        host: serviceIP,
        port: 8080,
        protocol: 'TCP',
        timeoutMs: PROBE_TIMEOUT_MS,
      });
    }
    const byHostname = new Map([...V1PODS].map(([key, v1]) => [hostnameOfPod(v1), key]));
    const sessionsBefore = api.sessions.length;
    const viaKubectl = await runKubeProbes(
      probes,
      {
        run: execaRunner,
        connection: { kubeconfig },
        sourceOf: (from) => {
          const [namespace, pod] = from.split('/') as [string, string];
          return { namespace, pod, container: 'c' };
        },
        modeOf: (r) => (r.host === serviceIP ? 'r' : 'c'),
        servedByOf: (reply) => byHostname.get(reply.trim()),
      },
      { ...DEFAULT_PROBER_OPTIONS, concurrency: 32 },
    );
    const viaLab = await lab.probe(probes, { concurrency: 32 });
    await api.settled();
    // One kubectl exec per source pod, each a v5 session that ended with Success.
    const sessions = api.sessions.slice(sessionsBefore);
    expect(sessions.map((s) => [s.protocol, s.status?.status])).toEqual(
      CLUSTER.pods.map(() => ['v5.channel.k8s.io', 'Success']),
    );
    const table = (rs: { id: string; outcome: string }[]) => rs.map((r) => `${r.id} ${r.outcome}`);
    expect(table(viaKubectl)).toEqual(table(viaLab));
    expect(new Set(viaLab.map((r) => r.outcome))).toEqual(new Set(['connected', 'refused']));
    // Service probes read serve-hostname's reply: it names the only eligible backend.
    for (const r of viaKubectl.filter((x) => probes.find((p) => p.id === x.id)?.host === serviceIP)) {
      if (r.outcome === 'connected') expect(r.servedBy).toBe('x/b');
    }
  });

  test('kubectl exec: stdout, stderr, exit codes 0/1/127, stdin with the v5 close, in the pod', async () => {
    const k = (args: string[], input?: string) =>
      execa('kubectl', ['--kubeconfig', kubeconfig, 'exec', ...args], {
        reject: false,
        ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
      });
    const hello = await k(['-n', 'x', 'a', '--', 'sh', '-c', 'hostname; echo err >&2']);
    expect([hello.exitCode, hello.stdout, hello.stderr]).toEqual([0, 'x-a', 'err']);
    expect((await k(['-n', 'x', 'a', '--', 'sh', '-c', 'exit 1'])).exitCode).toBe(1);
    expect((await k(['-n', 'x', 'a', '--', 'sh', '-c', 'no-such-binary'])).exitCode).toBe(127);
    const missing = await k(['-n', 'x', 'a', '--', 'no-such-binary']);
    expect(missing.exitCode).toBe(1);
    expect(missing.stderr).toContain('executable file not found in $PATH');
    const cat = await k(['-i', '-n', 'x', 'a', '--', 'sh', '-c', 'cat; echo END'], 'from stdin\n');
    expect(cat.stdout).toBe('from stdin\nEND');
  });

  test('a command that outlives its client is killed: nothing of the sandbox stays in the pod', async () => {
    const netns = lab.podNetns('x/a') as string;
    const pidsInPod = async () =>
      (await execa('ip', ['netns', 'pids', netns])).stdout.split('\n').filter(Boolean).map(Number);
    const child = spawn(
      'kubectl',
      [
        '--kubeconfig',
        kubeconfig,
        'exec',
        '-n',
        'x',
        'a',
        '--',
        'sh',
        '-c',
        'echo up; sleep 300 & sleep 301',
      ],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    expect((await pidsInPod()).length).toBeGreaterThan(1);
    child.kill('SIGKILL');
    await api.settled();
    expect(api.sessions.at(-1)?.clientGone).toBe(true);
    expect(await pidsSettled(netns)).toEqual([]);
  });
});
