// `podnet flannel validate` through the real binary in a temp dir (rules: pkg/subnet/config.go).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';

const BIN = resolve(import.meta.dirname, '..', 'bin', 'podnet.js');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'podnet-flannel-'));
  await writeFile(join(dir, 'no-backend.json'), '{"Network": "10.244.0.0/16"}\n');
  await writeFile(
    join(dir, 'vxlan.json'),
    '{"network": "10.244.7.9/16", "backend": {"type": "vxlan", "VNI": 4}}\n',
  );
  await writeFile(join(dir, 'small.json'), '{"Network": "10.1.0.0/29", "Backend": {"Type": "vxlan"}}\n');
  await writeFile(join(dir, 'everything.json'), '{"Network": "0.0.0.0/0", "Backend": {"Type": "vxlan"}}\n');
  await writeFile(join(dir, 'float.json'), '{"Network": "10.244.0.0/16", "SubnetLen": 24.0}\n');
  await writeFile(
    join(dir, 'subnetlen.json'),
    '{"Network": "10.3.0.0/16", "SubnetLen": 31, "Backend": {"Type": "host-gw"}}\n',
  );
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const podnet = (...args: string[]) =>
  execa('node', [BIN, 'flannel', 'validate', ...args], { cwd: dir, reject: false });

describe('podnet flannel validate', { tags: ['e2e'] }, () => {
  test('no Backend: backend udp, said explicitly in text and JSON (code says udp, docs say vxlan)', async () => {
    const text = await podnet('no-backend.json');
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(
      /Backend\s+udp \(Backend is absent: flannel's code defaults to udp, although its docs say vxlan\)/,
    );
    const json = await podnet('no-backend.json', '--format', 'json');
    expect(json.exitCode).toBe(0);
    const doc = JSON.parse(json.stdout);
    expect(doc).toMatchObject({
      valid: true,
      subnetManager: 'kube',
      backend: 'udp',
      backendDefaulted: true,
      network: '10.244.0.0/16',
    });
    expect(doc.backendDefaultNote).toMatch(/udp.*vxlan/);
    // Kube mode does not use SubnetLen/Min/Max, so they are not printed.
    expect(doc.subnetLen).toBeUndefined();
  });

  test('etcd mode fills SubnetLen/Min/Max; keys are case-insensitive and host bits are masked', async () => {
    const r = await podnet('vxlan.json', '--subnet-manager', 'etcd', '--format', 'json');
    expect(r.exitCode).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc).toMatchObject({
      backend: 'vxlan',
      network: '10.244.0.0/16',
      subnetLen: 24,
      subnetMin: '10.244.1.0',
      subnetMax: '10.244.255.0',
      backendOptions: { vni: 4, effectivePort: 8472 },
    });
  });

  test("flannel's error with exit code 2 (etcd CheckNetworkConfig)", async () => {
    const r = await podnet('small.json', '--subnet-manager', 'etcd');
    expect(r.exitCode).toBe(2);
    expect(r.stderr).toContain('network is too small. Minimum useful network prefix is /28');
    const j = await podnet('subnetlen.json', '--subnet-manager', 'etcd', '--format', 'json');
    expect(j.exitCode).toBe(2);
    expect(JSON.parse(j.stdout)).toMatchObject({ valid: false, error: 'SubnetLen must be less than /31' });
  });

  test('kube mode (default) accepts what only etcd checks, and says SubnetLen is ignored', async () => {
    const r = await podnet('subnetlen.json');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toContain('SubnetLen ignored');
  });

  test('every result names the flannel release it was read as (default v0.28.9)', async () => {
    const text = await podnet('no-backend.json');
    expect(text.stdout).toMatch(/^no-backend.json: valid for flannel v0.28.9 with the kube subnet manager/);
    const json = JSON.parse((await podnet('no-backend.json', '--format', 'json')).stdout);
    expect(json.flannelVersion).toBe('v0.28.9');
    const rejected = await podnet('float.json');
    expect(rejected.exitCode).toBe(2);
    expect(rejected.stderr).toContain(
      'flannel v0.28.9 rejects this config (kube subnet manager): json: cannot unmarshal number 24.0 into Go struct field Config.SubnetLen of type uint',
    );
  });

  test('--flannel-version picks the release: Network 0.0.0.0/0 runs on v0.27.4, fails the lease from v0.28.0 (kube.go AcquireLease)', async () => {
    const old = await podnet('everything.json', '--flannel-version', 'v0.27.4', '--format', 'json');
    expect(old.exitCode).toBe(0);
    expect(JSON.parse(old.stdout)).toMatchObject({
      valid: true,
      flannelVersion: 'v0.27.4',
      network: '0.0.0.0/0',
    });
    const now = await podnet('everything.json', '--flannel-version', '0.28.0', '--format', 'json');
    expect(now.exitCode).toBe(2);
    expect(JSON.parse(now.stdout)).toMatchObject({ valid: false, flannelVersion: 'v0.28.0' });
  });

  test('--flannel-version is checked: the error names the flag and the accepted form', async () => {
    const bad = await podnet('vxlan.json', '--flannel-version', 'latest');
    expect(bad.exitCode).toBe(2);
    expect(bad.stderr).toMatch(
      /--flannel-version: "latest" is not a flannel release: write vMAJOR\.MINOR\.PATCH/,
    );
    const old = await podnet('vxlan.json', '--flannel-version', 'v0.19.2');
    expect(old.exitCode).toBe(2);
    expect(old.stderr).toMatch(
      /--flannel-version: flannel v0.19.2 is older than podnet models \(v0.20.0 and later\)/,
    );
  });

  test('usage errors exit 2: missing file, bad option value', async () => {
    expect((await podnet('missing.json')).exitCode).toBe(2);
    expect((await podnet('vxlan.json', '--subnet-manager', 'consul')).exitCode).toBe(2);
    expect((await podnet()).exitCode).toBe(2);
  });
});
