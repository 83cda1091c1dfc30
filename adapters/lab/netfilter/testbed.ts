/**
 * Test fixture for the netfilter agents (used by their `lab` tests only): one node namespace with a
 * `cni0` bridge (br_netfilter on, forwarding on, a dummy `eth0` holding the node IP and the default
 * route), and pods as namespaces on veths into cni0, each running `testbedAgent.mjs` (serves its TCP/UDP
 * ports, runs probes on command). Every name carries a random `pnft<4 hex>-` prefix; `destroy()` removes
 * all of it and is safe to call twice.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { execa, type ResultPromise } from 'execa';
import type { ContainerPort, Labels, Namespace, Protocol } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import type { LabExec, NetfilterPod, NodeNetfilterView } from './types.ts';

const AGENT = fileURLToPath(new URL('./testbedAgent.mjs', import.meta.url));

const TESTBED_NODE = 'node-1';
const TESTBED_NODE_IP = '192.168.77.1';
const TESTBED_POD_CIDR = '10.244.1.0/24';
const TESTBED_CLUSTER_CIDR = '10.244.0.0/16';

/** Runs `argv` (no shell); `input` goes to stdin; rejects with stderr on failure. */
export const testbedExec: LabExec = async (argv, input) => {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('empty argv');
  const r = await execa(file, args, {
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    reject: false,
  });
  if (r.exitCode !== 0) throw new Error(`${argv.join(' ')} failed (${r.exitCode}): ${r.stderr}`);
  return r.stdout;
};

export interface TestbedPodSpec {
  readonly namespace: string;
  readonly name: string;
  readonly labels?: Labels;
  readonly ports?: readonly ContainerPort[];
  readonly ready?: boolean;
}

export interface ProbeAnswer {
  readonly outcome: 'connected' | 'refused' | 'timeout' | 'error';
  readonly reply?: string;
  readonly detail?: string;
  /** The pod key that answered (first word of the reply). */
  readonly servedBy?: string;
}

interface Agent {
  readonly child: ResultPromise;
  readonly pending: Map<number, (a: ProbeAnswer) => void>;
}

export interface Testbed {
  readonly prefix: string;
  readonly netns: string;
  readonly pods: readonly NetfilterPod[];
  /** A view of the node with the testbed's pods; the rest from `over`. */
  view(over?: Partial<NodeNetfilterView>): NodeNetfilterView;
  /** One probe from a pod (`ns/name`) or from the node itself (`node`). */
  probe(
    from: string,
    host: string,
    port: number,
    protocol?: Protocol,
    timeoutMs?: number,
  ): Promise<ProbeAnswer>;
  /** Many probes, `concurrency` at a time (sequential when 1), answers in request order. */
  probeMany(
    from: string,
    host: string,
    port: number,
    count: number,
    options?: { protocol?: Protocol; concurrency?: number; timeoutMs?: number },
  ): Promise<ProbeAnswer[]>;
  ip(podKey: string): string;
  destroy(): Promise<void>;
}

/** Names that a testbed with `prefix` may have left: its namespaces. */
export async function testbedLeftovers(prefix: string): Promise<string[]> {
  const out = await testbedExec(['ip', 'netns', 'list']);
  return out
    .split('\n')
    .map((l) => l.split(' ')[0] ?? '')
    .filter((n) => n.startsWith(prefix));
}

