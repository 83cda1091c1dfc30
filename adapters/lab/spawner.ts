/**
 * The lab's command runner (spawner.c), one per podnet process, started on first use: the lab's short
 * commands are forked by it instead of by Node (whose fork copies the page tables of a large process: that
 * was most of a run's CPU, `--cpu-prof`). It dies with this process. When it cannot be built or started,
 * commands run through execa as before.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { ensureCHelper } from './cHelper.ts';
import { DEFAULT_STATE_ROOT } from './names.ts';

const SOURCE = fileURLToPath(new URL('./spawner.c', import.meta.url));

interface SpawnResult {
  /** Exit code, 128 + signal, or -errno when the command could not start. */
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const hex = (s: string): string => (s.length === 0 ? '-' : Buffer.from(s, 'utf8').toString('hex'));
const unhex = (h: string | undefined): string =>
  h === undefined || h === '-' ? '' : Buffer.from(h, 'hex').toString('utf8');

class Spawner {
  private buffer = '';
  private nextId = 1;
  private readonly pending = new Map<string, (r: SpawnResult) => void>();

  constructor(private readonly child: ChildProcessByStdio<Writable, Readable, null>) {
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk: string) => this.onData(chunk));
    const gone = () => this.fail('the command runner exited');
    child.on('exit', gone);
    child.stdin.on('error', gone);
    this.idle();
  }

  /** Nothing awaited: the runner must not keep this process alive. */
  private idle(): void {
    this.child.unref();
    (this.child.stdin as unknown as { unref?: () => void }).unref?.();
    (this.child.stdout as unknown as { unref?: () => void }).unref?.();
  }

  private busy(): void {
    this.child.ref();
    (this.child.stdin as unknown as { ref?: () => void }).ref?.();
    (this.child.stdout as unknown as { ref?: () => void }).ref?.();
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl = this.buffer.indexOf('\n');
    while (nl >= 0) {
      const [head, id, code, out, err] = this.buffer.slice(0, nl).split(' ');
      this.buffer = this.buffer.slice(nl + 1);
      nl = this.buffer.indexOf('\n');
      if (head !== 'Z' || id === undefined) continue;
      const resolve = this.pending.get(id);
      this.pending.delete(id);
      if (this.pending.size === 0) this.idle();
      resolve?.({ code: Number(code), stdout: unhex(out), stderr: unhex(err) });
    }
  }

  private fail(why: string): void {
    dead = true;
    const waiting = [...this.pending.values()];
    this.pending.clear();
    for (const resolve of waiting) resolve({ code: -1, stdout: '', stderr: why });
  }

  run(
    argv: readonly string[],
    input: string | undefined,
    netnsPath: string | undefined,
  ): Promise<SpawnResult> {
    const id = String(this.nextId++);
    const line = ['X', id, netnsPath ?? '-', hex(input ?? ''), ...argv.map(hex)].join(' ');
    return new Promise((resolve) => {
      this.pending.set(id, resolve);
      this.busy();
      this.child.stdin.write(`${line}\n`);
    });
  }
}

let starting: Promise<Spawner | undefined> | undefined;
let dead = false;

async function startSpawner(): Promise<Spawner | undefined> {
  try {
    const binary = await ensureCHelper(
      DEFAULT_STATE_ROOT,
      SOURCE,
      'the lab runs its commands through a small C program',
      'install gcc',
    );
    const child = spawn(binary, [], { stdio: ['pipe', 'pipe', 'ignore'] });
    await new Promise<void>((resolve, reject) => {
      child.once('error', reject);
      child.stdout.once('data', () => resolve());
    });
    return new Spawner(child);
  } catch {
    return undefined;
  }
}

/** The runner, or undefined when it is not available (the caller then runs the command itself). */
export async function commandRunner(): Promise<Spawner | undefined> {
  if (dead || process.env.PODNET_LAB_SPAWNER === '0') return undefined;
  starting ??= startSpawner();
  const s = await starting;
  if (dead) return undefined;
  return s;
}
