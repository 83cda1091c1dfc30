/** Test fixture: builds a small lab with the id in argv[2], prints `up`, and waits to be signalled. */
import { createLabTarget } from '../labTarget.ts';
import { labCluster, labNodes, labPod } from '../testing.ts';

const lab = createLabTarget({ labId: process.argv[2] ?? '000000' });
await lab.sync(labCluster(labNodes([0, 0]), [labPod('x', 'a', 'node-1'), labPod('x', 'b', 'node-2')]));
process.stdout.write('up\n');
setInterval(() => {}, 1000);
