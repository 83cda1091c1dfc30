/**
 * The server side of `kubectl exec` (and client-node's Exec) over WebSocket, as the API server runs it:
 * negotiate the subprotocol (protocol.ts), open the channels, tell the client the streams are up with an
 * empty message on the lowest writable channel, run the command, copy stdin in and stdout/stderr out,
 * half-close stdin on the v5 CLOSE signal, write the status on the error channel when the command ended and
 * close the socket (client-go/tools/remotecommand/proxy/websocket.go and streamtranslator.go). A client
 * that goes away gets its command killed. SPDY is refused with a Status naming what to use instead.
 */
import type { IncomingMessage } from 'node:http';
import { type Duplex, PassThrough, type Readable } from 'node:stream';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import {
  CHANNEL,
  decodeFrame,
  encodeFrame,
  errorChannelPayload,
  internalErrorStatus,
  negotiateProtocol,
  offeredProtocols,
  type ProtocolTraits,
  statusForExit,
} from './protocol.ts';
import { type ExecRefusal, isRefusal, parseExecQuery, refusal } from './query.ts';
import type {
  AcceptExec,
  AcceptExecOptions,
  ExecExit,
  ExecHandle,
  ExecQuery,
  ExecSessionEnd,
  ExecStatus,
} from './types.ts';

/** How long output may still flow after the command's processes are gone before the pipes are dropped. */
const OUTPUT_DRAIN_MS = 5000;

/** The message SPDY clients (kubectl up to 1.29, unless told otherwise) get instead of an upgrade. */
const SPDY_REFUSAL: ExecRefusal = refusal(
  400,
  'BadRequest',
  'the podnet lab API serves exec over WebSocket only (subprotocol v5.channel.k8s.io, as kubectl 1.30 and newer ' +
    'speak it); SPDY upgrades are not supported: use kubectl 1.30 or newer',
);

/** Not an upgrade at all: the API server's answer to a plain request on exec. */
const NOT_UPGRADE: ExecRefusal = refusal(400, 'BadRequest', 'Upgrade request required');

const TTY_UNSUPPORTED: ExecStatus = {
  metadata: {},
  status: 'Failure',
  message: 'the podnet lab API cannot allocate a TTY: run the command without -t/--tty',
  reason: 'BadRequest',
  code: 400,
};

const wss = new WebSocketServer({
  noServer: true,
  perMessageDeflate: false,
  clientTracking: false,
  handleProtocols: (protocols) => negotiateProtocol([...protocols])?.name || false,
});

/** Writes an HTTP error with a Status body on a socket that was not upgraded, then closes it. */
export function refuseUpgrade(socket: Duplex, answer: ExecRefusal): void {
  const body = JSON.stringify({ kind: 'Status', apiVersion: 'v1', ...answer.status });
  const reason = answer.code === 403 ? 'Forbidden' : answer.code === 404 ? 'Not Found' : 'Bad Request';
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${answer.code} ${reason}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
  socket.on('error', () => {});
}

export const acceptExec: AcceptExec = async (request, socket, head, options) => {
  const upgrade = String(request.headers.upgrade ?? '').toLowerCase();
  const refuse = (answer: ExecRefusal): ExecSessionEnd => {
    refuseUpgrade(socket, answer);
    return { refused: answer.code, clientGone: false };
  };
  if (upgrade.startsWith('spdy/')) return refuse(SPDY_REFUSAL);
  if (upgrade !== 'websocket') return refuse(NOT_UPGRADE);
  const query = parseExecQuery(request.url ?? '');
  if (isRefusal(query)) return refuse(query);
  const traits = negotiateProtocol(offeredProtocols(request.headers['sec-websocket-protocol']));
  // x/net/websocket answers a handshake error with 403 (wsstream conn.go's handshake refuses the offer).
  if (!traits)
    return refuse(
      refusal(
        403,
        'Forbidden',
        `requested protocol(s) are not supported: ${request.headers['sec-websocket-protocol']}`,
      ),
    );
  const ws = await upgradeSocket(request, socket, head);
  if (!ws) return { refused: 400, clientGone: false };
  return runSession(ws, traits, query, options);
};

/** The upgraded WebSocket, or undefined when ws refused the handshake itself (it answered 400). */
function upgradeSocket(
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
): Promise<WebSocket | undefined> {
  return new Promise((resolve) => {
    const gone = () => resolve(undefined);
    socket.once('close', gone);
    wss.handleUpgrade(request, socket, head, (ws) => {
      socket.off('close', gone);
      resolve(ws);
    });
  });
}

