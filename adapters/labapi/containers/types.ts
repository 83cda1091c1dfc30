/**
 * What runs in a lab API container, since images are not pulled: the API server asks `podServers`
 * what a pod's containers serve (handed to the lab as `LabTargetOptions.podReplies`) and runs exec
 * commands through `spawnInSandbox` (containers/sandbox.ts). README.md cites agnhost's source.
 */
import type { Protocol } from '../../../spec/model.ts';

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
}

/** How a listener answers, as the agnhost subcommand that serves it would. */
export type ReplyMode =
  /** Writes the text on every new connection and closes it (serve-hostname --tcp). */
  | 'tcp-raw'
  /** Answers every datagram with the text (serve-hostname --udp, porter SERVE_UDP_PORT_*). */
  | 'udp'
  /** An HTTP/1.1 server answering every request with the text (serve-hostname --http, porter SERVE_PORT_*). */
  | 'http';

/** One listener of a pod and its exact answer. */
export interface ServedReply {
  readonly port: number;
  readonly protocol: Protocol;
  readonly mode: ReplyMode;
  readonly text: string;
  /** The container that serves it. */
  readonly container: string;
}

/** A container the lab cannot run as its pod asks (its state stays Waiting with this reason). */
export interface ContainerProblem {
  readonly container: string;
  /** `ErrImagePull` (not agnhost), `CrashLoopBackOff` (agnhost would exit at once). */
  readonly reason: 'ErrImagePull' | 'CrashLoopBackOff';
  readonly message: string;
}

/** What a pod's containers serve, or why some cannot run. */
export interface PodServers {
  readonly replies: readonly ServedReply[];
  readonly problems: readonly ContainerProblem[];
  /** Listeners the lab's kernel cannot serve (SCTP): reported, never faked. */
  readonly unsupported: readonly { readonly container: string; readonly what: string }[];
}
