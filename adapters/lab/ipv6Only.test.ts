/**
 * The IPv6-only lab (ipFamily 'ipv6'): flannel with an IPv6-only net-conf (EnableIPv4 false, EnableIPv6,
 * IPv6Network; docs/research/flannel.md §1.1, §3.2): pods hold one IPv6 address and nothing IPv4, vxlan makes
 * only flannel-v6.<VNI>, host-gw only IPv6 routes, subnet.env only the IPv6 keys, ip6tables masquerade.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Cluster, NetworkPolicy } from '../../spec/model.ts';
import type { FlannelBackendType, Realized } from '../../spec/scenario.ts';
import type { ProbeRequest } from '../../spec/target.ts';
import { leftovers } from './cleanup.ts';
import { run } from './exec.ts';
import { diffNodeState } from './flannel/readBack.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

const labs: LabTarget[] = [];

const PODS = [labPod('web', 'a', 'node-1'), labPod('web', 'c', 'node-1'), labPod('web', 'b', 'node-2')];

async function ipv6Lab(backend: FlannelBackendType) {
  const lab = createLabTarget({ backend, ipFamily: 'ipv6', labId: testLabId() });
  labs.push(lab);
  const realized = await lab.sync(labCluster(labNodes([0, 0]), PODS));
  return { lab, realized };
}

function tcp(id: string, from: string, host: string | undefined): ProbeRequest {
  return { id, from, host: host as string, port: 80, protocol: 'TCP', timeoutMs: 2000 };
}

/** Outcome and source seen of a → c (same node), a → b (across nodes), and b → a over UDP. */
async function podToPod(lab: LabTarget, realized: Realized): Promise<string[][]> {
  const ip = (key: string) => realized.podIPs[key]?.[0];
  const results = await lab.probe(
    [
      tcp('same-node', 'web/a', ip('web/c')),
      tcp('cross-node', 'web/a', ip('web/b')),
      { id: 'udp', from: 'web/b', host: ip('web/a') as string, port: 81, protocol: 'UDP', timeoutMs: 2000 },
    ],
    { concurrency: 3 },
  );
  return results.map((r) => [r.id, r.outcome, r.sourceSeen ?? '']);
}

function ingressToB(name: string, peers: NonNullable<NetworkPolicy['ingress']>[number]['peers']): Cluster {
  const policy: NetworkPolicy = {
    namespace: 'web',
    name,
    podSelector: { matchLabels: { app: 'b' } },
    policyTypes: ['Ingress'],
    ingress: peers === undefined ? [] : [{ peers }],
  };
  return { ...labCluster(labNodes([0, 0]), PODS), policies: [policy] };
}

