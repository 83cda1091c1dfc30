/**
 * The interface between the lab API server and its exec: the server routes an upgrade request for
 * `/api/v1/namespaces/NS/pods/NAME/exec` (after authentication, and after it found the pod and resolved
 * the container, see `parseExecQuery`) to `acceptExec`, handing it a `spawn` bound to that container.
 * acceptExec speaks Kubernetes' remote-command protocol over WebSocket (README.md cites the sources).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable, Writable } from 'node:stream';

/** What a client asked for in the exec query (`PodExecOptions`: command, container, stdin…tty). */
export interface ExecQuery {
  readonly command: readonly string[];
  /** Absent when the client named none; the API server picks the container (as the real one does). */
  readonly container?: string;
  readonly stdin: boolean;
  readonly stdout: boolean;
  /** Always false when `tty` is set (the kubelet bypasses stderr with a TTY). */
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** Which standard streams the command gets; a stream not asked for is /dev/null (stdin) or dropped. */
export interface ExecStreams {
  readonly stdin: boolean;
  readonly stdout: boolean;
  readonly stderr: boolean;
  readonly tty: boolean;
}

/** How a command ended. */
export type ExecExit =
  | { readonly kind: 'exited'; readonly code: number }
  | { readonly kind: 'signaled'; readonly signal: NodeJS.Signals }
  /** It never ran (e.g. the executable is not in the container): an internal error, as a runtime reports it. */
  | { readonly kind: 'not-started'; readonly message: string };

/** A running command in a container. */
export interface ExecHandle {
  /** The command's stdin (null when not asked for). Ending it closes the command's stdin. */
  readonly stdin: Writable | null;
  readonly stdout: Readable | null;
  readonly stderr: Readable | null;
  /** Settles once the command and everything it started are gone; never rejects. */
  readonly exited: Promise<ExecExit>;
  /** Kills the command and everything it started (SIGKILL); safe after exit and when called twice. */
  kill(): void;
}

/** Starts `argv` in the container the request was routed to. May throw: that is an internal error. */
type SpawnInContainer = (argv: readonly string[], streams: ExecStreams) => ExecHandle | Promise<ExecHandle>;

/** The API's `--api-faults` for exec: the connection is cut (no status, no close frame). */
interface ExecStreamFault {
  /** Cut once this many bytes of command output (stdout and stderr payload) went to the client. */
  readonly afterBytes?: number;
  /** Cut this long after the stream opened. */
  readonly afterMs?: number;
}

export interface AcceptExecOptions {
  readonly spawn: SpawnInContainer;
  /** Set for the execs the API's fault switch picked; absent for a healthy stream. */
  readonly fault?: ExecStreamFault;
}

/** How an exec session ended, for the API server's log and for tests. */
export interface ExecSessionEnd {
  /** The negotiated subprotocol (`v5.channel.k8s.io`…), or undefined when the upgrade was refused. */
  readonly protocol?: string;
  /** The HTTP status of a refused upgrade (400 for SPDY or a bad query). */
  readonly refused?: number;
  readonly exit?: ExecExit;
  /** The fault switch cut the stream. */
  readonly cut?: 'bytes' | 'time';
  /** The client went away before the command ended (the command was killed). */
  readonly clientGone: boolean;
  /** The metav1.Status written on the error channel, when one was. */
  readonly status?: ExecStatus;
}

/** metav1.Status as the remote-command error channel carries it (v4 and v5). */
export interface ExecStatus {
  readonly metadata: Record<string, never>;
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly details?: { readonly causes: readonly { readonly reason?: string; readonly message: string }[] };
  readonly code?: number;
}

/**
 * Upgrades `request` (the `upgrade` event of the API's HTTP(S) server) and runs the exec session on
 * `socket`. Settles when the session is over (command ended and the socket closed, or the client went
 * away and the command was killed); never rejects. A request it cannot serve (SPDY, a bad query) gets
 * an HTTP error with a `Status` body, as the real API server answers.
 */
export type AcceptExec = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  options: AcceptExecOptions,
) => Promise<ExecSessionEnd>;
