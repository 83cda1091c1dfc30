/** The lab's state folder: one directory per lab under /run/podnet, holding everything but kernel state. */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultName } from './faults.ts';

export interface LabPaths {
  readonly root: string;
  readonly dir: string;
  readonly record: string;
  nodeDir(node: string): string;
  agentSocket(name: string): string;
  log(name: string): string;
}

export function labPaths(stateRoot: string, labId: string): LabPaths {
  const dir = join(stateRoot, labId);
  return {
    root: stateRoot,
    dir,
    record: join(dir, 'lab.json'),
    nodeDir: (node) => join(dir, 'nodes', node),
    agentSocket: (name) => join(dir, 'sock', `${name}.sock`),
    log: (name) => join(dir, 'log', `${name}.log`),
  };
}

export async function ensureLabDirs(paths: LabPaths): Promise<void> {
  await mkdir(join(paths.dir, 'sock'), { recursive: true });
  await mkdir(join(paths.dir, 'log'), { recursive: true });
  await mkdir(join(paths.dir, 'nodes'), { recursive: true });
}

/** What `podnet lab status/exec/down` need to find a running lab. */
export interface LabRecord {
  readonly labId: string;
  readonly createdAt: string;
  readonly backend: string;
  readonly faults: readonly FaultName[];
  readonly nodes: readonly {
    readonly name: string;
    readonly netns: string;
    readonly ip: string;
    readonly lease: string;
  }[];
  readonly pods: readonly {
    readonly key: string;
    readonly node: string;
    readonly netns: string;
    readonly ip: string;
    readonly agentPid?: number;
  }[];
  readonly services: Readonly<Record<string, string>>;
  readonly outsideNetwork: string;
}

export async function writeLabRecord(paths: LabPaths, record: LabRecord): Promise<void> {
  await writeFile(paths.record, `${JSON.stringify(record, null, 2)}\n`);
}

export async function readLabRecord(paths: LabPaths): Promise<LabRecord | undefined> {
  try {
    return JSON.parse(await readFile(paths.record, 'utf8')) as LabRecord;
  } catch {
    return undefined;
  }
}

export async function removeLabDir(paths: LabPaths): Promise<void> {
  await rm(paths.dir, { recursive: true, force: true });
}
