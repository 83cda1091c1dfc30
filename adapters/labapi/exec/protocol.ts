/**
 * Kubernetes' remote-command protocol over WebSocket, the facts this server follows (kubernetes/kubernetes):
 * - names, channel numbers and the CLOSE signal: staging/src/k8s.io/apimachinery/pkg/util/remotecommand/constants.go
 *   (`v5.channel.k8s.io` … `channel.k8s.io`; 0 stdin, 1 stdout, 2 stderr, 3 error, 4 resize, 255 close);
 * - framing: staging/src/k8s.io/apimachinery/pkg/util/httpstream/wsstream/conn.go (binary: one channel byte then
 *   the payload; `base64.` variants: the channel as an ASCII digit, then the payload in standard base64, sent as
 *   text; v5 only: `[255, channel]` half-closes that channel);
 * - which subprotocols a server accepts: a request offering v5 is served by the API server's stream translator,
 *   which accepts only `v5.channel.k8s.io` (staging/src/k8s.io/client-go/tools/remotecommand/proxy/websocket.go,
 *   chosen by `IsWebSocketRequestWithStreamCloseProtocol` in wsstream/conn.go); any other request is proxied to
 *   the kubelet, whose streaming server accepts "", `channel.k8s.io`, `base64.channel.k8s.io`,
 *   `v4.channel.k8s.io` and `v4.base64.channel.k8s.io` (pkg/kubelet/cri/streaming/remotecommand/websocket.go);
 *   among the allowed ones the client's first offer wins (wsstream `handshake`);
 * - the error channel: v4 and v5 carry the JSON of a metav1.Status; v1 (unversioned) carries the error's text
 *   and nothing on success (pkg/kubelet/cri/streaming/remotecommand/httpstream.go, v1WriteStatusFunc).
 */
import type { ExecExit, ExecStatus } from './types.ts';

const PROTOCOL_V5 = 'v5.channel.k8s.io';
const PROTOCOL_V4 = 'v4.channel.k8s.io';
const PROTOCOL_V4_BASE64 = 'v4.base64.channel.k8s.io';
const PROTOCOL_V1 = 'channel.k8s.io';
const PROTOCOL_V1_BASE64 = 'base64.channel.k8s.io';

export const CHANNEL = { stdin: 0, stdout: 1, stderr: 2, error: 3, resize: 4, close: 255 } as const;

/** How a negotiated subprotocol behaves. */
export interface ProtocolTraits {
  /** The subprotocol named in the handshake answer ("" when the client offered none). */
  readonly name: string;
  readonly base64: boolean;
  /** v4 and v5: a metav1.Status JSON on the error channel; v1: the error text, nothing on success. */
  readonly statusJson: boolean;
  /** v5: `[255, channel]` half-closes a channel (stdin). */
  readonly closeSignal: boolean;
}

const TRAITS: Readonly<Record<string, ProtocolTraits>> = {
  [PROTOCOL_V5]: { name: PROTOCOL_V5, base64: false, statusJson: true, closeSignal: true },
  [PROTOCOL_V4]: { name: PROTOCOL_V4, base64: false, statusJson: true, closeSignal: false },
  [PROTOCOL_V4_BASE64]: { name: PROTOCOL_V4_BASE64, base64: true, statusJson: true, closeSignal: false },
  [PROTOCOL_V1]: { name: PROTOCOL_V1, base64: false, statusJson: false, closeSignal: false },
  [PROTOCOL_V1_BASE64]: { name: PROTOCOL_V1_BASE64, base64: true, statusJson: false, closeSignal: false },
  '': { name: '', base64: false, statusJson: false, closeSignal: false },
};

/** The kubelet's set (used when v5 is not offered). */
const KUBELET_PROTOCOLS = new Set(['', PROTOCOL_V1, PROTOCOL_V1_BASE64, PROTOCOL_V4, PROTOCOL_V4_BASE64]);

/** The subprotocols a client offered (`Sec-WebSocket-Protocol`, comma separated, in order). */
export function offeredProtocols(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '');
}

