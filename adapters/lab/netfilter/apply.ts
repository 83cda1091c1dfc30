/**
 * The thin shell of the lab's policy agent and service proxy: read a node's iptables/ipset state, plan
 * (pure, `compileNode` + `planRestore`), and run the scripts in the node namespace through `exec`.
 * Idempotent: a second call with the same view changes nothing. Only PODNET-* chains and sets are touched.
 */
import type { NetworkPolicy } from '../../../spec/model.ts';
import { compileNode, compileNode6 } from './compileNode.ts';
import { FORWARD_CHAIN } from './names.ts';
import type { NodeTables, RestorePlan } from './restoreScript.ts';
import {
  parseIpsetNames,
  parseIptablesSave,
  planRemoval,
  planRestore,
  tablesAfter,
} from './restoreScript.ts';
import type { LabExec, NodeNetfilterView } from './types.ts';

interface NodeMemory {
  /** What the last successful apply wrote into each of our chains. */
  applied: ReadonlyMap<string, string>;
  /** The same for the ip6tables side of a dual-stack node. */
  applied6: ReadonlyMap<string, string>;
  /** Every policy ever seen on this node, latest version (fault `stale-on-delete` keeps deleted ones). */
  readonly seen: Map<string, NetworkPolicy>;
  /** Serialises applies to one node. */
  queue: Promise<void>;
  /**
   * What the node's tables hold after the last apply, as planned (`tablesAfter`), per family: with
   * `trustOwnWrites`, the next apply plans from it instead of reading the node again. Dropped on any failure.
   */
  known4?: NodeTables | undefined;
  known6?: NodeTables | undefined;
}

/** How an apply may learn the node's current tables. */
export interface ApplyOptions {
  /**
   * Plan from what this agent's own last apply left (until it is forgotten) instead of reading the node
   * again: for a node where nothing else writes iptables or ipsets between applies (the lab after its
   * build). Without it every apply reads the node, and so repairs what another agent changed meanwhile.
   */
  readonly trustOwnWrites?: boolean;
}

/**
 * Per-namespace sysctls the agents rely on, set whenever a node has none of our chains yet (first apply,
 * or a namespace rebuilt under the same name). REJECT answers with ICMP errors, which the kernel
 * rate-limits per peer (`icmp_ratelimit`: 1 s, burst 6) and globally (`icmp_msgs_per_sec`: 1000): a
 * client blocked a few times in a row would otherwise see timeouts instead of refusals.
 */
const NODE_SYSCTLS: readonly string[] = [
  // Bridged pod-to-pod traffic must traverse iptables for the policy agent to see it (br_netfilter).
  'net.bridge.bridge-nf-call-iptables=1',
  'net.ipv4.icmp_ratelimit=0',
  'net.ipv4.icmp_msgs_per_sec=100000',
  'net.ipv4.icmp_msgs_burst=10000',
];

const memory = new Map<string, NodeMemory>();

/** How often an apply re-reads the node and retries when a restore fails (a concurrent change). */
const APPLY_ATTEMPTS = 2;

function nodeMemory(netns: string): NodeMemory {
  let m = memory.get(netns);
  if (m === undefined) {
    m = { applied: new Map(), applied6: new Map(), seen: new Map(), queue: Promise.resolve() };
    memory.set(netns, m);
  }
  return m;
}

function inNetns(netns: string, argv: readonly string[]): string[] {
  return ['ip', 'netns', 'exec', netns, ...argv];
}

/** The IPv6 twins of NODE_SYSCTLS: ICMPv6 errors (REJECT) are rate-limited too. */
const NODE_SYSCTLS6: readonly string[] = [
  'net.bridge.bridge-nf-call-ip6tables=1',
  'net.ipv6.icmp.ratelimit=0',
];

/** Reads the node's filter/nat tables (iptables-save, or ip6tables-save for `family` 6) and ipset names. */
async function readNodeTables(netns: string, exec: LabExec, family: 4 | 6 = 4): Promise<NodeTables> {
  const [save, sets] = await Promise.all([
    exec(inNetns(netns, [family === 4 ? 'iptables-save' : 'ip6tables-save'])),
    exec(inNetns(netns, ['ipset', 'list', '-n'])),
  ]);
  return { ...parseIptablesSave(save), sets: parseIpsetNames(sets) };
}

