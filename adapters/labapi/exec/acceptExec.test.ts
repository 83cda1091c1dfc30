// The exec server against the real kubectl (the dispatcher on PATH picks kubectl 1.32 from /version) and
// client-node 1.4's Exec, with commands run as plain processes of this machine (spawnOnHost); the lab's
// sandbox is tested in containers/. Protocol facts are cited in protocol.ts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { Exec, KubeConfig, type V1Status } from '@kubernetes/client-node';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { WebSocket } from 'ws';
import { spawnOnHost } from './childHandle.ts';
import { type MiniApi, startMiniApi } from './testing/miniApi.ts';

let api: MiniApi;
let dir: string;
let kubeconfig: string;

beforeAll(async () => {
  api = await startMiniApi({ spawn: spawnOnHost });
  dir = await mkdtemp(join(tmpdir(), 'podnet-exec-'));
  kubeconfig = join(dir, 'kubeconfig');
  await api.writeKubeconfig(kubeconfig);
});
afterAll(async () => {
  await api.close();
  await rm(dir, { recursive: true, force: true });
});

function kubectl(args: string[], input?: string, binary = 'kubectl') {
  return execa(binary, ['--kubeconfig', kubeconfig, ...args], {
    reject: false,
    ...(input !== undefined ? { input } : { stdin: 'ignore' as const }),
    timeout: 30_000,
  });
}

/** Whether `pid` still runs (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

/** The pids of `pids` still running once they had `ms` to die (SIGKILL takes effect asynchronously). */
async function survivors(pids: readonly number[], ms = 5000): Promise<number[]> {
  const deadline = Date.now() + ms;
  while (pids.some(alive) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  return pids.filter(alive);
}

async function lastSession() {
  await api.settled();
  return api.sessions.at(-1);
}

describe('exec over WebSocket with the real kubectl', () => {
  test('stdout and stderr apart, exit 0, v5 negotiated, Success status', async () => {
    const r = await kubectl(['exec', 'p', '--', 'sh', '-c', 'echo out; echo err >&2']);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe('out');
    expect(r.stderr).toBe('err');
    const s = await lastSession();
    expect(s?.protocol).toBe('v5.channel.k8s.io');
    expect(s?.status).toEqual({ metadata: {}, status: 'Success' });
  });

  test('non-zero exit codes reach kubectl as its own exit code (1, 127, 255)', async () => {
    for (const code of [1, 127, 255]) {
      const r = await kubectl(['exec', 'p', '--', 'sh', '-c', `exit ${code}`]);
      expect(r.exitCode).toBe(code);
      expect(r.stderr).toContain(`command terminated with exit code ${code}`);
    }
    const s = await lastSession();
    expect(s?.status?.reason).toBe('NonZeroExitCode');
    expect(s?.status?.details?.causes).toEqual([{ reason: 'ExitCode', message: '255' }]);
  });

  test('a shell that cannot find a command exits 127; an executable that does not exist is an internal error', async () => {
    const viaShell = await kubectl(['exec', 'p', '--', 'sh', '-c', 'no-such-command-podnet']);
    expect(viaShell.exitCode).toBe(127);
    const direct = await kubectl(['exec', 'p', '--', 'no-such-command-podnet']);
    expect(direct.exitCode).toBe(1);
    expect(direct.stderr).toContain(
      'Internal error occurred: error executing command in container: exec: "no-such-command-podnet": executable file not found in $PATH',
    );
  });

  test('stdin reaches the command and the v5 CLOSE signal ends it (cat exits)', async () => {
    const input = 'line one\nline two\n'.repeat(2000);
    const r = await kubectl(['exec', '-i', 'p', '--', 'sh', '-c', 'cat; echo END'], input);
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toBe(`${input}END`);
  });

  test('a command that outlives its client is killed with everything it started', async () => {
    const child = spawn(
      'kubectl',
      ['--kubeconfig', kubeconfig, 'exec', 'p', '--', 'sh', '-c', 'sleep 300 & echo $! $$; wait'],
      { stdio: ['ignore', 'pipe', 'ignore'] },
    );
    const pids = await new Promise<number[]>((resolve) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('\n')) resolve(out.trim().split(' ').map(Number));
      });
    });
    expect(pids.every(alive)).toBe(true);
    child.kill('SIGKILL');
    const s = await lastSession();
    expect(s?.clientGone).toBe(true);
    expect(await survivors(pids)).toEqual([]);
  });

  const bin = '/usr/lib/google-cloud-sdk/bin';
  for (const v of ['1.30', '1.31', '1.32', '1.33']) {
    test.skipIf(!existsSync(`${bin}/kubectl.${v}`))(
      `kubectl ${v} speaks v5 WebSocket by default`,
      async () => {
        const r = await kubectl(
          ['exec', '-i', 'p', '--', 'sh', '-c', 'cat; exit 7'],
          'hello\n',
          `${bin}/kubectl.${v}`,
        );
        expect(r.stdout).toBe('hello');
        expect(r.exitCode).toBe(7);
      },
    );
  }
  for (const v of ['1.27', '1.28', '1.29']) {
    test.skipIf(!existsSync(`${bin}/kubectl.${v}`))(
      `kubectl ${v} speaks SPDY only (by default) and is told to use 1.30 or newer`,
      async () => {
        const r = await kubectl(['exec', 'p', '--', 'true'], undefined, `${bin}/kubectl.${v}`);
        expect(r.exitCode).toBe(1);
        expect(r.stderr).toContain('SPDY upgrades are not supported: use kubectl 1.30 or newer');
        expect((await lastSession())?.refused).toBe(400);
      },
    );
  }
  test.skipIf(!existsSync(`${bin}/kubectl.1.29`))(
    'kubectl 1.29 with KUBECTL_REMOTE_COMMAND_WEBSOCKETS=true works (its WebSocket alpha)',
    async () => {
      const r = await execa(
        `${bin}/kubectl.1.29`,
        ['--kubeconfig', kubeconfig, 'exec', '-i', 'p', '--', 'sh', '-c', 'cat; exit 3'],
        { reject: false, input: 'x\n', env: { KUBECTL_REMOTE_COMMAND_WEBSOCKETS: 'true' } },
      );
      expect(r.stdout).toBe('x');
      expect(r.exitCode).toBe(3);
    },
  );
});