describe('IPv6-only lab', { tags: ['lab'] }, () => {
  afterAll(async () => {
    for (const lab of labs) {
      await lab.teardown();
      expect(await leftovers(lab.labId)).toEqual([]);
    }
  });

  test.each(['vxlan', 'host-gw'] as const)(
    '%s: pods hold exactly one IPv6 address; probes connect within and across nodes; the way out is masqueraded to the node; the read-back matches the plan',
    async (backend) => {
      const { lab, realized } = await ipv6Lab(backend);
      expect(realized.podIPs).toEqual({
        'web/a': ['fd00:10:244::2'],
        'web/c': ['fd00:10:244::3'],
        'web/b': ['fd00:10:244:1::2'],
      });
      // The primary family is IPv6: the top-level fields hold it, and there is no secondary side.
      expect(realized).toMatchObject({
        clusterNetwork: 'fd00:10:244::/56',
        nodeSubnets: { 'node-1': 'fd00:10:244::/64', 'node-2': 'fd00:10:244:1::/64' },
        nodeIPs: { 'node-1': 'fd00:192:168:100::10', 'node-2': 'fd00:192:168:100::11' },
        outsideNetwork: 'fd00:192:168:200::/64',
        outsideServer: { ip: 'fd00:192:168:200::10', port: 80, protocol: 'TCP' },
        serviceIPs: {},
      });
      expect(realized.ipv6).toBeUndefined();
      expect(await lab.capabilities()).toMatchObject({ ipv6: true, ipFamilies: [6], proxyModes: [] });
      expect(await podToPod(lab, realized)).toEqual([
        ['same-node', 'connected', 'fd00:10:244::2'],
        ['cross-node', 'connected', 'fd00:10:244::2'],
        ['udp', 'connected', 'fd00:10:244:1::2'],
      ]);
      // flannel's ip6tables FLANNEL-POSTRTG masquerades the way out to the node's public-ipv6.
      const [out] = await lab.probe([tcp('out', 'web/a', realized.outsideServer?.ip)], { concurrency: 1 });
      expect([out?.outcome, out?.servedBy, out?.sourceSeen]).toEqual([
        'connected',
        'outside/server',
        'fd00:192:168:100::10',
      ]);
      // Nothing IPv4 in any pod namespace: no address but loopback's.
      const netns = lab.podNetns('web/a') as string;
      const v4 = JSON.parse(await run(['ip', '-n', netns, '-4', '-j', 'addr', 'show', 'dev', 'eth0'])) as {
        addr_info?: unknown[];
      }[];
      expect(v4.flatMap((l) => l.addr_info ?? [])).toEqual([]);
      const states = await lab.nodeStates();
      const diffs = lab.intendedFlannelPlans().map((plan) => {
        const state = states.find((s) => s.node === plan.node);
        return state ? diffNodeState(plan, state, realized.clusterNetwork) : ['no state'];
      });
      expect(diffs).toEqual([[], []]);
      const [n1] = states;
      // EnableIPv4 false: no flannel.1, no IPv4 route or address on the node, subnet.env's IPv6 keys only.
      expect(n1?.links.map((l) => l.name)).not.toContain('flannel.1');
      expect(n1?.addresses.filter((a) => a.family === 'inet' && a.dev !== 'lo')).toEqual([]);
      expect(n1?.routes.filter((r) => r.dst !== 'default' && !r.dst.includes(':'))).toEqual([]);
      expect(n1?.subnetEnv).toEqual({
        FLANNEL_IPV6_NETWORK: 'fd00:10:244::/56',
        FLANNEL_IPV6_SUBNET: 'fd00:10:244::1/64',
        FLANNEL_MTU: backend === 'vxlan' ? '1450' : '1500',
        FLANNEL_IPMASQ: 'true',
      });
      expect(Object.keys(n1?.annotations ?? {}).sort()).toEqual([
        'flannel.alpha.coreos.com/backend-type',
        'flannel.alpha.coreos.com/backend-v6-data',
        'flannel.alpha.coreos.com/kube-subnet-manager',
        'flannel.alpha.coreos.com/public-ipv6',
      ]);
      if (backend === 'vxlan') {
        expect(n1?.links.find((l) => l.name === 'flannel-v6.1')).toMatchObject({
          kind: 'vxlan',
          vxlan: { id: 1, local: 'fd00:192:168:100::10' },
        });
      } else {
        expect(n1?.routes).toContainEqual({
          dst: 'fd00:10:244:1::/64',
          gateway: 'fd00:192:168:100::11',
          dev: 'eth0',
          onlink: false,
        });
      }
    },
  );

  test('the policy agent enforces on IPv6: deny-all refuses, a pod-selector policy admits the selected pod only', async () => {
    const { lab, realized } = await ipv6Lab('vxlan');
    const b = realized.podIPs['web/b']?.[0];
    const outcomes = async () =>
      (await lab.probe([tcp('a', 'web/a', b), tcp('c', 'web/c', b)], { concurrency: 2 })).map(
        (r) => r.outcome,
      );
    expect(await outcomes()).toEqual(['connected', 'connected']);
    await lab.sync(ingressToB('deny', undefined));
    expect(await outcomes()).toEqual(['refused', 'refused']);
    await lab.sync(ingressToB('from-a', [{ podSelector: { matchLabels: { app: 'a' } } }]));
    expect(await outcomes()).toEqual(['connected', 'refused']);
  });

  test('udp is refused (flannel has no IPv6 for it); Services are refused (no IPv6 service proxy)', async () => {
    expect(() => createLabTarget({ backend: 'udp', ipFamily: 'ipv6', labId: testLabId() })).toThrow(
      /udp backend has no IPv6/,
    );
    const lab = createLabTarget({ ipFamily: 'ipv6', labId: testLabId() });
    labs.push(lab);
    const cluster: Cluster = {
      ...labCluster(labNodes([0]), [labPod('web', 'a', 'node-1')]),
      services: [
        {
          namespace: 'web',
          name: 'svc',
          selector: { app: 'a' },
          ports: [{ port: 80, targetPort: 80, protocol: 'TCP' }],
          sessionAffinity: 'None',
          affinityTimeoutSeconds: 10800,
        },
      ],
    };
    await expect(lab.sync(cluster)).rejects.toThrow(/IPv6-only lab has no service proxy/);
  });
});
