/**
 * The lab's small C helpers (what Node cannot do, or cannot do fast enough): compiled once per source
 * version with the machine's gcc into `<stateRoot>/.bin/<name>-<hash>`, atomically (a temporary file
 * renamed into place), so concurrent labs share one binary.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { PodnetTargetError } from '../../spec/errors.ts';
import { runDirect } from './exec.ts';

/** Compiles `sourcePath` unless this version is built already; returns the binary's path. */
export async function ensureCHelper(
  stateRoot: string,
  sourcePath: string,
  why: string,
  hint: string,
): Promise<string> {
  const hash = createHash('sha256').update(readFileSync(sourcePath)).digest('hex').slice(0, 12);
  const dir = join(stateRoot, '.bin');
  const binary = join(dir, `${basename(sourcePath, '.c')}-${hash}`);
  if (existsSync(binary)) return binary;
  await mkdir(dir, { recursive: true });
  const tmp = `${binary}.${process.pid}.${Math.random().toString(16).slice(2)}.tmp`;
  try {
    // Not through the command runner: building it is what this may be doing.
    await runDirect(['gcc', '-O2', '-Wall', '-o', tmp, sourcePath]);
    await rename(tmp, binary);
  } catch (e) {
    await rm(tmp, { force: true });
    throw new PodnetTargetError('PODNET_LAB_PREREQ', `${why}, and gcc failed or is missing`, hint, {
      cause: e,
    });
  }
  return binary;
}
