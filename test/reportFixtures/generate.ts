/**
 * `npm run fixtures`: regenerate reports/fixtures/<name>.json from real runs of the runner
 * (fixtureRuns.ts). With `--write` the files are written; without it, the stale ones are listed and the
 * exit code is 1 when there are any.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fixturePath } from '../../reports/fixtures/load.ts';
import { fixtureText, GENERATED, generateFixtures } from './fixtureRuns.ts';

const write = process.argv.includes('--write');
const docs = await generateFixtures();
let stale = 0;
for (const name of GENERATED) {
  const path = fixturePath(name);
  const text = fixtureText(docs[name]);
  // Compared as runSession writes it, so biome's layout of the checked-in file does not count.
  let current = '';
  try {
    current = fixtureText(JSON.parse(readFileSync(path, 'utf8')));
  } catch {
    // A missing or unreadable file is stale.
  }
  if (current === text) continue;
  stale += 1;
  if (write) writeFileSync(path, text);
  process.stdout.write(`${write ? 'wrote' : 'stale'} ${path}\n`);
}
if (!write && stale > 0) process.exitCode = 1;
