/**
 * Each flannel backend carries pod traffic between nodes, without NAT between pods, and masquerades
 * pod traffic leaving the cluster network (docs/research/flannel.md §5.1–§5.3, §6.1). The node read-back
 * matches what the lab's flannel agent planned.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import type { Realized } from '../../spec/scenario.ts';
import { leftovers } from './cleanup.ts';
import { diffNodeState } from './flannel/readBack.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';
import { OUTSIDE_SERVER_IP } from './topology.ts';

for (const backend of ['vxlan', 'host-gw', 'udp'] as const) {
  describe(`lab backend ${backend}`, { tags: ['lab'] }, () => {
    let lab: LabTarget;
    let realized: Realized;
    beforeAll(async () => {
      lab = createLabTarget({ backend, labId: testLabId() });
      realized = await lab.sync(
        labCluster(labNodes([0, 0]), [labPod('web', 'a', 'node-1'), labPod('web', 'b', 'node-2')]),
      );
    });
    afterAll(async () => {
      await lab.teardown();
      expect(await leftovers(lab.labId)).toEqual([]);
    });

    const ip = (key: string): string => realized.podIPs[key]?.[0] ?? '';

    test('a pod on node 1 reaches a pod on node 2 over TCP and UDP and is seen with its own IP', async () => {
      const results = await lab.probe(
        (['TCP', 'UDP'] as const).map((protocol) => ({
          id: protocol,
          from: 'web/a',
          host: ip('web/b'),
          port: protocol === 'TCP' ? 80 : 81,
          protocol,
          timeoutMs: 2000,
        })),
        { concurrency: 2 },
      );
      for (const r of results) {
        expect(r.outcome, `${r.id}: ${r.detail ?? ''}`).toBe('connected');
        expect(r.servedBy).toBe('web/b');
        expect(r.sourceSeen).toBe(ip('web/a'));
      }
    });

    test('a pod reaching the outside network is masqueraded to its node IP (FLANNEL-POSTRTG)', async () => {
      const [r] = await lab.probe(
        [{ id: 'out', from: 'web/a', host: OUTSIDE_SERVER_IP, port: 443, protocol: 'TCP', timeoutMs: 2000 }],
        { concurrency: 1 },
      );
      expect(r?.outcome).toBe('connected');
      expect(r?.servedBy).toBe('outside/server');
      expect(r?.sourceSeen).toBe(realized.nodeIPs['node-1']);
    });

    test('routes, neighbours, FDB, MTUs, subnet.env and annotations read back as planned', async () => {
      const states = await lab.nodeStates();
      const plans = lab.flannelPlans();
      expect(states.map((s) => s.node)).toEqual(plans.map((p) => p.node));
      for (const plan of plans) {
        const state = states.find((s) => s.node === plan.node);
        expect(state).toBeDefined();
        if (state) expect(diffNodeState(plan, state, realized.clusterNetwork)).toEqual([]);
      }
      // The plan itself says what flannel documents for this backend (docs/research/flannel.md §5.8).
      const mtu = { vxlan: '1450', 'host-gw': '1500', udp: '1472' }[backend];
      expect(plans[0]?.subnetEnv.FLANNEL_MTU).toBe(mtu);
      if (backend !== 'udp') expect(plans[0]?.routes.length).toBe(1);
    });
  });
}