/** Whether process `pid` is still alive. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Builds the testbed; on any failure it removes what it made before rethrowing. */
export async function createTestbed(
  specs: readonly TestbedPodSpec[],
): Promise<Testbed & { pids(): number[] }> {
  const prefix = `pnft${randomBytes(2).toString('hex')}-`;
  const nodeNs = `${prefix}n`;
  const agents = new Map<string, Agent>();
  const made: string[] = [];
  const pods: NetfilterPod[] = specs.map((s, i) => ({
    key: `${s.namespace}/${s.name}`,
    namespace: s.namespace,
    name: s.name,
    labels: s.labels ?? {},
    ip: `10.244.1.${i + 2}`,
    node: TESTBED_NODE,
    hostNetwork: false,
    ready: s.ready ?? true,
    ports: s.ports ?? [],
    hostVeth: `${prefix}v${i + 1}`,
  }));
  let nextId = 0;

  const destroy = async (): Promise<void> => {
    for (const agent of agents.values()) agent.child.kill('SIGKILL');
    await Promise.all([...agents.values()].map((a) => a.child.catch(() => undefined)));
    agents.clear();
    for (const ns of [...made].reverse()) await testbedExec(['ip', 'netns', 'del', ns]).catch(() => '');
    made.length = 0;
  };

  const startAgent = async (key: string, netns: string, ports: readonly ContainerPort[]): Promise<void> => {
    const list = (p: Protocol) =>
      ports
        .filter((x) => x.protocol === p)
        .map((x) => x.containerPort)
        .join(',');
    const child = execa(
      'ip',
      ['netns', 'exec', netns, process.execPath, AGENT, key, list('TCP'), list('UDP')],
      {
        stdin: 'pipe',
        stdout: 'pipe',
        stderr: 'inherit',
        buffer: false,
      },
    );
    const agent: Agent = { child, pending: new Map() };
    agents.set(key, agent);
    const ready = new Promise<void>((resolve, reject) => {
      child.catch((e: unknown) => reject(e instanceof Error ? e : new Error(String(e))));
      const lines = createInterface({ input: child.stdout! });
      lines.on('line', (line) => {
        const msg = JSON.parse(line) as { ready?: string; id?: number } & ProbeAnswer;
        if (msg.ready !== undefined) return resolve();
        const done = msg.id === undefined ? undefined : agent.pending.get(msg.id);
        if (done === undefined || msg.id === undefined) return;
        agent.pending.delete(msg.id);
        const servedBy = msg.reply?.split(' ')[0];
        done({
          outcome: msg.outcome,
          ...(msg.reply === undefined ? {} : { reply: msg.reply }),
          ...(msg.detail === undefined ? {} : { detail: msg.detail }),
          ...(servedBy === undefined ? {} : { servedBy }),
        });
      });
    });
    await ready;
  };

  try {
    await testbedExec(['ip', 'netns', 'add', nodeNs]);
    made.push(nodeNs);
    const node = (args: string[]) => testbedExec(['ip', '-n', nodeNs, ...args]);
    await testbedExec(['ip', 'netns', 'exec', nodeNs, 'sysctl', '-q', '-w', 'net.ipv4.ip_forward=1']);
    await testbedExec([
      'ip',
      'netns',
      'exec',
      nodeNs,
      'sysctl',
      '-q',
      '-w',
      'net.bridge.bridge-nf-call-iptables=1',
    ]);
    await node(['link', 'set', 'lo', 'up']);
    // No dummy driver in this kernel: a port-less bridge holds the node IP instead.
    await node(['link', 'add', 'eth0', 'type', 'bridge']);
    await node(['addr', 'add', `${TESTBED_NODE_IP}/24`, 'dev', 'eth0']);
    await node(['link', 'set', 'eth0', 'up']);
    // ClusterIPs need a route for their packets to reach FORWARD (where a no-endpoint Service rejects).
    await node(['route', 'add', 'default', 'dev', 'eth0']);
    await node(['link', 'add', 'cni0', 'type', 'bridge']);
    await node(['addr', 'add', '10.244.1.1/24', 'dev', 'cni0']);
    await node(['link', 'set', 'cni0', 'up']);
    for (const [i, pod] of pods.entries()) {
      const podNs = `${prefix}p${i + 1}`;
      await testbedExec(['ip', 'netns', 'add', podNs]);
      made.push(podNs);
      const veth = pod.hostVeth ?? '';
      await node(['link', 'add', veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', podNs]);
      await node(['link', 'set', veth, 'master', 'cni0', 'up']);
      // As the CNI bridge plugin does with hairpinMode (flannel's default): a pod may reach itself via a Service.
      await testbedExec(['bridge', '-n', nodeNs, 'link', 'set', 'dev', veth, 'hairpin', 'on']);
      const inPod = (args: string[]) => testbedExec(['ip', '-n', podNs, ...args]);
      await inPod(['link', 'set', 'lo', 'up']);
      await inPod(['addr', 'add', `${pod.ip}/24`, 'dev', 'eth0']);
      await inPod(['link', 'set', 'eth0', 'up']);
      await inPod(['route', 'add', 'default', 'via', '10.244.1.1']);
    }
    await Promise.all([
      startAgent('node', nodeNs, []),
      ...pods.map((p, i) => startAgent(p.key, `${prefix}p${i + 1}`, p.ports)),
    ]);
  } catch (e) {
    await destroy();
    throw e;
  }

  const probe = (
    from: string,
    host: string,
    port: number,
    protocol: Protocol = 'TCP',
    timeoutMs = 1000,
  ): Promise<ProbeAnswer> => {
    const agent = agents.get(from);
    if (agent === undefined) throw new Error(`no agent ${from}`);
    const id = nextId++;
    return new Promise((resolve) => {
      agent.pending.set(id, resolve);
      agent.child.stdin?.write(`${JSON.stringify({ id, proto: protocol, host, port, ms: timeoutMs })}\n`);
    });
  };

  const namespaces = (): Namespace[] =>
    [...new Set(pods.map((p) => p.namespace))].map((name) => ({
      name,
      labels: { [NAMESPACE_NAME_LABEL]: name },
    }));

  return {
    prefix,
    netns: nodeNs,
    pods,
    ip: (key) => {
      const pod = pods.find((p) => p.key === key);
      if (pod === undefined) throw new Error(`no pod ${key}`);
      return pod.ip;
    },
    view: (over = {}) => ({
      node: TESTBED_NODE,
      netns: nodeNs,
      nodeIP: TESTBED_NODE_IP,
      podCIDR: TESTBED_POD_CIDR,
      clusterCIDR: TESTBED_CLUSTER_CIDR,
      bridge: 'cni0',
      nodeIPs: { [TESTBED_NODE]: TESTBED_NODE_IP },
      namespaces: namespaces(),
      pods,
      policies: [],
      services: [],
      proxyMode: 'random',
      policyMode: 'enforce',
      faults: [],
      faultNode: true,
      ...over,
    }),
    probe,
    probeMany: async (from, host, port, count, options = {}) => {
      const answers: ProbeAnswer[] = new Array(count);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < count) {
          const i = next++;
          answers[i] = await probe(from, host, port, options.protocol ?? 'TCP', options.timeoutMs ?? 1000);
        }
      };
      await Promise.all(Array.from({ length: options.concurrency ?? 1 }, worker));
      return answers;
    },
    pids: () => [...agents.values()].flatMap((a) => (a.child.pid === undefined ? [] : [a.child.pid])),
    destroy,
  };
}
