/**
 * sync is incremental: adding or removing pods touches only those pods; relabelling restarts nothing;
 * hostNetwork pods serve from their node's namespace with the node's IP.
 */
import { existsSync } from 'node:fs';
import { execa } from 'execa';
import { afterAll, describe, expect, test } from 'vitest';
import { leftovers } from './cleanup.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

describe('lab incremental sync', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterAll(async () => {
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('pods come and go without touching the others; labels change nothing but rules', async () => {
    lab = createLabTarget({ labId: testLabId() });
    const nodes = labNodes([0, 0]);
    const a = labPod('web', 'a', 'node-1');
    const b = labPod('web', 'b', 'node-2');
    const c = labPod('web', 'c', undefined);
    const host = labPod('sys', 'h', 'node-2', [{ containerPort: 9000, protocol: 'TCP' }], {
      hostNetwork: true,
    });
    const first = await lab.sync(labCluster(nodes, [a, b, host]));
    const nsB = lab.podNetns('web/b');
    const vethA = lab.podHostVeth('web/a') as string;
    const node1 = lab.labNodes()[0]?.netns as string;
    const serialB = lab.podSerial('web/b');
    expect(first.podIPs['sys/h']).toEqual([first.nodeIPs['node-2']]);

    const second = await lab.sync(labCluster(nodes, [{ ...b, labels: { app: 'other' } }, c, host]));
    expect(lab.podNetns('web/a')).toBeUndefined();
    expect(existsSync(`/run/netns/${lab.names.pod(0)}`)).toBe(false);
    // The namespace itself is gone, not just its name: nothing holds it (the lab agent closed the pod's
    // sockets first), so its eth0 went and took the node's end of the veth with it.
    const links = await execa('ip', ['-n', node1, '-o', 'link', 'show']);
    expect(links.stdout).not.toContain(`${vethA}@`);
    expect(lab.podNetns('web/b')).toBe(nsB);
    expect(lab.podSerial('web/b')).toBe(serialB);
    expect(second.podIPs['web/b']).toEqual(first.podIPs['web/b']);

    const ip = (k: string): string => second.podIPs[k]?.[0] ?? '';
    const results = await lab.probe(
      [
        { id: 'c-b', from: 'web/c', host: ip('web/b'), port: 80, protocol: 'TCP', timeoutMs: 2000 },
        { id: 'c-host', from: 'web/c', host: ip('sys/h'), port: 9000, protocol: 'TCP', timeoutMs: 2000 },
        { id: 'host-b', from: 'sys/h', host: ip('web/b'), port: 80, protocol: 'TCP', timeoutMs: 2000 },
      ],
      { concurrency: 3 },
    );
    const byId = Object.fromEntries(results.map((r) => [r.id, r]));
    expect(byId['c-b']).toMatchObject({ outcome: 'connected', servedBy: 'web/b', sourceSeen: ip('web/c') });
    expect(byId['c-host']).toMatchObject({ outcome: 'connected', servedBy: 'sys/h' });
    expect(byId['host-b']).toMatchObject({ outcome: 'connected', servedBy: 'web/b' });
  });
});
