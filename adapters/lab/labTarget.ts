/**
 * The embedded lab as a `Target`: realizes a cluster in network namespaces (underlay, nodes, pods),
 * runs the lab's flannel agent, pod agents, and the netfilter agents, probes through the pod agents,
 * reads node state back, and tears everything down (also on SIGINT/SIGTERM).
 */
import { PodnetInputError, PodnetTargetError } from '../../spec/errors.ts';
import { addressFamily, serviceFamiliesOn } from '../../spec/ipFamily.ts';
import type { IPFamily } from '../../spec/ipNum.ts';
import type { Cluster, ObjectKey, Pod, Service } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import type { NodeNetworkState } from '../../spec/nodeState.ts';
import type { FlannelBackendType, FlannelNetConf, Realized } from '../../spec/scenario.ts';
import type {
  Capabilities,
  ProbeOptions,
  ProbeRequest,
  ProbeResult,
  ProxyMode,
  SyncOptions,
  Target,
} from '../../spec/target.ts';
import { nodeOfSource, nodeSourceKey } from '../../spec/target.ts';
import { timed } from '../../spec/timing.ts';
import { cleanupLab } from './cleanup.ts';
import { inNetns, ipBatch, run, tryRun } from './exec.ts';
import type { FaultName } from './faults.ts';
import { type NodeFlannelPlan, planFlannel } from './flannel/plan.ts';
import { checkIpFamily, familiesOf, type LabIpFamily } from './ipFamily.ts';
import { cidrContains, formatCidr, hostOf, parseCidr, parseIPv4 } from './ipv4.ts';
import { formatCidr6, hostOf6, parseCidr6 } from './ipv6.ts';
import { allocateLeases, allocateLeases6 } from './leases.ts';
import { DEFAULT_STATE_ROOT, isLabId, type LabNames, labNames, newLabId } from './names.ts';
import { DEFAULT_NET_CONF, type LabNetConf, readNetConf } from './netConf.ts';
import type { NetfilterPod, NodeNetfilterView } from './netfilter/types.ts';
import { applyNetfilter, forgetLabNetfilter, forgetNetfilter } from './netfilterHook.ts';
import { readNodeState } from './nodeStateRead.ts';
import { buildNodes } from './nodes.ts';
import { type AgentAnswer, type AgentProbe, type LabAgent, startLabAgent } from './podAgent/labAgent.ts';
import {
  HostLocalRange,
  type LabPod,
  type PodReply,
  podAddresses,
  startPodAgents,
  wirePodLinks,
} from './pods.ts';
import { checkPrerequisites } from './prereq.ts';
import { runProbes } from './prober.ts';
import {
  claimStateDir,
  ensureLabDirs,
  type LabPaths,
  labIdTaken,
  labPaths,
  removeLabDir,
  writeLabRecord,
} from './state.ts';
import {
  LAB_NODE_RANGE,
  LAB_SEGMENT_RANGE,
  type LabNode,
  OUTSIDE_KEY,
  OUTSIDE_NETWORK,
  OUTSIDE_NETWORK6,
  OUTSIDE_SERVER_IP,
  OUTSIDE_SERVER_IP6,
  OUTSIDE_SERVER_PORT,
  planNodes,
} from './topology.ts';
import { addNamespaces, buildUnderlay } from './underlay.ts';

export interface LabTargetOptions {
  /** Nodes to build when the cluster names none (default 2). */
  readonly nodes?: number;
  /** Underlay L2 segments (default 1); generated nodes are spread over them round-robin. */
  readonly segments?: number;
  /** Overrides the net-conf's Backend.Type. */
  readonly backend?: FlannelBackendType;
  /** Default net-conf (10.244.0.0/16, vxlan) when `sync` is given none. */
  readonly netConf?: FlannelNetConf;
  readonly faults?: readonly FaultName[];
  /** Service proxy mode (default random). */
  readonly proxyMode?: ProxyMode;
  /** `none`: NetworkPolicies are not enforced (plain flannel). Default enforce. */
  readonly policyMode?: 'enforce' | 'none';
  /** 4 hex digits; random by default. */
  readonly labId?: string;
  /** Root of the state folders (default /run/podnet). */
  readonly stateDir?: string;
  /** Tear down on SIGINT/SIGTERM while the lab is up (default true). */
  readonly signalHandlers?: boolean;
  /**
   * What a pod's listeners answer (the lab API: agnhost's replies, per port and protocol), asked for every
   * pod at sync. Undefined, or undefined for a pod: its agent serves its declared ports with
   * `<ns>/<pod> <source>` as always. Given: it serves exactly these listeners, whatever ports it declares.
   */
  readonly podReplies?: (pod: Pod) => readonly PodReply[] | undefined;
  /**
   * The pod network's address families (default `ipv4`, the lab as it always was). `dual`: every pod gets
   * an IPv4 and an IPv6 address (`Realized.podIPs` is `[v4, v6]`); `ipv6`: an IPv6 address only (`[v6]`).
   * See LAB_IP_FAMILIES and the README's "Dual-stack" section.
   */
  readonly ipFamily?: LabIpFamily;
}

/** The virtual Service range: ClusterIPs are reachable only through the service proxy's DNAT. */
export const SERVICE_CIDR = '10.96.0.0/16';
/** The IPv6 Service range of a dual-stack lab (a ULA /112, as kube-apiserver's IPv6 ranges are at most /112). */
export const SERVICE_CIDR6 = 'fd00:10:96::/112';
const FIRST_SERVICE_OFFSET = 10;

