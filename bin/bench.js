#!/usr/bin/env node
// `npm run bench -- <name>` runs bench/<name>.ts through tsx.
import { existsSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { register } from 'tsx/esm/api';

const benchDir = join(dirname(fileURLToPath(import.meta.url)), '..', 'bench');
const name = process.argv[2];
const available = readdirSync(benchDir)
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.replace(/\.ts$/, ''));
if (!name || !existsSync(join(benchDir, `${name}.ts`))) {
  process.stderr.write(`usage: npm run bench -- <name>\n  available: ${available.join(', ') || '(none)'}\n`);
  process.exit(2);
}
register();
const mod = await import(join(benchDir, `${name}.ts`));
process.exitCode = (await mod.main(process.argv.slice(3))) ?? 0;
