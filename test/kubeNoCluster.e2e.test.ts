// `podnet run --target kube`, `podnet predict --from-cluster` and `podnet cleanup` with no reachable
// cluster (a kubeconfig pointing at an unused localhost port): exit 3 with a message that names the
// server and says what to check, without hanging (the process is killed at 60 s, a hang guard only:
// the machine is shared, and start-up alone can take seconds under load).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
let dir: string;
let port: number;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-kube-'));
  // An unused port: bind, note it, close.
  const server = net.createServer().listen(0, '127.0.0.1');
  await new Promise((r) => server.once('listening', r));
  port = (server.address() as net.AddressInfo).port;
  await new Promise((r) => server.close(r));
  await writeFile(
    join(dir, 'kubeconfig'),
    `apiVersion: v1
kind: Config
clusters:
- name: nowhere
  cluster: {server: "https://127.0.0.1:${port}", insecure-skip-tls-verify: true}
users:
- name: nobody
  user: {token: not-a-token}
contexts:
- name: nowhere
  context: {cluster: nowhere, user: nobody}
current-context: nowhere
`,
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const podnet = (args: string[]) =>
  execa('node', [BIN, ...args], { cwd: dir, reject: false, timeout: 60_000, env: { KUBECONFIG: '' } });

describe('kube commands without a reachable cluster', { tags: ['e2e'] }, () => {
  test('podnet run --target kube exits 3 with a clear message', async () => {
    const r = await podnet([
      'run',
      '--target',
      'kube',
      '--kubeconfig',
      'kubeconfig',
      '--quiet',
      '--out',
      'out',
    ]);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`cannot reach the API server https://127.0.0.1:${port}`);
    expect(r.stderr).toContain('hint:');
    expect(r.stderr).not.toContain('internal error');
  });

  test('podnet predict --from-cluster exits 3 and sends nothing but the list call', async () => {
    const r = await podnet(['predict', '--from-cluster', '--kubeconfig', 'kubeconfig']);
    expect(r.timedOut).toBe(false);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain('cannot reach the API server');
  });

  test('podnet cleanup --all exits 3; cleanup without --run or --all is a usage error (2)', async () => {
    const r = await podnet(['cleanup', '--all', '--kubeconfig', 'kubeconfig']);
    expect(r.exitCode).toBe(3);
    const bad = await podnet(['cleanup', '--kubeconfig', 'kubeconfig']);
    expect(bad.exitCode).toBe(2);
  });

  test('an unknown context is named, with the contexts that exist', async () => {
    const r = await podnet([
      'run',
      '--target',
      'kube',
      '--kubeconfig',
      'kubeconfig',
      '--context',
      'prod',
      '--quiet',
    ]);
    // A context the kubeconfig does not hold is the user's input, not the target's failure.
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('context "prod" is not in the kubeconfig');
    expect(r.stderr).toContain('known contexts: nowhere');
  });

  test('credentials never reach the terminal: user:password in the server URL, a token in a broken file', async () => {
    await writeFile(
      join(dir, 'userinfo'),
      `clusters:
- name: c
  cluster: {server: "https://admin:hunter2pass@127.0.0.1:${port}", insecure-skip-tls-verify: true}
users:
- name: u
  user: {token: not-a-token}
contexts:
- name: c
  context: {cluster: c, user: u}
current-context: c
`,
    );
    const r = await podnet(['predict', '--from-cluster', '--kubeconfig', 'userinfo']);
    expect(r.exitCode).toBe(3);
    expect(r.stderr).toContain(`https://***@127.0.0.1:${port}`);
    expect(`${r.stdout}${r.stderr}`).not.toContain('hunter2pass');
    await writeFile(
      join(dir, 'broken'),
      'users:\n- name: u\n  user:\n    token: tok-5ecret-value\n   x: [\n',
    );
    const b = await podnet(['cleanup', '--all', '--kubeconfig', 'broken']);
    expect(b.exitCode).toBe(2);
    expect(b.stderr).toMatch(/broken:\d+: not valid YAML/);
    expect(`${b.stdout}${b.stderr}`).not.toContain('5ecret');
  });
});
