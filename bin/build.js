#!/usr/bin/env node
// `npm run build`: compiles the shipped program to dist/ (tsconfig.build.json) and copies the files it runs
// beside its modules (the lab's agents and C helpers), so dist/ works without the sources or tsx.
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
/** Folders that ship, as in tsconfig.build.json. */
const SHIPPED = ['spec', 'generators', 'oracle', 'adapters', 'runner', 'reports', 'cli'];
/** Files run or compiled at run time beside the module that names them (new URL('./x', import.meta.url)). */
const ASSET = /\.(mjs|c)$/;
/** Test machinery stays out of the package. */
const TEST_ONLY = /(^|\/)(fixtures|testFixtures|testing)(\/|$)|\.test-helpers\.|\.test\.|\/testbed/;

// Built beside dist/ and swapped in by two renames: a podnet (or a test run) using dist/ meanwhile never
// finds it missing or half written. Same depth as dist/, so the source maps' relative paths hold.
const building = join(root, `dist.building-${process.pid}`);
rmSync(building, { recursive: true, force: true });
const tsc = join(dirname(createRequire(import.meta.url).resolve('typescript/package.json')), 'bin', 'tsc');
const compiled = spawnSync(
  process.execPath,
  [tsc, '-p', join(root, 'tsconfig.build.json'), '--outDir', building],
  { stdio: 'inherit' },
);
if (compiled.status !== 0) {
  rmSync(building, { recursive: true, force: true });
  process.exit(compiled.status ?? 1);
}

let copied = 0;
function copyAssets(dir) {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    const rel = relative(root, path);
    if (TEST_ONLY.test(rel)) continue;
    if (entry.isDirectory()) copyAssets(path);
    else if (ASSET.test(entry.name)) {
      const target = join(building, rel);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
      chmodSync(target, statSync(path).mode & 0o777);
      copied++;
    }
  }
}
for (const folder of SHIPPED) copyAssets(join(root, folder));
const old = join(root, `dist.old-${process.pid}`);
if (existsSync(dist)) renameSync(dist, old);
renameSync(building, dist);
rmSync(old, { recursive: true, force: true });
process.stdout.write(`built dist/ (${copied} run-time files copied beside the modules)\n`);