interface Topology {
  readonly key: string;
  readonly conf: LabNetConf;
  readonly nodes: readonly LabNode[];
  readonly plans: readonly NodeFlannelPlan[];
  readonly intended: readonly NodeFlannelPlan[];
  readonly ranges: Map<string, HostLocalRange>;
  /** Processes of the infrastructure (udp forwarders). */
  readonly pids: number[];
  /** The lab's agent (serves every pod, runs every probe); started with the infrastructure. */
  agent?: LabAgent;
  readonly segments: number;
}

export class LabTarget implements Target {
  readonly name = 'lab';
  /** Chosen at random unless pinned; a random id is drawn again if, when the lab starts, it is taken. */
  labId: string;
  names: LabNames;
  paths: LabPaths;
  readonly faults: readonly FaultName[];
  private readonly pinnedId: boolean;
  private topology: Topology | undefined;
  private readonly pods = new Map<ObjectKey, LabPod>();
  /** `ns/svc` → its ClusterIPs, primary first (one per family it has). */
  private readonly serviceIPs = new Map<ObjectKey, readonly string[]>();
  private nextServiceOffset = FIRST_SERVICE_OFFSET;
  private nextServiceOffset6 = FIRST_SERVICE_OFFSET;
  private podSeq = 0;
  private rrNext = 0;
  private lastCluster: Cluster | undefined;
  private started = false;
  private signalHandler: ((signal: NodeJS.Signals) => void) | undefined;

  constructor(readonly options: LabTargetOptions = {}) {
    const id = options.labId ?? newLabId();
    if (!isLabId(id)) {
      throw new PodnetInputError(
        'PODNET_LAB_ID',
        `lab id "${id}" must be 6 hex digits`,
        {},
        'for example 1a2b3c',
      );
    }
    this.pinnedId = options.labId !== undefined;
    this.labId = id;
    this.names = labNames(id);
    this.paths = labPaths(options.stateDir ?? DEFAULT_STATE_ROOT, id);
    this.faults = options.faults ?? [];
    checkIpFamily(options.ipFamily);
    // A backend without IPv6 is refused before the lab exists (sync checks the net-conf it is given again).
    if (options.backend !== undefined) readNetConf(options.netConf, options.backend, this.ipFamily);
  }

