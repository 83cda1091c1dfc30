/**
 * What a live cluster's flannel runs, read from the ConfigMap flannel's manifest deploys
 * (flannel-io/flannel Documentation/kube-flannel.yml: kube-flannel/kube-flannel-cfg, key net-conf.json;
 * kube-system before v0.20), from the nodes' leases (spec.podCIDR), and the release from the image tag of
 * the DaemonSet beside it (kube-flannel.yml: kube-flannel-ds, container kube-flannel).
 */
import type { V1Node } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { clusterFlannelOf, readFlannelNetConf, readFlannelVersion } from './clusterFlannel.ts';
import { realNodeOf } from './nodeMapping.ts';

type Maps = Record<string, Record<string, string> | 403>;

function core(maps: Maps) {
  const asked: string[] = [];
  return {
    asked,
    api: {
      async readNamespacedConfigMap(p: { namespace: string; name: string }) {
        const key = `${p.namespace}/${p.name}`;
        asked.push(key);
        const m = maps[key];
        if (m === undefined) throw new ApiException(404, 'not found', '{}', {});
        if (m === 403) throw new ApiException(403, 'forbidden', '{}', {});
        return { data: m };
      },
    } as never,
  };
}

const NET_CONF = '{"Network": "10.244.0.0/16", "Backend": {"Type": "host-gw"}}';

describe('readFlannelNetConf', () => {
  test('kube-flannel first, then kube-system (the layout before v0.20)', async () => {
    const c = core({ 'kube-system/kube-flannel-cfg': { 'net-conf.json': NET_CONF } });
    const r = await readFlannelNetConf(c.api, 'https://x');
    expect(r).toEqual({
      ok: true,
      netConf: { Network: '10.244.0.0/16', Backend: { Type: 'host-gw' } },
      // The bytes as stored: flannel decodes them (a re-serialization would turn 24.0 into 24).
      text: NET_CONF,
      source: 'ConfigMap kube-system/kube-flannel-cfg',
      namespace: 'kube-system',
    });
    expect(c.asked).toEqual(['kube-flannel/kube-flannel-cfg', 'kube-system/kube-flannel-cfg']);
  });

  test('no ConfigMap, a forbidden one, a missing key, text that is not a JSON object: each says why', async () => {
    const none = await readFlannelNetConf(core({}).api, 'https://x');
    expect(none).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not deployed from kube-flannel.yml/),
    });
    const denied = await readFlannelNetConf(core({ 'kube-flannel/kube-flannel-cfg': 403 }).api, 'https://x');
    expect(denied).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/not allowed to read ConfigMap kube-flannel/),
    });
    const noKey = await readFlannelNetConf(core({ 'kube-flannel/kube-flannel-cfg': {} }).api, 'https://x');
    expect(noKey).toMatchObject({ ok: false, reason: expect.stringMatching(/no net-conf.json key/) });
    const bad = await readFlannelNetConf(
      core({ 'kube-flannel/kube-flannel-cfg': { 'net-conf.json': '{"Network": ' } }).api,
      'https://x',
    );
    expect(bad).toMatchObject({ ok: false, reason: expect.stringMatching(/is not JSON/) });
    const list = await readFlannelNetConf(
      core({ 'kube-flannel/kube-flannel-cfg': { 'net-conf.json': '[1]' } }).api,
      'https://x',
    );
    expect(list).toMatchObject({ ok: false, reason: expect.stringMatching(/not a JSON object/) });
  });
});

function node(name: string, podCIDR?: string, ready = true): V1Node {
  return {
    metadata: { name },
    spec: podCIDR ? { podCIDR, podCIDRs: [podCIDR] } : {},
    status: {
      conditions: [{ type: 'Ready', status: ready ? 'True' : 'False' }],
      addresses: [{ type: 'InternalIP', address: '192.168.1.1' }],
    },
  } as V1Node;
}

describe('clusterFlannelOf', () => {
  const conf = {
    netConf: { Network: '10.244.0.0/16' },
    text: '{"Network": "10.244.0.0/16"}',
    source: 'ConfigMap kube-flannel/kube-flannel-cfg',
  };
  const version = { found: true, version: 'v0.26.1', source: 'tag' } as const;

  test('every leased node usable: the node count and the allocator mask of the leases', () => {
    const nodes = [node('b', '10.244.1.0/25'), node('a', '10.244.0.0/25')];
    expect(clusterFlannelOf(conf, nodes, nodes.map(realNodeOf), version)).toEqual({
      ok: true,
      netConf: conf.netConf,
      netConfText: conf.text,
      source: conf.source,
      flannelVersion: version,
      nodes: 2,
      nodeMask: 25,
    });
  });

  test('a leased node where pods cannot run, or none leased: unsupported, naming why', () => {
    const nodes = [node('a', '10.244.0.0/24'), node('cp', '10.244.1.0/24', false)];
    expect(clusterFlannelOf(conf, nodes, [realNodeOf(nodes[0] as V1Node)], version)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/node\(s\) cp hold a lease/),
    });
    expect(clusterFlannelOf(conf, [node('a')], [realNodeOf(node('a'))], version)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no node has a spec.podCIDR/),
    });
  });
});

