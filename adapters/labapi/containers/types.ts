/**
 * What runs in a lab API container, since images are not pulled: the API server asks `podServers`
 * (podServers.ts) what a pod's containers serve, hands the replies to the lab as
 * `LabTargetOptions.podReplies`, and runs exec commands through `spawnInSandbox` (sandbox.ts).
 */
import type { PodReply } from '../../lab/pods.ts';

/** A host path shown inside the sandbox (a hostPath volume mounted by a container). */
export interface SandboxMount {
  /** On this machine (the API server maps a node's hostPath to the lab's node folder). */
  readonly hostPath: string;
  /** Absolute path inside the container. */
  readonly containerPath: string;
  readonly readOnly: boolean;
}

/** Where and how one container's exec commands run. */
export interface SandboxSpec {
  /** The lab's prefix `pn<id>-`: on every sandbox process's command line, so lab teardown kills it. */
  readonly labPrefix: string;
  /** The network namespace (a name under /run/netns): the pod's, or its node's for hostNetwork pods. */
  readonly netns: string;
  /** The hostname the container sees (UTS namespace): the pod's hostname, the node's name for hostNetwork. */
  readonly hostname: string;
  readonly mounts?: readonly SandboxMount[];
  /** The container's environment (its `env`); PATH, HOSTNAME and HOME are set as a runtime sets them. */
  readonly env?: Readonly<Record<string, string>>;
  /** The compiled `agnhost connect` (standins/agnhostConnect.c): /agnhost connect runs it instead of Node. */
  readonly fastConnect?: string;
}

/** One listener of a pod and its exact answer (what the lab's pod agent serves), and its container. */
export interface ServedReply extends PodReply {
  readonly container: string;
}

/** A container the lab cannot run as its pod asks (its state stays Waiting with this reason). */
export interface ContainerProblem {
  readonly container: string;
  /**
   * `ErrImagePull`: not agnhost; `CreateContainerError`: a command or subcommand the lab cannot run;
   * `CrashLoopBackOff`: agnhost itself would exit at once (bad flags, a port taken, SCTP on this kernel).
   */
  readonly reason: 'ErrImagePull' | 'CreateContainerError' | 'CrashLoopBackOff';
  readonly message: string;
}

/** What a pod's containers serve, or why some cannot run. */
export interface PodServers {
  readonly replies: readonly ServedReply[];
  readonly problems: readonly ContainerProblem[];
  /** What the container would serve but the lab does not emulate (TLS, --json-response): reported, never faked. */
  readonly unsupported: readonly { readonly container: string; readonly what: string }[];
}