describe('stream faults (--api-faults)', () => {
  test('cut after N bytes: kubectl fails, saw exactly N bytes, the command is killed', async () => {
    api.setOptions({ spawn: spawnOnHost, fault: { afterBytes: 1000 } });
    try {
      const r = await execa('kubectl', ['--kubeconfig', kubeconfig, 'exec', 'p', '--', 'yes'], {
        reject: false,
        stdin: 'ignore',
        stripFinalNewline: false,
        timeout: 30_000,
      });
      expect(r.exitCode).not.toBe(0);
      expect(Buffer.byteLength(String(r.stdout))).toBe(1000);
      const s = await lastSession();
      expect(s?.cut).toBe('bytes');
      expect(s?.status).toBeUndefined();
      expect(s?.exit).toEqual({ kind: 'signaled', signal: 'SIGKILL' });
    } finally {
      api.setOptions({ spawn: spawnOnHost });
    }
  });

  test('cut after T ms: kubectl fails without a status', async () => {
    api.setOptions({ spawn: spawnOnHost, fault: { afterMs: 300 } });
    try {
      const r = await kubectl(['exec', 'p', '--', 'sleep', '30']);
      expect(r.exitCode).not.toBe(0);
      const s = await lastSession();
      expect(s?.cut).toBe('time');
      expect(s?.exit).toEqual({ kind: 'signaled', signal: 'SIGKILL' });
    } finally {
      api.setOptions({ spawn: spawnOnHost });
    }
  });
});

describe("client-node 1.4's Exec", () => {
  function collect() {
    const chunks: Buffer[] = [];
    const stream = new Writable({
      write(chunk: Buffer, _enc, done) {
        chunks.push(chunk);
        done();
      },
    });
    return { stream, text: () => Buffer.concat(chunks).toString() };
  }

  async function run(command: string[], stdinText?: string) {
    const kc = new KubeConfig();
    kc.loadFromFile(kubeconfig);
    const out = collect();
    const err = collect();
    let stdin: PassThrough | null = null;
    if (stdinText !== undefined) {
      stdin = new PassThrough();
    }
    const status = await new Promise<V1Status>((resolve, reject) => {
      new Exec(kc)
        .exec('default', 'p', 'c', command, out.stream, err.stream, stdin, false, resolve)
        .then((ws) => {
          if (stdin && stdinText !== undefined) stdin.end(stdinText);
          ws.on('error', reject);
        }, reject);
    });
    await api.settled();
    return { status, stdout: out.text(), stderr: err.text() };
  }

  test('stdout, stderr and the status with the exit code', async () => {
    const ok = await run(['sh', '-c', 'echo out; echo err >&2']);
    expect(ok.stdout).toBe('out\n');
    expect(ok.stderr).toBe('err\n');
    expect(ok.status.status).toBe('Success');
    const failed = await run(['sh', '-c', 'exit 42']);
    expect(failed.status.status).toBe('Failure');
    expect(failed.status.reason).toBe('NonZeroExitCode');
    expect(failed.status.details?.causes?.[0]).toEqual({ reason: 'ExitCode', message: '42' });
    expect(api.sessions.at(-1)?.protocol).toBe('v5.channel.k8s.io');
  });

  test('stdin, half-closed with the v5 CLOSE signal when the stream ends', async () => {
    const r = await run(['sh', '-c', 'wc -c'], 'twelve bytes');
    expect(r.stdout.trim()).toBe('12');
    expect(r.status.status).toBe('Success');
  });
});

