// kubeconfig is read as kubectl reads it: --kubeconfig over KUBECONFIG (a list, first file wins) over
// ~/.kube/config over in-cluster; --context picks a context; every problem is a target error (exit 3).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PodnetTargetError } from '../../spec/errors.ts';
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
  test('an unknown context, a missing file, and no config at all are target errors that say what to do', () => {
    expect(() => loadKubeConfig({ kubeconfig: a, context: 'gamma' })).toThrow(
      /context "gamma" is not in the kubeconfig/,
    );
    expect(() => loadKubeConfig({ kubeconfig: join(dir, 'missing.yaml') })).toThrow(PodnetTargetError);
    expect(() => loadKubeConfig({ env: { HOME: home } })).toThrow(/no kubeconfig found/);
  });
  test('without files, inside a pod, the in-cluster service account is used (when its token exists)', () => {
    const src = kubeconfigSource({ env: { HOME: home, KUBERNETES_SERVICE_HOST: '10.96.0.1' } });
    // This machine is not a pod: the token file is absent, so nothing is found.
    expect(src).toEqual({ kind: 'none' });
  });
});
