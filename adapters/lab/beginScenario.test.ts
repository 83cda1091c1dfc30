/**
 * beginScenario restarts the lab's policy agent: rules a buggy agent left behind (stale-on-delete) do not
 * leak into the next scenario, so each counterexample replays on a fresh lab.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { NetworkPolicy } from '../../spec/model.ts';
import { leftovers } from './cleanup.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

describe('lab beginScenario', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterAll(async () => {
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('a stale rule from a deleted policy survives a sync but not a new scenario', async () => {
    lab = createLabTarget({ labId: testLabId(), faults: ['stale-on-delete'] });
    const nodes = labNodes([0, 0]);
    const a = labPod('web', 'a', 'node-1');
    const b = labPod('web', 'b', 'node-2');
    const denyAll: NetworkPolicy = {
      namespace: 'web',
      name: 'deny',
      podSelector: {},
      policyTypes: ['Ingress'],
    };
    const probeB = async (): Promise<string> => {
      const realized = await lab!.sync(labCluster(nodes, [a, b]));
      const host = realized.podIPs['web/b']?.[0] ?? '';
      const [r] = await lab!.probe(
        [{ id: 'a-b', from: 'web/a', host, port: 80, protocol: 'TCP', timeoutMs: 1500 }],
        {
          concurrency: 1,
        },
      );
      return r?.outcome ?? 'none';
    };
    await lab.sync({ ...labCluster(nodes, [a, b]), policies: [denyAll] });
    expect(await probeB()).not.toBe('connected'); // the fault keeps the deleted policy's rules
    await lab.beginScenario();
    expect(await probeB()).toBe('connected');
  });
});
