/**
 * host-gw needs L2 adjacency (docs/research/flannel.md §5.2): a peer on another segment gets no route, and
 * its pods are unreachable; vxlan crosses the router between segments.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { leftovers } from './cleanup.ts';
import { diffNodeState } from './flannel/readBack.ts';
import { createLabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

describe('lab host-gw across two segments', { tags: ['lab'] }, () => {
  const labs: ReturnType<typeof createLabTarget>[] = [];
  afterAll(async () => {
    for (const lab of labs) {
      await lab.teardown();
      expect(await leftovers(lab.labId)).toEqual([]);
    }
  });

  for (const backend of ['host-gw', 'vxlan'] as const) {
    test(`${backend}: a peer on the other segment is ${backend === 'host-gw' ? 'unreachable' : 'reachable'}`, async () => {
      const lab = createLabTarget({ backend, segments: 2, labId: testLabId() });
      labs.push(lab);
      const realized = await lab.sync(
        labCluster(labNodes([0, 1, 0]), [
          labPod('web', 'a', 'node-1'),
          labPod('web', 'b', 'node-2'),
          labPod('web', 'c', 'node-3'),
        ]),
      );
      const ip = (k: string): string => realized.podIPs[k]?.[0] ?? '';
      const results = await lab.probe(
        [
          { id: 'cross', from: 'web/a', host: ip('web/b'), port: 80, protocol: 'TCP', timeoutMs: 1500 },
          { id: 'same', from: 'web/a', host: ip('web/c'), port: 80, protocol: 'TCP', timeoutMs: 1500 },
        ],
        { concurrency: 2 },
      );
      const byId = Object.fromEntries(results.map((r) => [r.id, r]));
      expect(byId.same?.outcome).toBe('connected');
      if (backend === 'host-gw') expect(byId.cross?.outcome).not.toBe('connected');
      else expect(byId.cross?.outcome).toBe('connected');

      const [state] = await lab.nodeStates();
      const subnetB = realized.nodeSubnets['node-2'];
      const hasRoute = state?.routes.some((r) => r.dst === subnetB) ?? false;
      expect(hasRoute).toBe(backend === 'vxlan');
      const plan = lab.flannelPlans()[0];
      if (plan && state) expect(diffNodeState(plan, state, realized.clusterNetwork)).toEqual([]);
    });
  }

  test('vxlan DirectRouting: same-segment peer routed via its public IP, cross-segment peer via flannel.1 (docs/research/flannel.md §5.1)', async () => {
    const lab = createLabTarget({
      netConf: { Network: '10.244.0.0/16', Backend: { Type: 'vxlan', DirectRouting: true } },
      labId: testLabId(),
    });
    labs.push(lab);
    const realized = await lab.sync(
      labCluster(labNodes([0, 1, 0]), [
        labPod('web', 'a', 'node-1'),
        labPod('web', 'b', 'node-2'),
        labPod('web', 'c', 'node-3'),
      ]),
    );
    const ip = (k: string): string => realized.podIPs[k]?.[0] ?? '';
    const results = await lab.probe(
      ['web/b', 'web/c'].map((to) => ({
        id: to,
        from: 'web/a',
        host: ip(to),
        port: 80,
        protocol: 'TCP' as const,
        timeoutMs: 2000,
      })),
      { concurrency: 2 },
    );
    for (const r of results)
      expect(r).toMatchObject({ outcome: 'connected', servedBy: r.id, sourceSeen: ip('web/a') });
    const [state] = await lab.nodeStates();
    expect(state?.routes).toContainEqual(
      expect.objectContaining({
        dst: realized.nodeSubnets['node-3'],
        gateway: realized.nodeIPs['node-3'],
        dev: 'eth0',
      }),
    );
    expect(state?.routes).toContainEqual(
      expect.objectContaining({ dst: realized.nodeSubnets['node-2'], dev: 'flannel.1', onlink: true }),
    );
    const plan = lab.flannelPlans()[0];
    if (plan && state) expect(diffNodeState(plan, state, realized.clusterNetwork)).toEqual([]);
  });
});
