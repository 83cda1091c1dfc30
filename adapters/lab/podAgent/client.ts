/** The prober's side of an agent's control socket: one persistent connection, requests pipelined. */
import { connect, type Socket } from 'node:net';
import type { ProbeOutcome } from '../../../spec/verdict.ts';

export interface AgentProbe {
  readonly host: string;
  readonly port: number;
  readonly protocol: string;
  readonly timeoutMs: number;
}

export interface AgentAnswer {
  readonly outcome: ProbeOutcome;
  readonly reply?: string;
  readonly detail?: string;
  readonly durationMs: number;
}

interface Wire {
  i: number;
  o: ProbeOutcome;
  r?: string;
  d?: string;
  ms: number;
}

export class AgentClient {
  private socket: Socket | undefined;
  private ready: Promise<Socket> | undefined;
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<number, (a: AgentAnswer) => void>();

  constructor(readonly socketPath: string) {}

  private connect(): Promise<Socket> {
    if (this.ready) return this.ready;
    this.ready = new Promise((resolve, reject) => {
      const s = connect(this.socketPath);
      s.setEncoding('utf8');
      s.once('connect', () => {
        this.socket = s;
        s.unref();
        resolve(s);
      });
      s.on('data', (chunk: string) => this.onData(chunk));
      s.on('error', (e) => {
        reject(e);
        this.fail(`control socket: ${e.message}`);
      });
      s.on('close', () => this.fail('control socket closed'));
    });
    return this.ready;
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const line = this.buffer.slice(0, nl);
      this.buffer = this.buffer.slice(nl + 1);
      const w = JSON.parse(line) as Wire;
      const resolve = this.pending.get(w.i);
      this.pending.delete(w.i);
      if (this.pending.size === 0) this.socket?.unref();
      resolve?.({
        outcome: w.o,
        ...(w.r !== undefined ? { reply: w.r } : {}),
        ...(w.d !== undefined ? { detail: w.d } : {}),
        durationMs: w.ms,
      });
      nl = this.buffer.indexOf('\n');
    }
  }

  private fail(detail: string): void {
    this.ready = undefined;
    this.socket = undefined;
    for (const [, resolve] of this.pending) resolve({ outcome: 'error', detail, durationMs: 0 });
    this.pending.clear();
  }

  async probe(p: AgentProbe): Promise<AgentAnswer> {
    let socket: Socket;
    try {
      socket = await this.connect();
    } catch (e) {
      return { outcome: 'error', detail: `agent unreachable: ${(e as Error).message}`, durationMs: 0 };
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      // Referenced only while answers are awaited, so an idle lab never holds the process open.
      socket.ref();
      socket.write(`${JSON.stringify({ i: id, h: p.host, p: p.port, t: p.protocol, ms: p.timeoutMs })}\n`);
    });
  }

  close(): void {
    this.socket?.destroy();
    this.fail('closed');
  }
}