  /**
   * Claims the lab id: its state folder is created exclusively, and no namespace may carry its prefix.
   * A pinned id that another lab holds is refused; a random one is drawn again.
   */
  private async claimId(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const taken = await labIdTaken(this.labId, this.paths.root);
      if (!taken && (await claimStateDir(this.paths))) return;
      if (this.pinnedId) {
        throw new PodnetInputError(
          'PODNET_LAB_ID_IN_USE',
          `lab id "${this.labId}" belongs to a lab that exists`,
          {},
          `pick another id, or remove that lab with \`podnet lab down --lab ${this.labId}\``,
        );
      }
      if (attempt >= 20) throw new PodnetTargetError('PODNET_LAB_ID', 'no free lab id after 20 draws');
      this.labId = newLabId();
      this.names = labNames(this.labId);
      this.paths = labPaths(this.paths.root, this.labId);
    }
  }

  /** The net-conf.json the flannel agent runs when a sync names none: the lab's own, with --backend applied. */
  defaultNetConf(): FlannelNetConf {
    const c = this.options.netConf ?? DEFAULT_NET_CONF;
    const type = this.options.backend ?? c.Backend?.Type;
    return type === undefined ? c : { ...c, Backend: { ...c.Backend, Type: type } };
  }

  async capabilities(): Promise<Capabilities> {
    const backend =
      this.topology?.conf.backend ?? readNetConf(this.options.netConf, this.options.backend).backend;
    const ipFamilies = familiesOf(this.ipFamily);
    return {
      protocols: ['TCP', 'UDP'],
      ipv6: ipFamilies.includes(6),
      ipFamilies,
      policyEnforced: (this.options.policyMode ?? 'enforce') === 'enforce',
      // The service proxy is IPv4 (ClusterIPs are IPv4): an IPv6-only lab has none, and refuses Services.
      proxyModes: this.ipFamily === 'ipv6' ? [] : ['random', 'round-robin'],
      flannelBackend: backend,
      nodeState: true,
    };
  }

  /** The pod network's families as built (the `ipFamily` option, default ipv4). */
  get ipFamily(): LabIpFamily {
    return this.options.ipFamily ?? 'ipv4';
  }

  /** The flannel plan as programmed (faults applied). */
  flannelPlans(): readonly NodeFlannelPlan[] {
    return this.topology?.plans ?? [];
  }

  /** The flannel plan a correct flannel would program (no faults). */
  intendedFlannelPlans(): readonly NodeFlannelPlan[] {
    return this.topology?.intended ?? [];
  }

  /** The lab's nodes as built. */
  labNodes(): readonly LabNode[] {
    return this.topology?.nodes ?? [];
  }

  /** The lab's own name of a pod as realized: a pod that is re-created gets a new one. */
  podSerial(key: ObjectKey): string | undefined {
    return this.pods.get(key)?.fileName;
  }

  /** The node-side end of a pod's veth (none for hostNetwork pods). */
  podHostVeth(key: ObjectKey): string | undefined {
    return this.pods.get(key)?.veth;
  }

  /** The namespace a pod runs in (its node's for hostNetwork pods). */
  podNetns(key: ObjectKey): string | undefined {
    return this.pods.get(key)?.netns;
  }

  private async start(): Promise<void> {
    if (this.started) return;
    // The id (and with it the owner record) comes first: the prerequisite check already makes a
    // namespace with the lab's prefix, which `lab down --all` must see as a lab in use.
    await this.claimId();
    try {
      await checkPrerequisites(`${this.names.prefix}x`);
    } catch (error) {
      await removeLabDir(this.paths);
      throw error;
    }
    await ensureLabDirs(this.paths);
    this.started = true;
    if (this.options.signalHandlers !== false) this.installSignalHandlers();
  }

  private installSignalHandlers(): void {
    const handler = (signal: NodeJS.Signals): void => {
      this.removeSignalHandlers();
      void this.teardown().finally(() => process.kill(process.pid, signal));
    };
    this.signalHandler = handler;
    process.on('SIGINT', handler);
    process.on('SIGTERM', handler);
  }

  private removeSignalHandlers(): void {
    if (!this.signalHandler) return;
    process.off('SIGINT', this.signalHandler);
    process.off('SIGTERM', this.signalHandler);
    this.signalHandler = undefined;
  }

  /** Leaves the lab running (for `podnet lab up`): drops signal handlers and control connections. */
  detach(): void {
    this.removeSignalHandlers();
    this.topology?.agent?.close();
  }

  /**
   * A new scenario starts: restart the policy agent and service proxy (they forget what they programmed and
   * every policy they saw), so a scenario never inherits rules an earlier one left behind (e.g. under
   * stale-on-delete) and its counterexample replays on a fresh lab: the scenario's first apply rewrites every
   * chain and removes the rest before any probe. Pods and the underlay stay. (Removing the rules here as well
   * cost a third of a second per scenario, `--profile-timing`, for the same state at the first probe.)
   */
  async beginScenario(): Promise<void> {
    const topo = this.topology;
    if (!topo) return;
    await Promise.all(topo.nodes.map((n) => forgetNetfilter(n.netns)));
    await timed('lab.conntrack-flush', () => this.flushConntrack());
  }

  /**
   * Forgets every tracked connection in the node namespaces. Pod IPs and ClusterIPs are reused, and an
   * old entry (a rejected SYN keeps its DNAT for 120 s) would steer a new pod's connection to an old
   * backend; a real node's conntrack is cleaned by kube-proxy when endpoints go.
   */
  private async flushConntrack(): Promise<void> {
    const topo = this.topology;
    if (!topo) return;
    await Promise.all(topo.nodes.map((n) => tryRun(inNetns(n.netns, ['conntrack', '-F']))));
  }

  async sync(cluster: Cluster, options: SyncOptions = {}): Promise<Realized> {
    await this.start();
    try {
      return await this.syncInner(cluster, options);
    } catch (error) {
      // Half-built state is never reused: the next sync rebuilds from scratch.
      this.topology = undefined;
      if (error instanceof PodnetInputError || error instanceof PodnetTargetError) throw error;
      throw new PodnetTargetError(
        'PODNET_LAB_SYNC',
        `the lab could not realize the cluster: ${(error as Error).message}`,
        undefined,
        { cause: error },
      );
    }
  }

  private async syncInner(cluster: Cluster, options: SyncOptions): Promise<Realized> {
    const conf = readNetConf(options.netConf ?? this.options.netConf, this.options.backend, this.ipFamily);
    const nodeSpecs =
      cluster.nodes.length > 0
        ? cluster.nodes.map((n) => ({
            name: n.name,
            segment: n.segment,
            ...(n.podCIDR ? { podCIDR: n.podCIDR } : {}),
          }))
        : Array.from({ length: this.options.nodes ?? 2 }, (_, i) => ({
            name: `node-${i + 1}`,
            segment: i % (this.options.segments ?? 1),
          }));
    checkTopologySize(nodeSpecs);
    if (!conf.enableIPv4 && cluster.services.length > 0) {
      throw new PodnetInputError(
        'PODNET_LAB_UNSUPPORTED',
        `the IPv6-only lab has no service proxy (its ClusterIPs are IPv4): Service ${keyOf(cluster.services[0] as Service)} cannot be realized`,
        { object: `Service ${keyOf(cluster.services[0] as Service)}` },
        'leave Services out (the lb area needs --ip-family ipv4 or dual on the lab)',
      );
    }
    // What the API server refuses is refused before anything changes (alloc.go initIPFamilyFields).
    for (const svc of cluster.services) serviceFamiliesOf(svc, familiesOf(this.ipFamily));
    const key = JSON.stringify({ nodeSpecs, conf, faults: this.faults });
    const rebuild = this.topology?.key !== key;
    if (rebuild) {
      await timed('lab.destroy', () => this.destroyKernelState());
      this.topology = this.planTopology(key, nodeSpecs, conf);
    }
    const topo = this.topology as Topology;
    const { removed, added } = this.diffPods(cluster.pods, topo);
    await timed('lab.pods-remove', () => this.removePods(removed));
    await timed('lab.recycled', () => this.forgetRecycledAddresses(topo, added));
    const infra = rebuild
      ? [this.names.underlay, this.names.router, this.names.outside, ...topo.nodes.map((n) => n.netns)]
      : [];
    await timed('lab.netns-add', () =>
      addNamespaces([...infra, ...added.filter((p) => !p.hostNetwork).map((p) => p.netns)]),
    );
    const podCtx = {
      names: this.names,
      paths: this.paths,
      mtu: (topo.plans[0] as NodeFlannelPlan).mtu,
      dualStack: topo.conf.ipv6 !== undefined,
    };
    if (rebuild || !topo.agent) {
      topo.agent = await timed('lab.agent', () =>
        startLabAgent({
          stateRoot: this.paths.root,
          prefix: this.names.prefix,
          socket: this.paths.agentSocket('agent'),
          logFile: this.paths.log('agent'),
        }),
      );
    }
    const agent = topo.agent;
    // Pods' servers only need their namespace: opened while the network is being wired.
    await Promise.all([
      (async () => {
        if (rebuild) await timed('lab.infrastructure', () => this.buildInfrastructure(topo, agent));
        await timed('lab.pods-wire', () => wirePodLinks(podCtx, added));
      })(),
      timed('lab.pods-agents', () =>
        startPodAgents(
          podCtx,
          agent,
          added.filter((p) => !p.hostNetwork),
        ),
      ),
    ]);
    await startPodAgents(
      podCtx,
      agent,
      added.filter((p) => p.hostNetwork),
    );
    this.assignServiceIPs(cluster);
    this.lastCluster = cluster;
    await timed('lab.netfilter', () => this.applyAllNetfilter(cluster, topo));
    const realized = this.realized(topo);
    await writeLabRecord(this.paths, {
      labId: this.labId,
      createdAt: new Date().toISOString(),
      backend: topo.conf.backend,
      ipFamily: this.ipFamily,
      faults: this.faults,
      // ip and lease: the primary family's (IPv6 in an IPv6-only lab); ip6 and lease6 a dual lab's IPv6 side.
      nodes: topo.nodes.map((n) => {
        const v6 = n.ipv6 ? { ip6: n.ipv6.ip, lease6: formatCidr6(n.ipv6.lease) } : undefined;
        return n.ip !== undefined && n.lease
          ? { name: n.name, netns: n.netns, ip: n.ip, lease: formatCidr(n.lease), ...(v6 ?? {}) }
          : { name: n.name, netns: n.netns, ip: v6?.ip6 ?? '', lease: v6?.lease6 ?? '' };
      }),
      pods: [...this.pods.values()].map((p) => ({
        key: p.key,
        node: p.node.name,
        netns: p.netns,
        ip: p.ip,
        ...(p.ip6 ? { ip6: p.ip6 } : {}),
      })),
      services: realized.serviceIPs,
      ...(realized.secondaryServiceIPs ? { secondaryServices: realized.secondaryServiceIPs } : {}),
      outsideNetwork: realized.outsideNetwork,
    });
    return realized;
  }

  private planTopology(
    key: string,
    nodeSpecs: readonly { name: string; segment: number; podCIDR?: string }[],
    conf: LabNetConf,
  ): Topology {
    // An IPv6-only lab (EnableIPv4 false) has no IPv4 lease at all.
    const leases = conf.enableIPv4
      ? allocateLeases(nodeSpecs, conf.network, conf.subnetLen, this.faults.includes('duplicate-lease'))
      : undefined;
    const v6 = conf.ipv6;
    const leases6 = v6
      ? allocateLeases6(nodeSpecs, v6.network, v6.subnetLen, this.faults.includes('duplicate-lease'))
      : undefined;
    const nodes = planNodes(this.names, nodeSpecs, leases, leases6);
    return {
      key,
      conf,
      nodes,
      plans: planFlannel(nodes, conf, this.faults),
      // What a correct flannel would program: no fault, not even in lease allocation.
      intended: planFlannel(
        planNodes(
          this.names,
          nodeSpecs,
          conf.enableIPv4 ? allocateLeases(nodeSpecs, conf.network, conf.subnetLen) : undefined,
          v6 ? allocateLeases6(nodeSpecs, v6.network, v6.subnetLen) : undefined,
        ),
        conf,
      ),
      ranges: new Map(nodes.map((n) => [n.name, new HostLocalRange(n)])),
      pids: [],
      segments: Math.max(this.options.segments ?? 1, ...nodes.map((n) => n.segment + 1)),
    };
  }

  /** Underlay, router, outside server and nodes (their namespaces exist). */
  private async buildInfrastructure(topo: Topology, agent: LabAgent): Promise<void> {
    const dualStack = topo.conf.ipv6 !== undefined;
    if (dualStack)
      await withoutDad([this.names.router, this.names.outside, ...topo.nodes.map((n) => n.netns)]);
    await buildUnderlay(this.names, topo.segments, dualStack);
    const [pids] = await Promise.all([
      buildNodes(
        { names: this.names, paths: this.paths, conf: topo.conf, faults: this.faults },
        topo.nodes,
        topo.plans,
      ),
      agent.addSources([
        {
          name: 'outside',
          key: OUTSIDE_KEY,
          netns: this.names.outside,
          tcp: [OUTSIDE_SERVER_PORT],
          udp: [OUTSIDE_SERVER_PORT],
          ...(dualStack ? { dualStack } : {}),
        },
        // One probe source per node, in the node's own namespace, for `node:<name>` probes (it serves nothing).
        ...topo.nodes.map((n) => ({
          name: nodeAgentName(n.index),
          key: nodeSourceKey(n.name),
          netns: n.netns,
          tcp: [],
          udp: [],
          ...(dualStack ? { dualStack } : {}),
        })),
      ]),
    ]);
    topo.pids.push(...pids);
  }

  private shapeOf(pod: Pod, node: string, replies: readonly PodReply[] | undefined): string {
    const ports = pod.containers
      .flatMap((c) => c.ports.map((p) => `${p.protocol}:${p.containerPort}`))
      .sort();
    return JSON.stringify({
      node,
      hostNetwork: pod.hostNetwork,
      ports,
      ...(replies
        ? { replies: replies.map((r) => `${r.protocol}:${r.port}:${r.mode}:${r.text}`).sort() }
        : {}),
    });
  }

  private diffPods(pods: readonly Pod[], topo: Topology): { removed: LabPod[]; added: LabPod[] } {
    const nodeByName = new Map(topo.nodes.map((n) => [n.name, n]));
    const wanted = new Map<
      ObjectKey,
      { pod: Pod; node: LabNode; replies: readonly PodReply[] | undefined; shape: string }
    >();
    for (const pod of pods) {
      const key = keyOf(pod);
      let node: LabNode | undefined;
      if (pod.nodeName !== undefined) {
        node = nodeByName.get(pod.nodeName);
        if (!node) {
          throw new PodnetInputError(
            'PODNET_LAB_UNKNOWN_NODE',
            `pod ${key} is bound to node "${pod.nodeName}", which the cluster does not have`,
            {
              object: `Pod ${key}`,
              field: 'spec.nodeName',
            },
          );
        }
      } else {
        node = this.pods.get(key)?.node ?? (topo.nodes[this.rrNext++ % topo.nodes.length] as LabNode);
      }
      const replies = this.options.podReplies?.(pod);
      wanted.set(key, { pod, node, replies, shape: this.shapeOf(pod, node.name, replies) });
    }
    const removed: LabPod[] = [];
    for (const [key, existing] of this.pods) {
      const w = wanted.get(key);
      if (!w || w.shape !== existing.shape) removed.push(existing);
    }
    for (const p of removed) {
      this.pods.delete(p.key);
      if (!p.hostNetwork) topo.ranges.get(p.node.name)?.release(p.ip);
    }
    const added: LabPod[] = [];
    for (const [key, { pod, node, replies, shape }] of wanted) {
      if (this.pods.has(key)) continue;
      const index = this.podSeq++;
      const ports = pod.containers.flatMap((c) => c.ports);
      const range = topo.ranges.get(node.name) as HostLocalRange;
      // The primary address: IPv4, or the IPv6 one in an IPv6-only lab (node.ip absent); ip6 a dual lab's.
      const ip = pod.hostNetwork ? (node.ip ?? (node.ipv6?.ip as string)) : range.allocate();
      const ip6 = node.ip === undefined ? undefined : pod.hostNetwork ? node.ipv6?.ip : range.ipv6For(ip);
      const lp: LabPod = {
        key,
        node,
        hostNetwork: pod.hostNetwork,
        netns: pod.hostNetwork ? node.netns : this.names.pod(index),
        ip,
        ...(ip6 !== undefined ? { ip6 } : {}),
        ...(pod.hostNetwork ? {} : { veth: this.names.podVeth(index) }),
        tcp: [...new Set(ports.filter((p) => p.protocol === 'TCP').map((p) => p.containerPort))],
        udp: [...new Set(ports.filter((p) => p.protocol === 'UDP').map((p) => p.containerPort))],
        fileName: podFileName(index),
        ...(replies ? { replies } : {}),
        shape,
      };
      added.push(lp);
      this.pods.set(key, lp);
    }
    return { removed, added };
  }

  private async removePods(removed: readonly LabPod[]): Promise<void> {
    if (removed.length === 0) return;
    // Their sockets hold their namespaces (and so their links): closed before the namespaces go.
    await this.topology?.agent?.removeSources(removed.map((p) => p.fileName));
    const namespaces = removed.filter((p) => !p.hostNetwork).map((p) => p.netns);
    if (namespaces.length > 0)
      await ipBatch(
        undefined,
        namespaces.map((n) => `netns del ${n}`),
      );
    // A Service's tracked connections keep their DNAT to a backend that is gone (a rejected SYN for 120 s):
    // a new connection on the same tuple would be steered to it. (Addresses handed out again are dealt with
    // when they are: recycledAddresses.)
    if ((this.lastCluster?.services.length ?? 0) > 0) await this.flushConntrack();
  }

  /**
   * Before pods take addresses that earlier pods held: connections tracked for those addresses must not
   * outlive them, nor ARP/ND entries: the node (cni0) and the pods beside them would keep sending a recycled
   * address's frames to the old pod's MAC, and traffic to the new pod would time out (recycledIP.test.ts).
   * host-local hands an address out again only once its range wraps, so this is rare.
   */
  private async forgetRecycledAddresses(topo: Topology, added: readonly LabPod[]): Promise<void> {
    const recycled = new Set(topo.nodes.flatMap((n) => topo.ranges.get(n.name)?.takeRecycled() ?? []));
    const pods = added.filter((p) => !p.hostNetwork && recycled.has(p.ip));
    if (pods.length === 0) return;
    await this.flushConntrack();
    const fresh = new Set(added.map((p) => p.key));
    await this.flushNeighbours(pods, fresh);
  }

  /** Flushes the neighbour entries for these pods' addresses in their nodes and the pods beside them (but `skip`). */
  private async flushNeighbours(gone: readonly LabPod[], skip: ReadonlySet<ObjectKey>): Promise<void> {
    const byNode = new Map<string, LabPod[]>();
    for (const p of gone) byNode.set(p.node.netns, [...(byNode.get(p.node.netns) ?? []), p]);
    const jobs: Promise<boolean>[] = [];
    for (const [nodeNs, pods] of byNode) {
      const lines = pods.flatMap((p) => [
        `neigh flush to ${p.ip}`,
        ...(p.ip6 !== undefined ? [`neigh flush to ${p.ip6}`] : []),
      ]);
      const survivors = [...this.pods.values()].filter(
        (q) => !q.hostNetwork && q.node.netns === nodeNs && !skip.has(q.key),
      );
      for (const ns of [nodeNs, ...survivors.map((q) => q.netns)]) {
        jobs.push(tryRun(inNetns(ns, ['ip', '-batch', '-']), `${lines.join('\n')}\n`));
      }
    }
    await Promise.all(jobs);
  }

  /**
   * ClusterIPs for new Services, one per family the Service gets (serviceFamiliesOn, as alloc.go decides),
   * primary first; a Service keeps its addresses while it exists (the API never changes them).
   */
  private assignServiceIPs(cluster: Cluster): void {
    const keys = new Set(cluster.services.map(keyOf));
    for (const k of [...this.serviceIPs.keys()]) if (!keys.has(k)) this.serviceIPs.delete(k);
    const taken = new Set([...this.serviceIPs.values()].flat());
    for (const svc of cluster.services) {
      const k = keyOf(svc);
      if (this.serviceIPs.has(k)) continue;
      const ips = serviceFamiliesOf(svc, familiesOf(this.ipFamily)).map((family, i) => {
        if (i === 0 && svc.clusterIP) {
          if (family === 6)
            throw new PodnetInputError(
              'PODNET_LAB_CLUSTER_IP',
              `clusterIP ${svc.clusterIP}: the lab takes a requested clusterIP only for an IPv4 primary family`,
              { object: `Service ${k}`, field: 'spec.clusterIP' },
              'leave spec.clusterIP out and the lab allocates one',
            );
          return checkedClusterIP(k, svc.clusterIP, taken);
        }
        let ip: string;
        if (family === 4) {
          const range = parseCidr(SERVICE_CIDR);
          do ip = hostOf(range, this.nextServiceOffset++);
          while (taken.has(ip));
        } else {
          const range = parseCidr6(SERVICE_CIDR6);
          do ip = hostOf6(range, this.nextServiceOffset6++);
          while (taken.has(ip));
        }
        return ip;
      });
      for (const ip of ips) taken.add(ip);
      this.serviceIPs.set(k, ips);
    }
  }

  private netfilterViews(cluster: Cluster, topo: Topology): NodeNetfilterView[] {
    const ipv6Only = !topo.conf.enableIPv4;
    const nodeIPs = Object.fromEntries(topo.nodes.map((n) => [n.name, primaryOf(n).ip]));
    const pods: NetfilterPod[] = cluster.pods.flatMap((pod) => {
      const lp = this.pods.get(keyOf(pod));
      if (!lp) return [];
      const { v6 } = podAddresses(lp);
      return [
        {
          key: lp.key,
          namespace: pod.namespace,
          name: pod.name,
          labels: pod.labels,
          ip: lp.ip,
          ...(v6 !== undefined ? { ip6: v6 } : {}),
          node: lp.node.name,
          hostNetwork: pod.hostNetwork,
          ready: pod.ready,
          ports: pod.containers.flatMap((c) => c.ports),
          ...(lp.veth ? { hostVeth: lp.veth } : {}),
        },
      ];
    });
    // Each family's proxier sees the Services with a ClusterIP of its family, at that address.
    const servicesOf = (family: 4 | 6) =>
      cluster.services.flatMap((s) => {
        const ip = (this.serviceIPs.get(keyOf(s)) ?? []).find((a) => addressFamily(a) === family);
        return ip === undefined ? [] : [{ ...s, clusterIP: ip }];
      });
    const services = servicesOf(4);
    const services6 = servicesOf(6);
    return topo.nodes.map((n) => ({
      node: n.name,
      netns: n.netns,
      // The primary family's addresses (IPv6 in an IPv6-only lab, whose view also sets ipv6Only).
      nodeIP: primaryOf(n).ip,
      podCIDR: primaryOf(n).lease,
      clusterCIDR: ipv6Only ? (topo.conf.ipv6?.networkText as string) : topo.conf.networkText,
      bridge: 'cni0',
      nodeIPs,
      namespaces: cluster.namespaces,
      pods,
      policies: cluster.policies,
      services,
      proxyMode: this.options.proxyMode ?? 'random',
      policyMode: this.options.policyMode ?? 'enforce',
      faults: this.faults,
      faultNode: n.index === 0,
      ...(ipv6Only ? { ipv6Only } : {}),
      ...(n.ipv6 && topo.conf.ipv6
        ? {
            ipv6: {
              nodeIP: n.ipv6.ip,
              podCIDR: formatCidr6(n.ipv6.lease),
              clusterCIDR: topo.conf.ipv6.networkText,
              nodeIPs: Object.fromEntries(
                topo.nodes.flatMap((m) => (m.ipv6 ? [[m.name, m.ipv6.ip] as const] : [])),
              ),
              ...(services6.length > 0 ? { services: services6 } : {}),
            },
          }
        : {}),
    }));
  }

  private async applyAllNetfilter(cluster: Cluster, topo: Topology): Promise<void> {
    await Promise.all(this.netfilterViews(cluster, topo).map((v) => applyNetfilter(v)));
  }

  private realized(topo: Topology): Realized {
    const podIPs = Object.fromEntries(
      [...this.pods.values()].map((p) => [p.key, p.ip6 !== undefined ? [p.ip, p.ip6] : [p.ip]]),
    );
    // IPv6-only: the primary (top-level) network is the IPv6 one, and there is no secondary side.
    if (!topo.conf.enableIPv4 && topo.conf.ipv6) {
      return { podIPs, serviceIPs: {}, ...this.realizedIPv6(topo, topo.conf.ipv6.networkText) };
    }
    const secondary = [...this.serviceIPs].flatMap(([k, ips]) => (ips[1] === undefined ? [] : [[k, ips[1]]]));
    return {
      podIPs,
      serviceIPs: Object.fromEntries([...this.serviceIPs].map(([k, ips]) => [k, ips[0] as string])),
      ...(secondary.length > 0 ? { secondaryServiceIPs: Object.fromEntries(secondary) } : {}),
      nodeIPs: Object.fromEntries(topo.nodes.map((n) => [n.name, primaryOf(n).ip])),
      nodeSubnets: Object.fromEntries(topo.nodes.map((n) => [n.name, primaryOf(n).lease])),
      clusterNetwork: topo.conf.networkText,
      outsideNetwork: OUTSIDE_NETWORK,
      // Every address and port of the outside network reaches the outside server (underlay.ts).
      outsideServer: { ip: OUTSIDE_SERVER_IP, port: 80, protocol: 'TCP' },
      ...(topo.conf.ipv6 ? { ipv6: this.realizedIPv6(topo, topo.conf.ipv6.networkText) } : {}),
    };
  }

  private realizedIPv6(topo: Topology, clusterNetwork: string): NonNullable<Realized['ipv6']> {
    const v6 = topo.nodes.flatMap((n) => (n.ipv6 ? [[n.name, n.ipv6] as const] : []));
    return {
      nodeIPs: Object.fromEntries(v6.map(([name, s]) => [name, s.ip])),
      nodeSubnets: Object.fromEntries(v6.map(([name, s]) => [name, formatCidr6(s.lease)])),
      clusterNetwork,
      outsideNetwork: OUTSIDE_NETWORK6,
      outsideServer: { ip: OUTSIDE_SERVER_IP6, port: 80, protocol: 'TCP' },
    };
  }

  /** Who sends a probe from `source` (a pod, a node `node:<name>` or the outside server). */
  private senderOf = (source: ObjectKey): ((p: AgentProbe) => Promise<AgentAnswer>) | undefined => {
    const agent = this.topology?.agent;
    const name = this.sourceName(source);
    return agent && name ? (p) => agent.probe(name, p) : undefined;
  };

  /** The agent's name of a probe source. */
  private sourceName(source: ObjectKey): string | undefined {
    if (source === OUTSIDE_KEY) return 'outside';
    const node = nodeOfSource(source);
    if (node === undefined) return this.pods.get(source)?.fileName;
    const labNode = this.topology?.nodes.find((n) => n.name === node);
    return labNode ? nodeAgentName(labNode.index) : undefined;
  }

  async probe(probes: readonly ProbeRequest[], options: ProbeOptions): Promise<ProbeResult[]> {
    return timed('lab.probe', () => runProbes(probes, this.senderOf, options.concurrency, options.signal));
  }

  async nodeStates(): Promise<NodeNetworkState[]> {
    const topo = this.topology;
    if (!topo) return [];
    const ipv6 = topo.conf.ipv6 !== undefined;
    return Promise.all(
      topo.nodes.map((n) => readNodeState(n.name, n.netns, this.paths.nodeDir(n.index), { ipv6 })),
    );
  }

  /** Kills processes, deletes namespaces; keeps the state folder and the lab id. */
  private async destroyKernelState(): Promise<void> {
    this.topology?.agent?.close();
    this.pods.clear();
    this.topology = undefined;
    this.rrNext = 0;
    await forgetLabNetfilter(this.names.prefix);
    await cleanupLab(this.labId, this.paths.root, false, true);
    await ensureLabDirs(this.paths);
  }

  async teardown(): Promise<void> {
    this.topology?.agent?.close();
    this.pods.clear();
    this.topology = undefined;
    this.lastCluster = undefined;
    try {
      await forgetLabNetfilter(this.names.prefix);
      await cleanupLab(this.labId, this.paths.root);
    } finally {
      this.removeSignalHandlers();
      this.started = false;
    }
  }

  /** The cluster last synced (for re-applying netfilter after a change of options). */
  get cluster(): Cluster | undefined {
    return this.lastCluster;
  }
}

