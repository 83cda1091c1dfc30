/**
 * The policy agent on a dual-stack lab (issue 20), and the lab's IPv6 faults. Kubernetes API text
 * (networking/v1 types.go, IPBlock): an ipBlock describes "particular CIDRs"; a CIDR of one family holds no
 * address of the other, so a v4 ipBlock admits a peer's IPv4 connections only. Pod selectors name pods,
 * so they admit both of a selected peer's addresses.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Cluster, NetworkPolicy } from '../../spec/model.ts';
import type { Realized } from '../../spec/scenario.ts';
import { leftovers } from './cleanup.ts';
import type { FaultName } from './faults.ts';
import { diffNodeState } from './flannel/readBack.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

const labs: LabTarget[] = [];

const PODS = [labPod('web', 'a', 'node-1'), labPod('web', 'b', 'node-2')];

function ingressToB(
  name: string,
  peers: NonNullable<NetworkPolicy['ingress']>[number]['peers'],
): NetworkPolicy {
  return {
    namespace: 'web',
    name,
    podSelector: { matchLabels: { app: 'b' } },
    policyTypes: ['Ingress'],
    ingress: peers === undefined ? [] : [{ peers }],
  };
}

async function dualLab(faults: FaultName[] = []) {
  const lab = createLabTarget({ ipFamily: 'dual', faults, labId: testLabId() });
  labs.push(lab);
  const realized = await lab.sync(labCluster(labNodes([0, 0]), PODS));
  return { lab, realized };
}

/** Outcomes of a TCP probe a → b over IPv4 and over IPv6. */
async function aToB(lab: LabTarget, realized: Realized): Promise<[string, string]> {
  const [b4, b6] = realized.podIPs['web/b'] ?? [];
  const results = await lab.probe(
    [
      { id: 'v4', from: 'web/a', host: b4 as string, port: 80, protocol: 'TCP', timeoutMs: 1500 },
      { id: 'v6', from: 'web/a', host: b6 as string, port: 80, protocol: 'TCP', timeoutMs: 1500 },
    ],
    { concurrency: 2 },
  );
  return [results[0]?.outcome ?? 'none', results[1]?.outcome ?? 'none'];
}

function withPolicy(policy: NetworkPolicy): Cluster {
  return { ...labCluster(labNodes([0, 0]), PODS), policies: [policy] };
}

describe('dual-stack policy agent and IPv6 faults', { tags: ['lab'] }, () => {
  afterAll(async () => {
    for (const lab of labs) {
      await lab.teardown();
      expect(await leftovers(lab.labId)).toEqual([]);
    }
  });

  test("ipBlocks apply to their own family; a pod selector admits both of the peer's addresses (networking/v1 types.go IPBlock)", async () => {
    const { lab, realized } = await dualLab();
    const [a4, a6] = realized.podIPs['web/a'] ?? [];
    expect(await aToB(lab, realized)).toEqual(['connected', 'connected']);
    // Only a v4 ipBlock holding a: v4 admitted, v6 denied.
    await lab.sync(withPolicy(ingressToB('v4-block', [{ ipBlock: { cidr: `${a4}/32` } }])));
    expect(await aToB(lab, realized)).toEqual(['connected', 'refused']);
    // Only a v6 ipBlock holding a: the other way round.
    await lab.sync(withPolicy(ingressToB('v6-block', [{ ipBlock: { cidr: `${a6}/128` } }])));
    expect(await aToB(lab, realized)).toEqual(['refused', 'connected']);
    // A pod selector: both families.
    await lab.sync(withPolicy(ingressToB('by-label', [{ podSelector: { matchLabels: { app: 'a' } } }])));
    expect(await aToB(lab, realized)).toEqual(['connected', 'connected']);
    // Deny all ingress: neither.
    await lab.sync(withPolicy(ingressToB('deny', undefined)));
    expect(await aToB(lab, realized)).toEqual(['refused', 'refused']);
  });

  // Pods on one node meet on the bridge, where their neighbour discovery crosses the policy agent's chains
  // (br_netfilter): c answers a's solicitation with a unicast advert, which is egress from c. RFC 4890 §4.4.1:
  // neighbour discovery must not be filtered, or an egress-isolated pod could not answer any IPv6 peer.
  test('an egress-isolated pod still answers a peer on its own node over IPv6 (neighbour discovery passes)', async () => {
    const lab = createLabTarget({ ipFamily: 'dual', labId: testLabId() });
    labs.push(lab);
    const pods = [labPod('web', 'a', 'node-1'), labPod('web', 'c', 'node-1')];
    const cluster = labCluster(labNodes([0, 0]), pods);
    const realized = await lab.sync({
      ...cluster,
      policies: [
        {
          namespace: 'web',
          name: 'c-no-egress',
          podSelector: { matchLabels: { app: 'c' } },
          policyTypes: ['Egress'],
          egress: [],
        },
      ],
    });
    const [c4, c6] = realized.podIPs['web/c'] ?? [];
    const results = await lab.probe(
      [
        { id: 'v4', from: 'web/a', host: c4 as string, port: 80, protocol: 'TCP', timeoutMs: 1500 },
        { id: 'v6', from: 'web/a', host: c6 as string, port: 80, protocol: 'TCP', timeoutMs: 1500 },
      ],
      { concurrency: 2 },
    );
    expect(results.map((r) => r.outcome)).toEqual(['connected', 'connected']);
  });

  test('ipv6-policy-missing: an isolated pod refuses IPv4 but IPv6 passes', async () => {
    const { lab, realized } = await dualLab(['ipv6-policy-missing']);
    await lab.sync(withPolicy(ingressToB('deny', undefined)));
    expect(await aToB(lab, realized)).toEqual(['refused', 'connected']);
  });

  test('ipv6-except-ignored: an except that removes the peer works for IPv4 but not for IPv6', async () => {
    const { lab, realized } = await dualLab(['ipv6-except-ignored']);
    const [a4, a6] = realized.podIPs['web/a'] ?? [];
    await lab.sync(
      withPolicy(
        ingressToB('except-a', [
          { ipBlock: { cidr: realized.clusterNetwork, except: [`${a4}/32`] } },
          { ipBlock: { cidr: realized.ipv6?.clusterNetwork as string, except: [`${a6}/128`] } },
        ]),
      ),
    );
    expect(await aToB(lab, realized)).toEqual(['refused', 'connected']);
  });

  test("flannel-v6-route-missing: node-1 lacks the IPv6 route to node-2's lease; IPv4 crosses, IPv6 does not", async () => {
    const { lab, realized } = await dualLab(['flannel-v6-route-missing']);
    expect(await aToB(lab, realized)).toEqual(['connected', expect.not.stringMatching(/^connected$/)]);
    const states = await lab.nodeStates();
    const diffs = lab.intendedFlannelPlans().map((plan) => {
      const state = states.find((s) => s.node === plan.node);
      return state ? diffNodeState(plan, state, realized.clusterNetwork, realized.ipv6?.clusterNetwork) : [];
    });
    const lease = realized.ipv6?.nodeSubnets['node-2'] as string;
    expect(diffs[0]).toEqual([
      `route missing: ${lease} via ${lease.replace(/\/64$/, '')} dev flannel-v6.1 onlink`,
    ]);
    expect(diffs[1]).toEqual([]);
  });
});
