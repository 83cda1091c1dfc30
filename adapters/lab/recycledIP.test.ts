/**
 * host-local hands a freed pod IP out again; the node and the pods beside it must not keep the old
 * pod's MAC for it (ARP), or traffic to the new pod times out. A /28 lease makes IPs recycle quickly.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { leftovers } from './cleanup.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

describe('lab recycled pod IPs', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterAll(async () => {
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('a new pod on a recycled IP is reachable from another node and from a pod beside it', async () => {
    lab = createLabTarget({
      labId: testLabId(),
      netConf: { Network: '10.244.0.0/16', SubnetLen: 28, Backend: { Type: 'vxlan' } },
    });
    const nodes = labNodes([0, 0]);
    const client = labPod('c', 'remote', 'node-2');
    const neighbour = labPod('c', 'beside', 'node-1');
    const probe = async (to: string, from: string) => {
      const realized = await lab!.sync(labCluster(nodes, current));
      const host = realized.podIPs[to]?.[0] ?? '';
      const [r] = await lab!.probe([{ id: 'p', from, host, port: 80, protocol: 'TCP', timeoutMs: 2000 }], {
        concurrency: 1,
      });
      return { host, outcome: r?.outcome };
    };
    let current = [client, neighbour, labPod('w', 'p0', 'node-1')];
    const first = await probe('w/p0', 'c/remote');
    expect(first.outcome).toBe('connected');
    expect((await probe('w/p0', 'c/beside')).outcome).toBe('connected');
    // Replace the pod until its IP comes round again (a /28 holds 13 pod addresses).
    for (let i = 1; i < 40; i++) {
      current = [client, neighbour, labPod('w', `p${i}`, 'node-1')];
      const realized = await lab.sync(labCluster(nodes, current));
      if (realized.podIPs[`w/p${i}`]?.[0] !== first.host) continue;
      expect((await probe(`w/p${i}`, 'c/remote')).outcome).toBe('connected');
      expect((await probe(`w/p${i}`, 'c/beside')).outcome).toBe('connected');
      return;
    }
    throw new Error(`the IP ${first.host} never came round again`);
  });
});