/** Creates the embedded lab target. Nothing is built until the first `sync`. */
export function createLabTarget(options: LabTargetOptions = {}): LabTarget {
  return new LabTarget(options);
}

/**
 * The ClusterIPs a cluster's manifests chose, checked as the first sync would check them: `lab up -f`
 * refuses them before anything of a lab exists.
 */
export function checkManifestClusterIPs(cluster: Cluster): void {
  const taken = new Set<string>();
  for (const svc of cluster.services) {
    if (svc.clusterIP) taken.add(checkedClusterIP(keyOf(svc), svc.clusterIP, taken));
  }
}

/**
 * The ClusterIP families `svc` gets on a lab of `families` (serviceFamiliesOn, after kube-apiserver's
 * alloc.go), primary first; refused as the API server would refuse it (422, naming the field).
 */
function serviceFamiliesOf(svc: Service, families: readonly IPFamily[]): readonly IPFamily[] {
  const r = serviceFamiliesOn(svc, families);
  if ('families' in r) return r.families;
  const [first] = r.problems;
  const field = `spec.${first?.field}${first?.index !== undefined ? `[${first.index}]` : ''}`;
  throw new PodnetInputError(
    'PODNET_LAB_UNSUPPORTED',
    `Service ${keyOf(svc)}: ${field}: Invalid value: "${first?.value}": ${first?.message}`,
    { object: `Service ${keyOf(svc)}`, field },
    families.length < 2
      ? 'run the lab with --ip-family dual for dual-stack Services, or leave ipFamilyPolicy/ipFamilies out'
      : 'fix the Service: a SingleStack Service names one family',
  );
}