describe('other subprotocols and refusals (a raw WebSocket client)', () => {
  function open(query: string, protocols: string[]) {
    const ws = new WebSocket(
      `${api.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/p/exec?${query}`,
      protocols,
    );
    const frames: (Buffer | string)[] = [];
    const done = new Promise<{ code: number; frames: (Buffer | string)[]; protocol: string }>((resolve) => {
      ws.on('message', (data, isBinary) => {
        frames.push(isBinary ? (data as Buffer) : (data as Buffer).toString());
      });
      ws.on('close', (code) => resolve({ code, frames, protocol: ws.protocol }));
      ws.on('error', () => {});
    });
    return { ws, done };
  }

  test('the kubelet`s v4.base64 variant: text frames, digit channel, base64 payload, JSON status', async () => {
    const { done } = open('command=sh&command=-c&command=printf%20hi%3B%20exit%205&stdout=true', [
      'v4.base64.channel.k8s.io',
    ]);
    const r = await done;
    expect(r.protocol).toBe('v4.base64.channel.k8s.io');
    expect(r.frames[0]).toBe('1'); // the empty "streams are up" message on stdout
    expect(r.frames).toContain(`1${Buffer.from('hi').toString('base64')}`);
    const status = r.frames.find((f) => typeof f === 'string' && f.startsWith('3')) as string;
    expect(JSON.parse(Buffer.from(status.slice(1), 'base64').toString())).toMatchObject({
      status: 'Failure',
      reason: 'NonZeroExitCode',
      details: { causes: [{ reason: 'ExitCode', message: '5' }] },
    });
    expect(r.code).toBe(1000);
  });

  test('the unversioned channel.k8s.io: nothing on the error channel on success, the text on failure', async () => {
    const ok = await open('command=true&stdout=true', ['channel.k8s.io']).done;
    expect(ok.protocol).toBe('channel.k8s.io');
    expect(ok.frames.filter((f) => Buffer.isBuffer(f) && f[0] === 3)).toEqual([]);
    const failed = await open('command=false&stdout=true', ['channel.k8s.io']).done;
    const err = failed.frames.find((f) => Buffer.isBuffer(f) && f[0] === 3) as Buffer;
    expect(err.subarray(1).toString()).toBe(
      'command terminated with non-zero exit code: command terminated with exit code 1',
    );
  });

  test('v5 is chosen whenever offered; an offer of only unknown subprotocols is refused (403)', async () => {
    const r = await open('command=true&stdout=true', ['v4.channel.k8s.io', 'v5.channel.k8s.io']).done;
    expect(r.protocol).toBe('v5.channel.k8s.io');
    const refused = new WebSocket(
      `${api.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/p/exec?command=true&stdout=true`,
      ['v3.channel.k8s.io'],
    );
    const status = await new Promise<number>((resolve) => {
      refused.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      refused.on('error', () => {});
    });
    expect(status).toBe(403);
  });

  test('a TTY is refused on the error channel (the lab allocates none); no streams is a 400', async () => {
    const r = await open('command=sh&stdin=true&stdout=true&tty=true', ['v5.channel.k8s.io']).done;
    const err = r.frames.find((f) => Buffer.isBuffer(f) && f[0] === 3) as Buffer;
    expect(JSON.parse(err.subarray(1).toString())).toMatchObject({ status: 'Failure', reason: 'BadRequest' });
    const none = new WebSocket(
      `${api.url.replace('http', 'ws')}/api/v1/namespaces/default/pods/p/exec?command=true`,
      ['v5.channel.k8s.io'],
    );
    const code = await new Promise<number>((resolve) => {
      none.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      none.on('error', () => {});
    });
    expect(code).toBe(400);
  });
});