/** Runs a plan; false when some set could not be destroyed yet (the node then differs from the plan). */
async function runPlan(netns: string, plan: RestorePlan, exec: LabExec, family: 4 | 6 = 4): Promise<boolean> {
  if (plan.ipsetCreate !== '') await exec(inNetns(netns, ['ipset', 'restore', '-exist']), plan.ipsetCreate);
  const restore = family === 4 ? 'iptables-restore' : 'ip6tables-restore';
  if (plan.iptables !== '') await exec(inNetns(netns, [restore, '--noflush']), plan.iptables);
  if (plan.ipsetDestroy === '') return true;
  try {
    await exec(inNetns(netns, ['ipset', 'restore']), plan.ipsetDestroy);
    return true;
  } catch {
    // One set still in use must not keep the others: retry one by one, leaving what cannot go yet.
    for (const line of plan.ipsetDestroy.split('\n').filter((l) => l !== '')) {
      await exec(inNetns(netns, ['ipset', ...line.split(' ')])).catch(() => '');
    }
    return false;
  }
}

/**
 * Programs `view.netns` to match `view`: NetworkPolicies (policy agent) and ClusterIP Services (service
 * proxy), replacing what it programmed before. Each iptables table changes in one atomic transaction.
 */
export function applyNodeNetfilter(
  view: NodeNetfilterView,
  exec: LabExec,
  options: ApplyOptions = {},
): Promise<void> {
  const m = nodeMemory(view.netns);
  const run = async (): Promise<void> => {
    for (const p of view.policies) m.seen.set(`${p.namespace}/${p.name}`, p);
    // An IPv6-only node has no IPv4 program (no pod holds an IPv4 address; no Service is proxied).
    if (!view.ipv6Only) await applyFamily(view, m, exec, options, 4);
    await applyFamily(view, m, exec, options, 6);
  };
  const next = m.queue.then(run, run);
  m.queue = next.catch(() => undefined);
  return next;
}

/** One family's side of an apply: compile, read (or recall), restore; re-read and retry once on a failure. */
async function applyFamily(
  view: NodeNetfilterView,
  m: NodeMemory,
  exec: LabExec,
  options: ApplyOptions,
  family: 4 | 6,
): Promise<void> {
  const seen = [...m.seen.values()];
  const desired = family === 4 ? compileNode(view, seen) : compileNode6(view, seen);
  if (desired === undefined) return;
  for (let attempt = 1; ; attempt++) {
    const recalled =
      options.trustOwnWrites && attempt === 1 ? (family === 4 ? m.known4 : m.known6) : undefined;
    try {
      const current = recalled ?? (await readNodeTables(view.netns, exec, family));
      if (!current.chains.get('filter')?.has(FORWARD_CHAIN))
        await exec(
          inNetns(view.netns, ['sysctl', '-q', '-w', ...(family === 4 ? NODE_SYSCTLS : NODE_SYSCTLS6)]),
        );
      const plan = planRestore(desired, current, family === 4 ? m.applied : m.applied6, family);
      const complete = await runPlan(view.netns, plan, exec, family);
      const after = complete ? tablesAfter(desired, current, family) : undefined;
      if (family === 4) {
        m.applied = plan.applied;
        m.known4 = after;
      } else {
        m.applied6 = plan.applied;
        m.known6 = after;
      }
      return;
    } catch (e) {
      if (family === 4) m.known4 = undefined;
      else m.known6 = undefined;
      // Another agent (flannel's) may have changed a built-in chain between read and restore: re-read once.
      if (attempt >= APPLY_ATTEMPTS) throw e;
    }
  }
}

/**
 * Forgets what was programmed on `netns` and every policy seen there, leaving the kernel as it is: the next
 * apply then rewrites every chain of ours and removes the rest, in one transaction per table, which ends
 * in the same state as a removal followed by that apply (sets are named by their content).
 */
export async function forgetNodeNetfilter(netns: string): Promise<void> {
  const m = memory.get(netns);
  if (m === undefined) return;
  await m.queue;
  memory.delete(netns);
}

/** Forgets every node whose namespace name starts with `prefix` (their namespaces are about to be rebuilt). */
export async function forgetNodesWithPrefix(prefix: string): Promise<void> {
  await Promise.all(
    [...memory.keys()].filter((n) => n.startsWith(prefix)).map((n) => forgetNodeNetfilter(n)),
  );
}

/** Removes every PODNET-* jump, chain and set from `netns` and forgets the node. */
export async function removeNodeNetfilter(netns: string, exec: LabExec): Promise<void> {
  const m = nodeMemory(netns);
  const run = async (): Promise<void> => {
    const current = await readNodeTables(netns, exec);
    await runPlan(netns, planRemoval(current), exec);
    const current6 = await readNodeTables(netns, exec, 6);
    await runPlan(netns, planRemoval(current6, 6), exec, 6);
  };
  const next = m.queue.then(run, run);
  try {
    await next;
  } finally {
    memory.delete(netns);
  }
}
