/**
 * Each flannel fault of the catalogue (faults.ts) changes what a probe or the node read-back sees,
 * compared with what a correct flannel would program (the agent's fault-free plan).
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import { leftovers } from './cleanup.ts';
import type { FaultName } from './faults.ts';
import { diffNodeState } from './flannel/readBack.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

const labs: LabTarget[] = [];

async function faultyLab(backend: FlannelBackendType, fault: FaultName) {
  const lab = createLabTarget({ backend, faults: [fault], labId: testLabId() });
  labs.push(lab);
  const realized = await lab.sync(
    labCluster(labNodes([0, 0]), [labPod('web', 'a', 'node-1'), labPod('web', 'b', 'node-2')]),
  );
  const ip = (k: string): string => realized.podIPs[k]?.[0] ?? '';
  const [probe] = await lab.probe(
    [{ id: 'ab', from: 'web/a', host: ip('web/b'), port: 80, protocol: 'TCP', timeoutMs: 1500 }],
    { concurrency: 1 },
  );
  const states = await lab.nodeStates();
  const intended = lab.intendedFlannelPlans();
  const diffs = intended.map((plan) => {
    const state = states.find((s) => s.node === plan.node);
    return state ? diffNodeState(plan, state, realized.clusterNetwork) : ['no state'];
  });
  return { realized, probe, states, diffs };
}

describe('lab flannel faults', { tags: ['lab'] }, () => {
  afterAll(async () => {
    for (const lab of labs) {
      await lab.teardown();
      expect(await leftovers(lab.labId)).toEqual([]);
    }
  });

  test('vxlan-fdb-missing: node 1 lacks the FDB entry for node 2, and its pods cannot reach node 2', async () => {
    const r = await faultyLab('vxlan', 'vxlan-fdb-missing');
    expect(r.diffs[0]?.some((d) => d.startsWith('fdb missing'))).toBe(true);
    expect(r.diffs[1]).toEqual([]);
    expect(r.probe?.outcome).not.toBe('connected');
  });

  test('hostgw-route-missing: node 1 lacks the route to node 2, and its pods cannot reach node 2', async () => {
    const r = await faultyLab('host-gw', 'hostgw-route-missing');
    expect(r.diffs[0]).toContain(
      `route missing: ${r.realized.nodeSubnets['node-2']} via ${r.realized.nodeIPs['node-2']} dev eth0`,
    );
    expect(r.probe?.outcome).not.toBe('connected');
  });

  test('mtu-no-overhead: flannel.1 and FLANNEL_MTU read 1500 instead of 1450 (docs/research/flannel.md §5.8)', async () => {
    const r = await faultyLab('vxlan', 'mtu-no-overhead');
    const vtep = r.states[0]?.links.find((l) => l.name === 'flannel.1');
    expect(vtep?.mtu).toBe(1500);
    expect(r.states[0]?.subnetEnv?.FLANNEL_MTU).toBe('1500');
    expect(r.diffs[0]).toContain('device flannel.1: mtu 1500, planned 1450');
  });

  test('duplicate-lease: two nodes hold the same subnet, and the pod on node 2 is unreachable by its IP', async () => {
    const r = await faultyLab('vxlan', 'duplicate-lease');
    expect(r.realized.nodeSubnets['node-1']).toBe(r.realized.nodeSubnets['node-2']);
    expect(r.states[0]?.subnetEnv?.FLANNEL_SUBNET).toBe(r.states[1]?.subnetEnv?.FLANNEL_SUBNET);
    expect(r.diffs[1]?.some((d) => d.startsWith('subnet.env FLANNEL_SUBNET'))).toBe(true);
    expect(r.probe?.servedBy).not.toBe('web/b');
  });
});