/** A DaemonSet as kube-flannel.yml has it: the flannel CNI plugin as an init container, flanneld as `kube-flannel`. */
function daemonSet(
  name: string,
  image: string,
  initImage = 'ghcr.io/flannel-io/flannel-cni-plugin:v1.9.1-flannel3',
) {
  return {
    metadata: { name },
    spec: {
      template: {
        spec: {
          initContainers: [{ name: 'install-cni-plugin', image: initImage }],
          containers: [{ name: 'kube-flannel', image }],
        },
      },
    },
  };
}

function apps(items: unknown[] | 403 | 404) {
  const asked: string[] = [];
  return {
    asked,
    api: {
      async listNamespacedDaemonSet(p: { namespace: string }) {
        asked.push(p.namespace);
        if (items === 403 || items === 404) throw new ApiException(items, 'no', '{}', {});
        return { items };
      },
    } as never,
  };
}

describe('readFlannelVersion (the DaemonSet image tag)', () => {
  test("kube-flannel.yml's image tag names the release, read in the ConfigMap's namespace", async () => {
    const a = apps([daemonSet('kube-flannel-ds', 'ghcr.io/flannel-io/flannel:v0.26.1')]);
    expect(await readFlannelVersion(a.api, 'kube-flannel')).toEqual({
      found: true,
      version: 'v0.26.1',
      source: 'the image tag of DaemonSet kube-flannel/kube-flannel-ds (ghcr.io/flannel-io/flannel:v0.26.1)',
    });
    expect(a.asked).toEqual(['kube-flannel']);
  });

  test('other registries, a build suffix, a digest and a registry port do not confuse the tag', async () => {
    const read = async (image: string) =>
      readFlannelVersion(apps([daemonSet('ds', image)]).api, 'kube-system');
    expect(await read('rancher/mirrored-flannelcni-flannel:v0.20.2-k3s1.23')).toMatchObject({
      version: 'v0.20.2',
    });
    expect(await read('registry.local:5000/flannel/flannel:0.25.7@sha256:abc')).toMatchObject({
      version: 'v0.25.7',
    });
    expect(await read('quay.io/coreos/flannel:v0.15.1')).toMatchObject({ version: 'v0.15.1' });
  });

  test('when it cannot tell, it says why: no tag, a tag that is no release, no flannel DaemonSet, RBAC, no API', async () => {
    const read = async (items: unknown[] | 403 | 404) => readFlannelVersion(apps(items).api, 'kube-flannel');
    expect(await read([daemonSet('ds', 'ghcr.io/flannel-io/flannel@sha256:abc')])).toMatchObject({
      found: false,
      reason: expect.stringMatching(/names no release \(no tag\)/),
    });
    expect(await read([daemonSet('ds', 'ghcr.io/flannel-io/flannel:latest')])).toMatchObject({
      found: false,
      reason: expect.stringMatching(/tag "latest"/),
    });
    expect(await read([daemonSet('ds', 'nginx:1.27')])).toMatchObject({
      found: false,
      reason: 'no DaemonSet in kube-flannel runs a flannel image',
    });
    expect(await read(403)).toMatchObject({
      found: false,
      reason: expect.stringMatching(/not allowed to list DaemonSets/),
    });
    expect(await read(404)).toMatchObject({
      found: false,
      reason: expect.stringMatching(/no apps\/v1 DaemonSets/),
    });
  });

  test('two flannel DaemonSets on different releases: not one version, and it says which', async () => {
    const r = await readFlannelVersion(
      apps([
        daemonSet('kube-flannel-ds-amd64', 'quay.io/coreos/flannel:v0.21.0'),
        daemonSet('kube-flannel-ds-arm64', 'quay.io/coreos/flannel:v0.22.0'),
      ]).api,
      'kube-flannel',
    );
    expect(r).toMatchObject({ found: false, reason: expect.stringMatching(/different images/) });
  });
});
