/**
 * Equivalence classes of pods: two pods that the policies cannot tell apart get the same verdicts, to and
 * from every other pod. The policies see of a pod only its namespace, the values of the label keys some
 * podSelector names, its declared ports (numbers, protocols and names, for named ports), whether it runs on
 * the host network, its address family and which ipBlocks hold its address. Pods equal on all of these form
 * one class; the fast engine is then compiled over one or two representatives per class (two, so that the
 * verdict between two different pods of one class is not mistaken for a pod's verdict to itself), and a
 * truth table of 10,000 pods costs what a table of its classes costs.
 */
import type { Cluster, LabelSelector, Labels, ObjectKey, Pod } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import type { Verdict } from '../../spec/verdict.ts';
import { parseIP } from './cidr.ts';
import { declaredPorts, type PortProtocol } from './declaredPorts.ts';
import { blockContains, type CompiledIPBlock, compileFast, compileIPBlock } from './fast.ts';

export interface PodClass {
  readonly id: number;
  readonly namespace: string;
  /** The pods' labels restricted to the keys some podSelector names (the only ones policies read). */
  readonly labels: Labels;
  /** Member pods by their index in `cluster.pods`, ascending. */
  readonly members: readonly number[];
  /** The (port, protocol) pairs every member declares, by port then protocol. */
  readonly targets: readonly PortProtocol[];
  readonly hostNetwork: boolean;
  /** A readable name, unique among the classes: `ns=shop app=api`, with more detail where two would clash. */
  readonly name: string;
}

export interface ClassEngine {
  readonly classes: readonly PodClass[];
  /** The class of each pod, by pod index. */
  readonly classOf: Int32Array;
  /** The verdict of one truth-table cell, pods by index (the same answer as the per-pod fast engine). */
  verdictByIndex(source: number, destination: number, port: number, protocolIndex: number): Verdict;
  /**
   * The verdict between classes: `self` for a pod to itself (then `from === to`), otherwise between two
   * different pods (`from === to` then needs a class of two pods or more).
   */
  classVerdict(from: number, to: number, self: boolean, port: number, protocolIndex: number): Verdict;
}

function selectorKeys(selector: LabelSelector | undefined, into: Set<string>): void {
  if (!selector) return;
  for (const key of Object.keys(selector.matchLabels ?? {})) into.add(key);
  for (const req of selector.matchExpressions ?? []) into.add(req.key);
}

/** Every label key a podSelector of the cluster's policies names, as policy or as peer. */
function podSelectorKeys(cluster: Cluster): string[] {
  const keys = new Set<string>();
  for (const policy of cluster.policies) {
    selectorKeys(policy.podSelector, keys);
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])])
      for (const peer of rule.peers ?? []) selectorKeys(peer.podSelector, keys);
  }
  return [...keys].sort();
}

/** The distinct ipBlocks of the cluster's policies, compiled (none when the profile keeps pods out of them). */
function distinctIPBlocks(cluster: Cluster, profile: SemanticProfile): CompiledIPBlock[] {
  if (!profile.ipBlockMatchesPodIPs) return [];
  const seen = new Map<string, CompiledIPBlock>();
  for (const policy of cluster.policies)
    for (const rule of [...(policy.ingress ?? []), ...(policy.egress ?? [])])
      for (const peer of rule.peers ?? []) {
        if (!peer.ipBlock) continue;
        const id = `${peer.ipBlock.cidr} ${(peer.ipBlock.except ?? []).join(' ')}`;
        if (seen.has(id)) continue;
        const block = compileIPBlock(peer);
        if (block) seen.set(id, block);
      }
  return [...seen.values()];
}

function portsKey(pod: Pod): string {
  const entries = new Set<string>();
  for (const c of pod.containers)
    for (const p of c.ports) entries.add(`${p.name ?? ''}:${p.containerPort}/${p.protocol}`);
  return [...entries].sort().join(',');
}