/** A ClusterIP the manifests chose: an IPv4 address of the lab's Service range, not taken (as the API allocates). */
function checkedClusterIP(service: ObjectKey, ip: string, taken: ReadonlySet<string>): string {
  let address: number | undefined;
  try {
    address = parseIPv4(ip);
  } catch {
    address = undefined;
  }
  const inRange = address !== undefined && cidrContains(parseCidr(SERVICE_CIDR), address);
  if (!inRange || taken.has(ip)) {
    throw new PodnetInputError(
      'PODNET_LAB_CLUSTER_IP',
      taken.has(ip)
        ? `clusterIP ${ip} is already allocated to another Service`
        : `clusterIP ${ip} is not in the lab's Service range ${SERVICE_CIDR} (the lab is IPv4 only)`,
      { object: `Service ${service}`, field: 'spec.clusterIP' },
      'leave spec.clusterIP out and the lab allocates one',
    );
  }
  return ip;
}

/** The lab's addressing holds at most LAB_NODE_RANGE.max nodes on LAB_SEGMENT_RANGE.max segments. */
function checkTopologySize(nodes: readonly { readonly segment: number }[]): void {
  if (nodes.length > LAB_NODE_RANGE.max) {
    throw new PodnetInputError(
      'PODNET_LAB_TOO_BIG',
      `the lab holds at most ${LAB_NODE_RANGE.max} nodes; this cluster has ${nodes.length}`,
      {},
      'run it against a real cluster with --target kube, or with fewer nodes',
    );
  }
  const bad = nodes.find(
    (n) => !Number.isInteger(n.segment) || n.segment < 0 || n.segment >= LAB_SEGMENT_RANGE.max,
  );
  if (bad) {
    throw new PodnetInputError(
      'PODNET_LAB_TOO_BIG',
      `a node sits on segment ${bad.segment}; the lab has segments 0 to ${LAB_SEGMENT_RANGE.max - 1}`,
    );
  }
}

