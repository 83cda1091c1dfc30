// kubeconfig is read as kubectl reads it: --kubeconfig over KUBECONFIG (a list, first file wins) over
// ~/.kube/config over in-cluster; --context picks a context. A bad file or context is bad input (exit 2)
// whose message never quotes the file's secrets; no kubeconfig at all is a target error (exit 3).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, describe, expect, test } from 'vitest';
import { PodnetInputError, PodnetTargetError } from '../../spec/errors.ts';
import { apiError, makeClients } from './clients.ts';
import { kubeconfigSource, loadKubeConfig } from './kubeconfig.ts';

const dir = mkdtempSync(join(tmpdir(), 'podnet-kubeconfig-'));
function config(file: string, cluster: string, server: string, current: string): string {
  const path = join(dir, file);
  writeFileSync(
    path,
    `apiVersion: v1
kind: Config
clusters:
- name: ${cluster}
  cluster: {server: ${server}}
users:
- name: u-${cluster}
  user: {token: t}
contexts:
- name: ${cluster}
  context: {cluster: ${cluster}, user: u-${cluster}}
current-context: ${current}
`,
  );
  return path;
}
const a = config('a.yaml', 'alpha', 'https://127.0.0.1:6443', 'alpha');
const b = config('b.yaml', 'beta', 'https://127.0.0.2:6443', 'beta');
const home = mkdtempSync(join(tmpdir(), 'podnet-home-'));
afterAll(() => {
  for (const d of [dir, home]) rmSync(d, { recursive: true, force: true });
});

describe('kubeconfig like kubectl', () => {
  test('--kubeconfig wins over KUBECONFIG', () => {
    expect(kubeconfigSource({ kubeconfig: a, env: { KUBECONFIG: b, HOME: home } })).toEqual({
      kind: 'files',
      files: [a],
    });
  });
  test('KUBECONFIG lists files; the first one sets the current context; others add contexts', () => {
    const kc = loadKubeConfig({ env: { KUBECONFIG: [a, b].join(delimiter), HOME: home } });
    expect(kc.getCurrentContext()).toBe('alpha');
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.1:6443');
    expect(kc.getContexts().map((c) => c.name)).toEqual(['alpha', 'beta']);
  });
  test('--context selects another context', () => {
    const kc = loadKubeConfig({ context: 'beta', env: { KUBECONFIG: [a, b].join(delimiter), HOME: home } });
    expect(kc.getCurrentCluster()?.server).toBe('https://127.0.0.2:6443');
  });
  test('an unknown context and a missing file are input errors; no config at all is a target error', () => {
    expect(() => loadKubeConfig({ kubeconfig: a, context: 'gamma' })).toThrow(
      /context "gamma" is not in the kubeconfig/,
    );
    expect(() => loadKubeConfig({ kubeconfig: a, context: 'gamma' })).toThrow(PodnetInputError);
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'missing.yaml') })).toThrow(PodnetInputError);
    expect(() => loadKubeConfig({ env: { HOME: home } })).toThrow(PodnetTargetError);
    expect(() => loadKubeConfig({ env: { HOME: home } })).toThrow(/no kubeconfig found/);
  });
  test('without files, inside a pod, the in-cluster service account is used (when its token exists)', () => {
    const src = kubeconfigSource({ env: { HOME: home, KUBERNETES_SERVICE_HOST: '10.96.0.1' } });
    // This machine is not a pod: the token file is absent, so nothing is found.
    expect(src).toEqual({ kind: 'none' });
  });
});

describe('a malformed kubeconfig is bad input that never shows its secrets', () => {
  const SECRET = 'S3CR3T-token-9f8e7d6c5b4a';
  const KEY = 'LS0tLS1CRUdJTiBQUklWQVRFIEtFWS0tLS0tc2VjcmV0a2V5ZGF0YQ==';
  function errorOf(text: string, name: string): PodnetInputError {
    const path = join(dir, name);
    writeFileSync(path, text);
    try {
      loadKubeConfig({ kubeconfig: path });
    } catch (error) {
      expect(error).toBeInstanceOf(PodnetInputError);
      const message = (error as PodnetInputError).message;
      expect(message).toContain(path);
      expect(message).not.toContain(SECRET);
      expect(message).not.toContain(KEY);
      expect(message).not.toContain('S3CR3T');
      return error as PodnetInputError;
    }
    throw new Error('expected an input error');
  }
  test('a YAML syntax error right after a token names the line, not the text', () => {
    const e = errorOf(
      `users:\n- name: u\n  user:\n    token: ${SECRET}\n   client-key-data: "${KEY}\n`,
      'syntax.yaml',
    );
    expect(e.location.line).toBeGreaterThan(0);
  });
  test('a shape error names the field', () => {
    expect(
      errorOf(`clusters: {name: x}\nusers: [{name: u, user: {token: ${SECRET}}}]\n`, 'shape.yaml').location
        .field,
    ).toBe('clusters');
  });
  test("client-node's own complaint is passed on without the secrets", () => {
    const e = errorOf(
      `clusters: [{name: a, cluster: {}}]\nusers: [{name: ${SECRET}, user: {token: ${SECRET}, client-key-data: ${KEY}}}]\ncontexts: [{name: c, context: {cluster: a, user: ${SECRET}}}]\ncurrent-context: c\n`,
      'usable.yaml',
    );
    expect(e.message).toMatch(/not a usable kubeconfig: clusters\[0\]\.cluster\.server is missing/);
  });
  test('a server that is not an absolute http(s) URL is bad input naming the field, never echoed', () => {
    for (const server of [`not a url ${SECRET}`, `127.0.0.1:6443`, `ftp://h/${SECRET}`]) {
      const e = errorOf(
        `clusters: [{name: a, cluster: {server: "${server}"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: c, context: {cluster: a, user: u}}]\ncurrent-context: c\n`,
        'server.yaml',
      );
      expect(e.location.field).toBe('clusters[0].cluster.server');
      expect(e.message).toMatch(/absolute http\(s\) URL/);
      expect(e.message).not.toContain(SECRET);
    }
  });
  test('an alias bomb is refused', () => {
    const bomb = ['a: &a ["x","x","x","x","x","x","x","x","x"]'];
    for (let i = 1; i < 12; i++)
      bomb.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)},*${String.fromCharCode(96 + i)}]`,
      );
    expect(
      errorOf(`${bomb.join('\n')}\nusers: [{name: u, user: {token: ${SECRET}}}]\n`, 'bomb.yaml').message,
    ).toMatch(/alias/);
  });
});

describe('a server URL with user:password is redacted', () => {
  const path = config('userinfo.yaml', 'cred', 'https://admin:hunter2secret@127.0.0.1:1', 'cred');
  test('in the clients (messages and results.json use clients.server)', () => {
    const clients = makeClients(loadKubeConfig({ kubeconfig: path }));
    expect(clients.server).toBe('https://***@127.0.0.1:1');
  });
  test('in API errors, even when the transport quotes the URL', () => {
    const e = apiError('list pods', 'https://***@127.0.0.1:1', {
      message: 'request to https://admin:hunter2secret@127.0.0.1:1/api/v1/pods failed',
    });
    expect(e.message).not.toContain('hunter2secret');
    expect(e.message).toContain('https://***@127.0.0.1:1/api/v1/pods');
  });
});
