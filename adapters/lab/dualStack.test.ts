/**
 * The dual-stack lab (ipFamily 'dual', issue 20): every pod holds an IPv4 and an IPv6 address, both
 * families cross nodes through flannel's vxlan (flannel.1, flannel-v6.1) and host-gw, and the node
 * read-back shows the IPv6 side as planned (flannel's vxlan_network.go / route_network.go, IPv6 half).
 */
import { afterAll, describe, expect, test } from 'vitest';
import { PodnetInputError } from '../../spec/errors.ts';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import { leftovers } from './cleanup.ts';
import { diffNodeState } from './flannel/readBack.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

const labs: LabTarget[] = [];

async function dualLab(backend: FlannelBackendType) {
  const lab = createLabTarget({ backend, ipFamily: 'dual', labId: testLabId() });
  labs.push(lab);
  const realized = await lab.sync(
    labCluster(labNodes([0, 0]), [labPod('web', 'a', 'node-1'), labPod('web', 'b', 'node-2')]),
  );
  return { lab, realized };
}

describe('dual-stack lab', { tags: ['lab'] }, () => {
  afterAll(async () => {
    for (const lab of labs) {
      await lab.teardown();
      expect(await leftovers(lab.labId)).toEqual([]);
    }
  });

  test.each(['vxlan', 'host-gw'] as const)(
    '%s: pods hold [v4, v6]; a v4 and a v6 probe across nodes connect, TCP and UDP, and the server sees the source pod address',
    async (backend) => {
      const { lab, realized } = await dualLab(backend);
      const [a4, a6] = realized.podIPs['web/a'] ?? [];
      const [b4, b6] = realized.podIPs['web/b'] ?? [];
      expect(a4).toMatch(/^10\.244\.0\.\d+$/);
      expect(a6).toMatch(/^fd00:10:244::\d+$/);
      expect(b6).toMatch(/^fd00:10:244:1::\d+$/);
      expect(await lab.capabilities()).toMatchObject({ ipv6: true, ipFamilies: [4, 6] });
      expect(realized.ipv6).toMatchObject({
        clusterNetwork: 'fd00:10:244::/56',
        nodeSubnets: { 'node-1': 'fd00:10:244::/64', 'node-2': 'fd00:10:244:1::/64' },
        nodeIPs: { 'node-1': 'fd00:192:168:100::10', 'node-2': 'fd00:192:168:100::11' },
      });
      const results = await lab.probe(
        [
          { id: 'v4', from: 'web/a', host: b4 as string, port: 80, protocol: 'TCP', timeoutMs: 2000 },
          { id: 'v6', from: 'web/a', host: b6 as string, port: 80, protocol: 'TCP', timeoutMs: 2000 },
          { id: 'v6udp', from: 'web/b', host: a6 as string, port: 81, protocol: 'UDP', timeoutMs: 2000 },
          // The way out over IPv6 leaves masqueraded to the node's public-ipv6 (flannel's ip6tables FLANNEL-POSTRTG).
          {
            id: 'v6out',
            from: 'web/a',
            host: realized.ipv6?.outsideServer?.ip as string,
            port: 80,
            protocol: 'TCP',
            timeoutMs: 2000,
          },
        ],
        { concurrency: 4 },
      );
      expect(results.map((r) => [r.id, r.outcome, r.servedBy, r.sourceSeen])).toEqual([
        ['v4', 'connected', 'web/b', a4],
        ['v6', 'connected', 'web/b', a6],
        ['v6udp', 'connected', 'web/a', b6],
        ['v6out', 'connected', 'outside/server', realized.ipv6?.nodeIPs['node-1']],
      ]);
      const states = await lab.nodeStates();
      const diffs = lab.intendedFlannelPlans().map((plan) => {
        const state = states.find((s) => s.node === plan.node);
        return state
          ? diffNodeState(plan, state, realized.clusterNetwork, realized.ipv6?.clusterNetwork)
          : ['no state'];
      });
      expect(diffs).toEqual([[], []]);
    },
  );

  test('vxlan: the IPv6 node state is read back: flannel-v6.1, its route, neighbour and FDB entry, subnet.env and annotations', async () => {
    const { lab, realized } = await dualLab('vxlan');
    const [n1] = await lab.nodeStates();
    const peerLease = realized.ipv6?.nodeSubnets['node-2'] as string;
    const peerVtep = peerLease.replace(/\/64$/, '');
    expect(n1?.links.find((l) => l.name === 'flannel-v6.1')).toMatchObject({
      kind: 'vxlan',
      mtu: 1430,
      vxlan: { id: 1, port: 8472, local: 'fd00:192:168:100::10', learning: false },
    });
    expect(n1?.addresses).toContainEqual({
      dev: 'flannel-v6.1',
      family: 'inet6',
      local: 'fd00:10:244::',
      prefixLength: 128,
    });
    expect(n1?.routes).toContainEqual({
      dst: peerLease,
      gateway: peerVtep,
      dev: 'flannel-v6.1',
      onlink: true,
    });
    const neighbour = n1?.neighbours.find((n) => n.dst === peerVtep);
    expect(neighbour).toMatchObject({ dev: 'flannel-v6.1', permanent: true });
    expect(n1?.fdb).toContainEqual(
      expect.objectContaining({ mac: neighbour?.lladdr, dev: 'flannel-v6.1', dst: 'fd00:192:168:100::11' }),
    );
    expect(n1?.subnetEnv).toMatchObject({
      FLANNEL_IPV6_NETWORK: 'fd00:10:244::/56',
      FLANNEL_IPV6_SUBNET: 'fd00:10:244::1/64',
    });
    expect(n1?.annotations).toMatchObject({
      'flannel.alpha.coreos.com/public-ipv6': 'fd00:192:168:100::10',
      'flannel.alpha.coreos.com/backend-v6-data': expect.stringMatching(/^\{"VNI":1,"VtepMAC":"0e:/),
    });
  });

  test('udp with an IPv6 side is refused naming net-conf Backend.Type: flannel has no IPv6 for udp', async () => {
    // --backend udp: at construction, before the lab exists.
    expect(() => createLabTarget({ backend: 'udp', ipFamily: 'dual', labId: testLabId() })).toThrow(
      /Backend\.Type[\s\S]*udp backend has no IPv6/,
    );
    // A net-conf naming udp given at sync: refused there, as a user error.
    const lab = createLabTarget({ ipFamily: 'dual', labId: testLabId() });
    labs.push(lab);
    const error = await lab
      .sync(labCluster(labNodes([0]), []), {
        netConf: { Network: '10.244.0.0/16', Backend: { Type: 'udp' } },
      })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PodnetInputError);
    expect((error as PodnetInputError).message).toMatch(/Backend\.Type[\s\S]*udp backend has no IPv6/);
  });

  test('ipFamily ipv6 (IPv6 only) is accepted: ipv6Only.test.ts builds it', () => {
    expect(createLabTarget({ ipFamily: 'ipv6' }).ipFamily).toBe('ipv6');
  });
});
