/**
 * Re-captures the parser's fixtures from a real namespace (needs root):
 * `npx tsx adapters/common/nodeState/captureFixtures.ts`. The tests read the files without root.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { captureFixtureNamespace } from './fixtureNamespace.ts';

const dir = join(import.meta.dirname, 'fixtures');
const raw = await captureFixtureNamespace();
const pretty = (text: string) => `${JSON.stringify(JSON.parse(text), null, 2)}\n`;
await writeFile(join(dir, 'ip-link.json'), pretty(raw.ipLink));
await writeFile(join(dir, 'ip-addr.json'), pretty(raw.ipAddr));
await writeFile(join(dir, 'ip-route.json'), pretty(raw.ipRoute));
await writeFile(join(dir, 'ip-neigh.json'), pretty(raw.ipNeigh));
await writeFile(join(dir, 'bridge-fdb.json'), pretty(raw.bridgeFdb));
await writeFile(join(dir, 'subnet.env'), raw.subnetEnv ?? '');
await writeFile(join(dir, 'annotations.json'), `${JSON.stringify(raw.annotations ?? {}, null, 2)}\n`);
process.stdout.write(`fixtures written to ${dir}\n`);
