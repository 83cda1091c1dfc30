/**
 * A Linux bridge whose address was never set takes the lowest MAC among its ports, and changes it when
 * that port goes. Pods keep the gateway's (cni0's) old MAC in their ARP cache, so after a pod is deleted
 * every cross-node connection from the pods beside it times out until the entry ages out. The CNI bridge
 * plugin pins the bridge's MAC for this reason (containernetworking/cni#285, plugins#60, plugins
 * `plugins/main/bridge/bridge.go` ensureAddr); so does the lab.
 */
import { afterAll, describe, expect, test } from 'vitest';
import { leftovers } from './cleanup.ts';
import { run } from './exec.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

async function macOf(netns: string, link: string): Promise<string> {
  const [info] = JSON.parse(await run(['ip', '-j', '-n', netns, 'link', 'show', 'dev', link])) as {
    address: string;
  }[];
  return info?.address ?? '';
}

describe('lab cni0 address', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterAll(async () => {
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('deleting the pod with the lowest port MAC changes neither cni0 nor cross-node reachability', async () => {
    lab = createLabTarget({ labId: testLabId(), backend: 'vxlan' });
    const nodes = labNodes([0, 0]);
    const remote = labPod('r', 'remote', 'node-2');
    const gone = labPod('w', 'gone', 'node-1');
    const stays = labPod('w', 'stays', 'node-1');
    const before = await lab.sync(labCluster(nodes, [remote, gone, stays]));
    const nodeNs = lab.labNodes()[0]?.netns ?? '';
    const veth = lab.podHostVeth('w/gone') ?? '';
    // Give the doomed pod's port the lowest MAC there can be, so an unpinned bridge would adopt it.
    await run(['ip', '-n', nodeNs, 'link', 'set', 'dev', veth, 'address', '02:00:00:00:00:01']);
    const mac = await macOf(nodeNs, 'cni0');
    const host = before.podIPs['r/remote']?.[0] ?? '';
    const probe = async () =>
      (
        await lab!.probe([{ id: 'p', from: 'w/stays', host, port: 80, protocol: 'TCP', timeoutMs: 2000 }], {
          concurrency: 1,
        })
      )[0]?.outcome;
    // The surviving pod learns the gateway's MAC now, as it would have in a long-running cluster.
    expect(await probe()).toBe('connected');
    await lab.sync(labCluster(nodes, [remote, stays]));
    expect(await macOf(nodeNs, 'cni0')).toBe(mac);
    expect(await probe()).toBe('connected');
  });
});