async function runSession(
  ws: WebSocket,
  traits: ProtocolTraits,
  query: ExecQuery,
  options: AcceptExecOptions,
): Promise<ExecSessionEnd> {
  let finished = false;
  let clientGone = false;
  let cut: 'bytes' | 'time' | undefined;
  let handle: ExecHandle | undefined;
  let outputSent = 0;
  const closed = new Promise<void>((resolve) => ws.once('close', () => resolve()));
  const send = (channel: number, payload: Uint8Array, done?: (error?: Error) => void): void => {
    if (ws.readyState !== ws.OPEN) {
      done?.(new Error('socket closed'));
      return;
    }
    ws.send(encodeFrame(traits, channel, payload), { binary: !traits.base64 }, done);
  };
  const cutStream = (why: 'bytes' | 'time'): void => {
    if (finished || cut) return;
    cut = why;
    ws.terminate();
    handle?.kill();
  };

  // The streams are up: an empty message on the lowest writable channel (proxy/websocket.go).
  send(query.stdout ? CHANNEL.stdout : query.stderr ? CHANNEL.stderr : CHANNEL.error, new Uint8Array(0));

  // stdin is buffered here until the command runs; the v5 CLOSE signal ends it.
  const stdin = new PassThrough();
  ws.on('message', (data: RawData) => {
    const frame = decodeFrame(traits, toBuffer(data));
    if (frame.kind === 'invalid') {
      ws.close(1002, frame.why.slice(0, 120));
      return;
    }
    if (frame.kind === 'close') {
      if (frame.channel === CHANNEL.stdin) stdin.end();
      return;
    }
    if (frame.kind === 'data' && frame.channel === CHANNEL.stdin && query.stdin && !stdin.writableEnded)
      stdin.write(frame.payload);
    // Resize (4) needs a TTY, which the lab never allocates; other channels are not readable (ignored).
  });
  ws.on('error', () => {});
  const onClientGone = (): void => {
    if (finished || cut) return;
    clientGone = true;
    stdin.destroy();
    handle?.kill();
  };
  ws.once('close', onClientGone);
  const timer =
    options.fault?.afterMs !== undefined
      ? setTimeout(() => cutStream('time'), options.fault.afterMs)
      : undefined;

  const end = (extra: Partial<ExecSessionEnd>): ExecSessionEnd => ({
    protocol: traits.name,
    clientGone,
    ...(cut ? { cut } : {}),
    ...extra,
  });
  const finish = async (status: ExecStatus, exit?: ExecExit): Promise<ExecSessionEnd> => {
    if (timer) clearTimeout(timer);
    if (clientGone || cut) {
      await closed;
      return end(exit ? { exit } : {});
    }
    finished = true;
    const payload = errorChannelPayload(traits, status);
    if (payload) send(CHANNEL.error, payload);
    ws.close(1000);
    await closed;
    return end({ status, ...(exit ? { exit } : {}) });
  };

  if (query.tty) return finish(TTY_UNSUPPORTED);

  try {
    handle = await options.spawn(query.command, {
      stdin: query.stdin,
      stdout: query.stdout,
      stderr: query.stderr,
      tty: false,
    });
  } catch (error) {
    return finish(internalErrorStatus(`error executing command in container: ${(error as Error).message}`));
  }
  if (clientGone || cut) handle.kill();

  if (handle.stdin) {
    const into = handle.stdin;
    into.on('error', () => {});
    stdin.on('error', () => {});
    stdin.pipe(into);
  }
  const budget = options.fault?.afterBytes;
  const forward = (source: Readable | null, channel: number): Promise<void> => {
    if (!source) return Promise.resolve();
    return new Promise((resolve) => {
      source.on('data', (chunk: Buffer) => {
        if (cut) return;
        let data = chunk;
        let last = false;
        if (budget !== undefined && outputSent + data.length >= budget) {
          data = data.subarray(0, Math.max(0, budget - outputSent));
          last = true;
        }
        outputSent += data.length;
        source.pause();
        const afterSend = (): void => {
          if (last) cutStream('bytes');
          else source.resume();
        };
        if (data.length > 0) send(channel, data, afterSend);
        else afterSend();
      });
      source.once('end', () => resolve());
      source.once('close', () => resolve());
      source.once('error', () => resolve());
    });
  };
  const outputs = Promise.all([
    forward(handle.stdout, CHANNEL.stdout),
    forward(handle.stderr, CHANNEL.stderr),
  ]);
  const exit = await handle.exited;
  const drained = await Promise.race([
    outputs.then(() => true),
    new Promise<false>((resolve) => setTimeout(() => resolve(false), OUTPUT_DRAIN_MS).unref()),
  ]);
  if (!drained) {
    handle.stdout?.destroy();
    handle.stderr?.destroy();
  }
  stdin.destroy();
  return finish(statusForExit(exit), exit);
}

function toBuffer(data: RawData): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.from(data);
}
