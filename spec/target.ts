/**
 * The adapter interface: what the runner asks of a target (the embedded lab or a live cluster).
 * Adapters implement it and import only `spec/`; the runner is the only caller.
 */
import type { Cluster, ObjectKey, Protocol } from './model.ts';
import type { NodeNetworkState } from './nodeState.ts';
import type { FlannelNetConf, Realized } from './scenario.ts';
import type { ProbeOutcome } from './verdict.ts';

export type ProxyMode = 'random' | 'round-robin';

/** What a target can do; found by asking the target, never assumed. */
export interface Capabilities {
  readonly protocols: readonly Protocol[];
  readonly ipv6: boolean;
  /**
   * The address families pods get, primary first: `[4]` IPv4 only, `[6]` IPv6 only, `[4, 6]` dual-stack
   * (then `Realized.podIPs` lists a pod's IPv4 address, then its IPv6 one).
   */
  readonly ipFamilies: readonly (4 | 6)[];
  /** Whether NetworkPolicy is enforced at all (plain flannel enforces none). */
  readonly policyEnforced: boolean | 'unknown';
  readonly proxyModes: readonly ProxyMode[];
  readonly flannelBackend?: string;
  /** Whether node network state can be read back. */
  readonly nodeState: boolean;
}

/** Probe sources of this form run in a node's own network namespace, not in a pod. */
const NODE_SOURCE_PREFIX = 'node:';

/** The probe source for node `name` (`node:<name>`). */
export function nodeSourceKey(name: string): ObjectKey {
  return `${NODE_SOURCE_PREFIX}${name}`;
}

/** The node a probe source names, or undefined when it is a pod. */
export function nodeOfSource(from: ObjectKey): string | undefined {
  return from.startsWith(NODE_SOURCE_PREFIX) ? from.slice(NODE_SOURCE_PREFIX.length) : undefined;
}

/** One probe: a new connection from a source pod to an address. */
export interface ProbeRequest {
  readonly id: string;
  /** The source: a pod (`ns/pod`), or a node's own network namespace (`node:<name>`). */
  readonly from: ObjectKey;
  /** The address to connect to (pod IP, ClusterIP, node IP, outside address). */
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly timeoutMs: number;
  /**
   * The caller needs to know which pod answered (`ProbeResult.servedBy`) even for a pod IP. A target that
   * always reads the reply (the lab) ignores this; the kube target then reads it instead of only
   * connecting (a process more per probe).
   */
  readonly reply?: boolean;
}

export interface ProbeResult {
  readonly id: string;
  readonly outcome: ProbeOutcome;
  /** The server's reply when connected: the lab's agents answer `<ns>/<pod> <source address seen>`. */
  readonly reply?: string;
  /** Parsed from the reply: which pod answered. */
  readonly servedBy?: ObjectKey;
  /** Parsed from the reply: the source address the server saw. */
  readonly sourceSeen?: string;
  /** Machine-level detail for `error` / `unsupported`. */
  readonly detail?: string;
  readonly durationMs: number;
}

/** What a live cluster's flannel runs, or why the flannel area cannot check it there. */
export type ClusterFlannel =
  | {
      readonly ok: true;
      readonly netConf: FlannelNetConf;
      /** net-conf.json as the ConfigMap holds it: flannel decodes these bytes, not a re-serialization. */
      readonly netConfText: string;
      /** Where the net-conf was read (`ConfigMap kube-flannel/kube-flannel-cfg`). */
      readonly source: string;
      /** The flannel release the cluster runs, as its DaemonSet's image tag says; or why it is not known. */
      readonly flannelVersion: ClusterFlannelVersion;
      /** Nodes the check covers (every node holding a lease); scenario nodes `node-1`… map onto them. */
      readonly nodes: number;
      /** The prefix length of the nodes' leases (the allocator's node mask). */
      readonly nodeMask: number;
    }
  | { readonly ok: false; readonly reason: string };

/** The release a cluster's flannel runs (`v0.26.1`), with where it was read, or why it is not known. */
export type ClusterFlannelVersion =
  | { readonly found: true; readonly version: string; readonly source: string }
  | { readonly found: false; readonly reason: string };

export interface SyncOptions {
  /** Flannel network config; a change of it (or of nodes) re-realizes from scratch. */
  readonly netConf?: FlannelNetConf;
  readonly signal?: AbortSignal;
}

export interface ProbeOptions {
  readonly concurrency: number;
  readonly signal?: AbortSignal;
}

export interface Target {
  readonly name: string;
  capabilities(): Promise<Capabilities>;
  /**
   * Make the target hold exactly `cluster` (nodes, namespaces, pods, services, policies with
   * concrete ipBlocks). Incremental: only what changed is redone. Returns the real addresses.
   */
  sync(cluster: Cluster, options?: SyncOptions): Promise<Realized>;
  probe(probes: readonly ProbeRequest[], options: ProbeOptions): Promise<ProbeResult[]>;
  /**
   * Called before each scenario: a target may drop data-plane state that earlier scenarios left and that
   * a fresh target would not have, so each scenario's counterexample replays on its own. Optional.
   */
  beginScenario?(): Promise<void>;
  /** Node network state, for the flannel area. */
  nodeStates(): Promise<NodeNetworkState[]>;
  /**
   * A target whose flannel runs as deployed (a live cluster): what it runs, read from the cluster and
   * never changed. The flannel area then checks that configuration instead of generating its own. A
   * target that realizes any generated net-conf (the lab) does not implement it.
   */
  clusterFlannel?(): Promise<ClusterFlannel>;
  /**
   * The real namespace a scenario namespace lives in, where the target renames it (a cluster run puts `x`
   * in `podnet-<run>-x`); by-hand commands in findings name it. Absent: the names are the same.
   */
  realNamespace?(scenarioNamespace: string): string;
  /** Remove everything this target created. Safe to call twice. */
  teardown(): Promise<void>;
}
