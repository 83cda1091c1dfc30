/**
 * The lab's agent (labagent.c): one native process per lab that serves every pod's ports and runs every
 * probe, each from the network namespace of its source (a pod, a node, the outside server). This is its
 * launcher and the client of its control socket: one persistent connection, requests pipelined.
 */
import { connect, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import { PodnetTargetError } from '../../../spec/errors.ts';
import type { ProbeOutcome } from '../../../spec/verdict.ts';
import { ensureCHelper } from '../cHelper.ts';
import { startDetached } from '../detached.ts';
import type { PodReply } from '../pods.ts';

const AGENT_SOURCE = fileURLToPath(new URL('./labagent.c', import.meta.url));

/** A network namespace the agent serves in and probes from. */
export interface SourceSpec {
  /** The lab's own name for it (`p1c`, `node-0`, `outside`), never data from a scenario. */
  readonly name: string;
  readonly netns: string;
  /** `ns/pod` (or `outside/server`): what its plain listeners answer with. */
  readonly key: string;
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
  /** Listeners with given answers instead of `tcp`/`udp` (see PodReply). */
  readonly replies?: readonly PodReply[];
  /** Listen on `::` (IPv4 and IPv6) instead of 0.0.0.0: the lab has an IPv6 side. */
  readonly dualStack?: boolean;
}

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

const SOURCE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;
const OUTCOMES: ReadonlySet<string> = new Set(['connected', 'refused', 'timeout', 'error', 'unsupported']);

const hex = (s: string): string => (s.length === 0 ? '-' : Buffer.from(s, 'utf8').toString('hex'));
const unhex = (h: string | undefined): string | undefined =>
  h === undefined || h === '-' ? undefined : Buffer.from(h, 'hex').toString('utf8');

function listenerTokens(s: SourceSpec): string[] {
  if (s.replies) {
    return s.replies.map((r) => {
      const kind = r.mode === 'http' ? 'H' : r.mode === 'udp' ? 'U' : 'T';
      return `${kind}${r.port}:${hex(r.text)}`;
    });
  }
  return [...s.tcp.map((p) => `t${p}`), ...s.udp.map((p) => `u${p}`)];
}

/** Builds the agent (gcc, once per source version) and starts it, detached: a lab outlives `podnet lab up`. */
export async function startLabAgent(options: {
  readonly stateRoot: string;
  readonly prefix: string;
  readonly socket: string;
  readonly logFile: string;
}): Promise<LabAgent> {
  const binary = await ensureCHelper(
    options.stateRoot,
    AGENT_SOURCE,
    "the lab's agent (pods' servers and probes) is a small C program",
    'install gcc and the C library headers (Debian: apt-get install gcc libc6-dev)',
  );
  const pid = await startDetached(
    [binary, `--podnet-lab=${options.prefix}`, options.socket],
    options.logFile,
    'PODNET_LAB_AGENT',
    'the lab agent',
  );
  return new LabAgent(options.socket, pid);
}

export class LabAgent {
  private socket: Socket | undefined;
  private ready: Promise<Socket> | undefined;
  private buffer = '';
  private nextId = 1;
  /** Answers awaited, by their answer line's head: `R <id>`, `a <source>`, `d <source>`. */
  private readonly pending = new Map<string, (fields: readonly string[] | undefined, why?: string) => void>();

  constructor(
    readonly socketPath: string,
    readonly pid: number,
  ) {}

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
      const fields = this.buffer.slice(0, nl).split(' ');
      this.buffer = this.buffer.slice(nl + 1);
      const head = `${fields[0]} ${fields[1]}`;
      const resolve = this.pending.get(head);
      this.pending.delete(head);
      if (this.pending.size === 0) this.socket?.unref();
      resolve?.(fields);
      nl = this.buffer.indexOf('\n');
    }
  }

  private fail(why: string): void {
    this.ready = undefined;
    this.socket = undefined;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve(undefined, why);
  }

  /** Sends `line` and waits for the answer whose head is `head`; undefined fields: the connection failed. */
  private async request(line: string, head: string): Promise<{ fields?: readonly string[]; why?: string }> {
    let socket: Socket;
    try {
      socket = await this.connect();
    } catch (e) {
      return { why: `agent unreachable: ${(e as Error).message}` };
    }
    return new Promise((resolve) => {
      this.pending.set(head, (fields, why) =>
        resolve({ ...(fields ? { fields } : {}), ...(why ? { why } : {}) }),
      );
      // Referenced only while answers are awaited, so an idle lab never holds the process open.
      socket.ref();
      socket.write(`${line}\n`);
    });
  }

  /** Opens each source's listeners in its namespace (which must exist; its links need not yet). */
  async addSources(specs: readonly SourceSpec[]): Promise<void> {
    const answers = await Promise.all(
      specs.map((s) => {
        if (!SOURCE_NAME.test(s.name) || !/^[A-Za-z0-9_.-]+$/.test(s.netns))
          throw new Error(`lab agent source ${JSON.stringify(s.name)} is not one of the lab's own`);
        const line = [
          'A',
          s.name,
          `/run/netns/${s.netns}`,
          hex(s.key),
          s.dualStack ? '1' : '0',
          ...listenerTokens(s),
        ];
        return this.request(line.join(' '), `a ${s.name}`).then((a) => ({ s, a }));
      }),
    );
    const bad = answers.find(({ a }) => a.fields?.[2] !== 'ok');
    if (bad) {
      const why = bad.a.why ?? unhex(bad.a.fields?.[2]) ?? 'no answer';
      throw new PodnetTargetError('PODNET_LAB_AGENT', `the lab agent could not serve ${bad.s.key}: ${why}`);
    }
  }

  /** Closes the sources' listeners, connections and probes, so their namespaces can go. */
  async removeSources(names: readonly string[]): Promise<void> {
    await Promise.all(names.map((n) => this.request(`D ${n}`, `d ${n}`)));
  }

  async probe(source: string, p: AgentProbe): Promise<AgentAnswer> {
    const id = String(this.nextId++);
    if (!/^[A-Za-z0-9.:-]+$/.test(p.host) || !Number.isInteger(p.port) || !/^[A-Z]+$/.test(p.protocol)) {
      return {
        outcome: 'error',
        detail: `not a probe the agent takes: ${p.protocol} ${p.host}:${p.port}`,
        durationMs: 0,
      };
    }
    const { fields, why } = await this.request(
      `P ${id} ${source} ${p.protocol} ${p.host} ${p.port} ${Math.max(1, Math.round(p.timeoutMs))}`,
      `R ${id}`,
    );
    const outcome = fields?.[2];
    if (!fields || outcome === undefined || !OUTCOMES.has(outcome))
      return { outcome: 'error', detail: why ?? 'malformed agent answer', durationMs: 0 };
    const reply = unhex(fields[4]);
    const detail = unhex(fields[5]);
    return {
      outcome: outcome as ProbeOutcome,
      ...(outcome === 'connected' ? { reply: reply ?? '' } : {}),
      ...(detail !== undefined ? { detail } : {}),
      durationMs: Number(fields[3]),
    };
  }

  /** Drops the connection (the agent keeps running; `cleanupLab` ends it with the lab). */
  close(): void {
    this.socket?.destroy();
    this.fail('closed');
  }
}