/** The subprotocol the API server would run, or undefined when it would refuse the handshake (403). */
export function negotiateProtocol(offered: readonly string[]): ProtocolTraits | undefined {
  if (offered.includes(PROTOCOL_V5)) return TRAITS[PROTOCOL_V5];
  if (offered.length === 0) return TRAITS[''];
  const first = offered.find((p) => KUBELET_PROTOCOLS.has(p));
  return first === undefined ? undefined : TRAITS[first];
}

/** One outgoing message: binary `[channel, ...payload]`, or text `digit + base64(payload)`. */
export function encodeFrame(traits: ProtocolTraits, channel: number, payload: Uint8Array): Buffer | string {
  if (traits.base64) return String.fromCharCode(48 + channel) + Buffer.from(payload).toString('base64');
  const frame = Buffer.allocUnsafe(payload.length + 1);
  frame[0] = channel;
  frame.set(payload, 1);
  return frame;
}

export type IncomingFrame =
  | { readonly kind: 'data'; readonly channel: number; readonly payload: Buffer }
  | { readonly kind: 'close'; readonly channel: number }
  | { readonly kind: 'empty' }
  /** A protocol error after which the server stops reading (wsstream conn.go breaks its loop). */
  | { readonly kind: 'invalid'; readonly why: string };

/** Decodes one incoming message as wsstream's `handle` does. */
export function decodeFrame(traits: ProtocolTraits, message: Buffer): IncomingFrame {
  if (message.length === 0) return { kind: 'empty' };
  const first = message[0] as number;
  if (traits.closeSignal && first === CHANNEL.close) {
    if (message.length !== 2)
      return {
        kind: 'invalid',
        why: `single channel byte should follow stream close signal, got ${message.length - 1} bytes`,
      };
    return { kind: 'close', channel: message[1] as number };
  }
  if (!traits.base64) return { kind: 'data', channel: first, payload: message.subarray(1) };
  const text = message.subarray(1).toString('latin1');
  // Go's StdEncoding rejects what is not canonical base64; such a frame is dropped, not fatal.
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    return { kind: 'data', channel: first - 48, payload: Buffer.alloc(0) };
  return { kind: 'data', channel: first - 48, payload: Buffer.from(text, 'base64') };
}

/** The exit code a runtime reports: the process's own, or 128 + signal number when a signal ended it. */
function exitCodeOf(exit: ExecExit): number | undefined {
  if (exit.kind === 'exited') return exit.code;
  if (exit.kind === 'signaled') return 128 + signalNumber(exit.signal);
  return undefined;
}

const SIGNAL_NUMBERS: Readonly<Record<string, number>> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGSEGV: 11,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};

function signalNumber(signal: NodeJS.Signals): number {
  return SIGNAL_NUMBERS[signal] ?? 1;
}

/**
 * The status the API server writes when the command ended: Success, or Failure/NonZeroExitCode with the
 * code as an `ExitCode` cause (staging/src/k8s.io/client-go/tools/remotecommand/proxy/streamtranslator.go;
 * its message wraps client-go's "command terminated with exit code N", v4.go), or an internal error for a
 * command that never ran (apimachinery's NewInternalError, as pkg/kubelet/cri/streaming/remotecommand/exec.go).
 */
export function statusForExit(exit: ExecExit): ExecStatus {
  const code = exitCodeOf(exit);
  if (code === 0) return { metadata: {}, status: 'Success' };
  if (code !== undefined) {
    return {
      metadata: {},
      status: 'Failure',
      message: `command terminated with non-zero exit code: command terminated with exit code ${code}`,
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: String(code) }] },
    };
  }
  const why = `error executing command in container: ${exit.kind === 'not-started' ? exit.message : 'unknown'}`;
  return internalErrorStatus(why);
}

/** apimachinery's NewInternalError. */
export function internalErrorStatus(why: string): ExecStatus {
  return {
    metadata: {},
    status: 'Failure',
    message: `Internal error occurred: ${why}`,
    reason: 'InternalError',
    details: { causes: [{ message: why }] },
    code: 500,
  };
}

/** What goes on the error channel for `status`, or undefined when nothing does (v1 on success). */
export function errorChannelPayload(traits: ProtocolTraits, status: ExecStatus): Buffer | undefined {
  if (traits.statusJson) return Buffer.from(JSON.stringify(status));
  if (status.status === 'Success') return undefined;
  return Buffer.from(status.message ?? 'unknown error');
}
