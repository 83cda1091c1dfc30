/**
 * What a live cluster's flannel runs, read from the ConfigMap flannel's manifest deploys
 * (flannel-io/flannel Documentation/kube-flannel.yml: kube-flannel/kube-flannel-cfg, key net-conf.json;
 * kube-system before v0.20) and from the nodes' leases (spec.podCIDR).
 */
import type { V1Node } from '@kubernetes/client-node';
import { ApiException } from '@kubernetes/client-node';
import { describe, expect, test } from 'vitest';
import { clusterFlannelOf, readFlannelNetConf } from './clusterFlannel.ts';
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
      source: 'ConfigMap kube-system/kube-flannel-cfg',
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
  const conf = { netConf: { Network: '10.244.0.0/16' }, source: 'ConfigMap kube-flannel/kube-flannel-cfg' };

  test('every leased node usable: the node count and the allocator mask of the leases', () => {
    const nodes = [node('b', '10.244.1.0/25'), node('a', '10.244.0.0/25')];
    expect(clusterFlannelOf(conf, nodes, nodes.map(realNodeOf))).toEqual({
      ok: true,
      netConf: conf.netConf,
      source: conf.source,
      nodes: 2,
      nodeMask: 25,
    });
  });

  test('a leased node where pods cannot run, or none leased: unsupported, naming why', () => {
    const nodes = [node('a', '10.244.0.0/24'), node('cp', '10.244.1.0/24', false)];
    expect(clusterFlannelOf(conf, nodes, [realNodeOf(nodes[0] as V1Node)])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/node\(s\) cp hold a lease/),
    });
    expect(clusterFlannelOf(conf, [node('a')], [realNodeOf(node('a'))])).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no node has a spec.podCIDR/),
    });
  });
});
