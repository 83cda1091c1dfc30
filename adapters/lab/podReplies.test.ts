/**
 * `podReplies`: a pod's agent answers given texts on exactly the given listeners (the lab API serves agnhost's
 * replies this way); pods without replies answer `<ns>/<pod> <source>` as always; a change of replies
 * re-creates the pod, the same replies keep it.
 */
import { afterAll, describe, expect, test } from 'vitest';
import type { Pod } from '../../spec/model.ts';
import { keyOf } from '../../spec/model.ts';
import { leftovers } from './cleanup.ts';
import { createLabTarget, type LabTarget } from './labTarget.ts';
import type { PodReply } from './pods.ts';
import { labCluster, labNodes, labPod, testLabId } from './testing.ts';

describe('lab pod replies', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterAll(async () => {
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
  });

  test('given replies are served as given; other pods keep the agent reply; replies are part of the shape', async () => {
    let replies: Record<string, readonly PodReply[]> = {
      'web/a': [
        { port: 80, protocol: 'TCP', mode: 'tcp-raw', text: 'web-a' },
        { port: 81, protocol: 'UDP', mode: 'udp', text: 'web-a' },
        { port: 8080, protocol: 'TCP', mode: 'http', text: 'porter says hi' },
      ],
    };
    lab = createLabTarget({
      labId: testLabId(),
      signalHandlers: false,
      podReplies: (p: Pod) => replies[keyOf(p)],
    });
    const nodes = labNodes([0, 0]);
    const a = labPod('web', 'a', 'node-1');
    const b = labPod('web', 'b', 'node-2');
    const realized = await lab.sync(labCluster(nodes, [a, b]));
    const ip = (k: string) => realized.podIPs[k]?.[0] as string;
    const probe = async (from: string, to: string, port: number, protocol: 'TCP' | 'UDP') =>
      (
        await lab?.probe([{ id: 'p', from, host: ip(to), port, protocol, timeoutMs: 2000 }], {
          concurrency: 1,
        })
      )?.[0];

    expect((await probe('web/b', 'web/a', 80, 'TCP'))?.reply).toBe('web-a');
    expect((await probe('web/b', 'web/a', 81, 'UDP'))?.reply).toBe('web-a');
    // The HTTP listener accepts (the lab's own probe sends no request, so no reply before its timeout).
    expect((await probe('web/b', 'web/a', 8080, 'TCP'))?.outcome).toBe('connected');
    // Exactly the given listeners: nothing else of what the pod declares is served.
    expect((await probe('web/b', 'web/a', 82, 'TCP'))?.outcome).toBe('refused');
    // A pod without replies answers as before.
    expect((await probe('web/a', 'web/b', 80, 'TCP'))?.reply).toBe(`web/b ${ip('web/a')}`);

    const serialA = lab.podSerial('web/a');
    const serialB = lab.podSerial('web/b');
    await lab.sync(labCluster(nodes, [a, b]));
    expect(lab.podSerial('web/a')).toBe(serialA);
    replies = { 'web/a': [{ port: 80, protocol: 'TCP', mode: 'tcp-raw', text: 'renamed' }] };
    const again = await lab.sync(labCluster(nodes, [a, b]));
    expect(lab.podSerial('web/a')).not.toBe(serialA);
    expect(lab.podSerial('web/b')).toBe(serialB);
    const [r] = await lab.probe(
      [
        {
          id: 'p',
          from: 'web/b',
          host: again.podIPs['web/a']?.[0] as string,
          port: 80,
          protocol: 'TCP',
          timeoutMs: 2000,
        },
      ],
      { concurrency: 1 },
    );
    expect(r?.reply).toBe('renamed');
  });
});
