/**
 * The network model's node-side guarantees in the lab, and the two model faults that break them:
 * a node reaches its own pods whatever the policies (`node:<name>` probes run in the node's namespace),
 * pod-to-pod traffic between nodes keeps the source pod's IP (flannel's FLANNEL-POSTRTG RETURN rule), and
 * traffic to the outside server the lab reports leaves masqueraded to the node's address (MODEL-MASQUERADE).
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Cluster } from '../../spec/model.ts';
import type { ProbeRequest } from '../../spec/target.ts';
import { leftovers } from './cleanup.ts';
import type { FaultName } from './faults.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

const cluster: Cluster = {
  ...labCluster(labNodes([0, 0]), [labPod('web', 'a', 'node-1'), labPod('web', 'b', 'node-2')]),
  // Deny-all ingress for web/a.
  policies: [
    { namespace: 'web', name: 'deny', podSelector: { matchLabels: { app: 'a' } }, policyTypes: ['Ingress'] },
  ],
};

const labs: LabTarget[] = [];
async function labWith(faults: FaultName[]) {
  const lab = createLabTarget({ labId: testLabId(), faults });
  labs.push(lab);
  const realized = await lab.sync(cluster);
  const probe = async (from: string, to: string) => {
    const req: ProbeRequest = {
      id: 'p',
      from,
      host: realized.podIPs[to]?.[0] ?? '',
      port: 80,
      protocol: 'TCP',
      timeoutMs: 2000,
    };
    const [r] = await lab.probe([req], { concurrency: 1 });
    return r;
  };
  return { lab, realized, probe };
}

afterAll(async () => {
  for (const lab of labs) {
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  }
});

describe('lab node sources and model faults', { tags: ['lab'] }, () => {
  test('a node reaches its own pod through a deny-all policy; node-to-pod-filtered refuses it', async () => {
    const clean = await labWith([]);
    const ok = await clean.probe('node:node-1', 'web/a');
    expect(ok?.outcome).toBe('connected');
    expect(ok?.servedBy).toBe('web/a');
    // The policy still holds for pods.
    expect((await clean.probe('web/b', 'web/a'))?.outcome).toBe('refused');
    const unknown = await clean.probe('node:node-9', 'web/a');
    expect(unknown?.outcome).toBe('error');

    const faulty = await labWith(['node-to-pod-filtered']);
    expect((await faulty.probe('node:node-1', 'web/a'))?.outcome).toBe('refused');
  });

  test("pod-snat: a pod on another node sees a node address instead of the source pod's IP", async () => {
    const clean = await labWith([]);
    const honest = await clean.probe('web/a', 'web/b');
    expect(honest?.sourceSeen).toBe(clean.realized.podIPs['web/a']?.[0]);

    const faulty = await labWith(['pod-snat']);
    const natted = await faulty.probe('web/a', 'web/b');
    expect(natted?.outcome).toBe('connected');
    // MASQUERADE takes the outgoing device's address: under vxlan, flannel.1's (the lease's .0).
    expect(natted?.sourceSeen).not.toBe(faulty.realized.podIPs['web/a']?.[0]);
    expect(natted?.sourceSeen).toBe(faulty.realized.nodeSubnets['node-1']?.split('/')[0]);
  });

  test('the lab reports its outside server; a pod reaches it masqueraded to its node address (MODEL-MASQUERADE)', async () => {
    const clean = await labWith([]);
    const server = clean.realized.outsideServer;
    expect(server?.ip).toBeDefined();
    const [r] = await clean.lab.probe(
      [
        {
          id: 'o',
          from: 'web/a',
          host: server?.ip ?? '',
          port: server?.port ?? 0,
          protocol: 'TCP',
          timeoutMs: 2000,
        },
      ],
      { concurrency: 1 },
    );
    expect(r?.outcome).toBe('connected');
    // flannel's FLANNEL-POSTRTG MASQUERADE: the outside sees node-1's public address, not the pod's.
    expect(r?.sourceSeen).toBe(clean.realized.nodeIPs['node-1']);
  });
});