/** A node's address and lease of the lab's primary family: IPv4, or IPv6 in an IPv6-only lab. */
function primaryOf(node: LabNode): { readonly ip: string; readonly lease: string } {
  if (node.ip !== undefined && node.lease) return { ip: node.ip, lease: formatCidr(node.lease) };
  const v6 = node.ipv6 as NonNullable<LabNode['ipv6']>;
  return { ip: v6.ip, lease: formatCidr6(v6.lease) };
}

/** Socket and log name of the probe-source agent in node `index`'s namespace (never the node's name). */
function nodeAgentName(index: number): string {
  return `node-${index}`;
}

/** Socket and log name of pod `index`'s agent (never the pod's name). */
function podFileName(index: number): string {
  return `p${index.toString(36)}`;
}

/**
 * No duplicate address detection in the namespaces that forward IPv6 (nodes, router) or answer from an address
 * no interface holds (the outside server answers for a whole `local` route), set before their links exist, as
 * a new link takes the namespace's `default` settings. Such a namespace solicits a neighbour from its
 * link-local address, and while that address is tentative (DAD: about 1 to 2 s after the link comes up) the
 * kernel sends no solicitation at all (net/ipv6/ndisc.c, ndisc_send_ns), so the first IPv6 connections
 * across nodes, or to the outside server, would time out. (Once the pods' agents became one process, a lab
 * was up within that second: the outside server's first replies were lost.) The lab's addresses are unique
 * by construction.
 */
async function withoutDad(netnsNames: readonly string[]): Promise<void> {
  await Promise.all(
    netnsNames.map((ns) =>
      run(
        inNetns(ns, [
          'sysctl',
          '-q',
          '-w',
          'net.ipv6.conf.default.accept_dad=0',
          'net.ipv6.conf.all.accept_dad=0',
        ]),
      ),
    ),
  );
}
