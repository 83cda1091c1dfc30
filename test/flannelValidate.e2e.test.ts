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

  test('usage errors exit 2: missing file, bad option value', async () => {
    expect((await podnet('missing.json')).exitCode).toBe(2);
    expect((await podnet('vxlan.json', '--subnet-manager', 'consul')).exitCode).toBe(2);
    expect((await podnet()).exitCode).toBe(2);
  });
});