/** Splits `cluster.pods` into classes and compiles the fast engine over their representatives. */
export function compileClasses(cluster: Cluster, profile: SemanticProfile = DEFAULT_PROFILE): ClassEngine {
  const pods = cluster.pods;
  const keys = podSelectorKeys(cluster);
  const blocks = distinctIPBlocks(cluster, profile);
  const classOf = new Int32Array(pods.length);
  const idByKey = new Map<string, number>();
  const drafts: Draft[] = [];
  pods.forEach((pod, i) => {
    const labels: Record<string, string> = {};
    for (const k of keys) if (Object.hasOwn(pod.labels, k)) labels[k] = pod.labels[k] as string;
    const ip = pod.ips[0] === undefined ? undefined : parseIP(pod.ips[0]);
    let inBlocks = '';
    if (ip) for (const b of blocks) inBlocks += blockContains(b, ip) ? '1' : '0';
    const key = JSON.stringify([
      pod.namespace,
      labels,
      portsKey(pod),
      pod.hostNetwork,
      ip?.family ?? 0,
      inBlocks,
    ]);
    let id = idByKey.get(key);
    if (id === undefined) {
      id = drafts.length;
      idByKey.set(key, id);
      drafts.push({ pod, labels, members: [], inBlocks: blocks.filter((_, b) => inBlocks[b] === '1') });
    }
    drafts[id]?.members.push(i);
    classOf[i] = id;
  });

  // Representatives: the first member of each class, then the second member of the classes that have one.
  const first = drafts.map((d) => d.members[0] as number);
  const second = new Int32Array(drafts.length).fill(-1);
  const reps: Pod[] = first.map((i) => pods[i] as Pod);
  drafts.forEach((d, id) => {
    const other = d.members[1];
    if (other === undefined) return;
    second[id] = reps.length;
    reps.push(pods[other] as Pod);
  });
  const engine = compileFast({ ...cluster, pods: reps }, profile);
  const names = classNames(drafts);
  const classes: PodClass[] = drafts.map((d, id) => ({
    id,
    namespace: d.pod.namespace,
    labels: d.labels,
    members: d.members,
    targets: declaredPorts(d.pod),
    hostNetwork: d.pod.hostNetwork,
    name: names[id] as string,
  }));

  const classVerdict = (from: number, to: number, self: boolean, port: number, protocolIndex: number) => {
    if (self) return engine.verdictByIndex(from, from, port, protocolIndex);
    const dst = from === to ? (second[to] as number) : to;
    if (dst < 0) throw new Error(`class ${to} has one pod: no verdict between two different pods of it`);
    return engine.verdictByIndex(from, dst, port, protocolIndex);
  };
  return {
    classes,
    classOf,
    classVerdict,
    verdictByIndex: (s, d, port, protocolIndex) =>
      classVerdict(classOf[s] as number, classOf[d] as number, s === d, port, protocolIndex),
  };
}

interface Draft {
  readonly pod: Pod;
  readonly labels: Labels;
  readonly members: number[];
  /** The ipBlocks that hold the class's address. */
  readonly inBlocks: readonly CompiledIPBlock[];
}

/** What can tell apart two classes of the same namespace and labels, in the order names show it. */
const DETAILS: readonly ((d: Draft) => string)[] = [
  (d) => (d.pod.hostNetwork ? 'hostNetwork' : ''),
  (d) => {
    const ports = declaredPorts(d.pod).map((t) => `${t.protocol}/${t.port}`);
    return `ports=${ports.length > 0 ? ports.join(',') : 'none'}`;
  },
  (d) => `ipBlocks=${d.inBlocks.length > 0 ? d.inBlocks.map((b) => b.text).join(';') : 'none'}`,
];

/**
 * `ns=shop app=api`. Classes that would share a name get what tells them apart (host network, ports, the
 * ipBlocks holding them), and a number where nothing shown does (a port's name, the address family).
 */
function classNames(drafts: readonly Draft[]): string[] {
  const names = drafts.map((d) =>
    [`ns=${d.pod.namespace}`, ...Object.entries(d.labels).map(([k, v]) => `${k}=${v}`)].join(' '),
  );
  const clashes = new Map<string, number[]>();
  names.forEach((n, i) => {
    clashes.set(n, [...(clashes.get(n) ?? []), i]);
  });
  for (const group of clashes.values()) {
    if (group.length < 2) continue;
    for (const detail of DETAILS) {
      const values = group.map((i) => detail(drafts[i] as Draft));
      if (new Set(values).size < 2) continue;
      group.forEach((i, k) => {
        if (values[k] !== '') names[i] = `${names[i]} ${values[k]}`;
      });
    }
  }
  const count = new Map<string, number>();
  for (const n of names) count.set(n, (count.get(n) ?? 0) + 1);
  const seen = new Map<string, number>();
  return names.map((n) => {
    if ((count.get(n) ?? 0) === 1) return n;
    const k = (seen.get(n) ?? 0) + 1;
    seen.set(n, k);
    return `${n} #${k}`;
  });
}

/** The member pods of a class as `ns/name` keys, the first `limit` of them. */
export function classPodKeys(cluster: Cluster, c: PodClass, limit = Number.POSITIVE_INFINITY): ObjectKey[] {
  return c.members.slice(0, limit).map((i) => {
    const p = cluster.pods[i] as Pod;
    return `${p.namespace}/${p.name}`;
  });
}
