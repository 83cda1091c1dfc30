/** The lab's state folder: one directory per lab under /run/podnet, holding everything but kernel state. */
import { mkdir, mkdtemp, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FaultName } from './faults.ts';
import { currentOwner, type LabOwner, parseOwner } from './owner.ts';

export interface LabPaths {
  readonly root: string;
  readonly dir: string;
  readonly record: string;
  /** Who keeps the lab in use (see owner.ts). */
  readonly owner: string;
  /** The folder of node `index` (subnet.env, annotations.json): named by index, never by a node's name. */
  nodeDir(index: number): string;
  /** A control socket; `name` is one of the lab's own file names (`p1c`, `n0`, `outside`), never data. */
  agentSocket(name: string): string;
  log(name: string): string;
}

/** The lab's own file names: letters, digits and dashes, so no name from a scenario can become a path. */
const FILE_NAME = /^[a-z0-9][a-z0-9-]{0,31}$/;

function ownName(name: string): string {
  if (!FILE_NAME.test(name))
    throw new Error(`lab file name ${JSON.stringify(name)} is not one of the lab's own`);
  return name;
}

export function labPaths(stateRoot: string, labId: string): LabPaths {
  const dir = join(stateRoot, labId);
  return {
    root: stateRoot,
    dir,
    record: join(dir, 'lab.json'),
    owner: join(dir, 'owner.json'),
    nodeDir: (index) => join(dir, 'nodes', ownName(`n${index}`)),
    agentSocket: (name) => join(dir, 'sock', `${ownName(name)}.sock`),
    log: (name) => join(dir, 'log', `${ownName(name)}.log`),
  };
}

/** Creates the lab's folders inside its (claimed) state folder. */
export async function ensureLabDirs(paths: LabPaths): Promise<void> {
  await mkdir(join(paths.dir, 'sock'), { recursive: true });
  await mkdir(join(paths.dir, 'log'), { recursive: true });
  await mkdir(join(paths.dir, 'nodes'), { recursive: true });
}

/** Whether lab `labId` exists: its state folder, or a network namespace with its prefix. */
export async function labIdTaken(labId: string, stateRoot: string): Promise<boolean> {
  const dirExists = await stat(join(stateRoot, labId)).then(
    () => true,
    () => false,
  );
  if (dirExists) return true;
  const prefix = `pn${labId}-`;
  // `ip netns add` keeps its names here; reading the folder needs no subprocess.
  const names = await readdir('/run/netns').catch(() => [] as string[]);
  return names.some((n) => n.startsWith(prefix));
}

/**
 * Creates the lab's state folder exclusively, with this process recorded as its owner in the same step:
 * the folder is made under a temporary name with owner.json inside, then renamed into place, so no
 * other process (`lab down --all`) ever sees the lab without its owner. False when the id is taken.
 */
export async function claimStateDir(paths: LabPaths): Promise<boolean> {
  await mkdir(paths.root, { recursive: true });
  const staging = await mkdtemp(join(paths.root, '.claim-'));
  try {
    await writeFile(join(staging, 'owner.json'), `${JSON.stringify(currentOwner())}\n`);
    await rename(staging, paths.dir);
    return true;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTEMPTY') return false;
    throw error;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

/** The owner recorded for the lab, or undefined when none is (a lab of an older podnet, or a crash). */
export async function readLabOwner(paths: LabPaths): Promise<LabOwner | undefined> {
  const text = await readFile(paths.owner, 'utf8').catch(() => undefined);
  return text === undefined ? undefined : parseOwner(text);
}

/** What `podnet lab status/exec/down` need to find a running lab. */
export interface LabRecord {
  readonly labId: string;
  readonly createdAt: string;
  readonly backend: string;
  /** The pod network's families (`ipv4` when absent: records written before dual-stack). */
  readonly ipFamily?: string;
  readonly faults: readonly FaultName[];
  readonly nodes: readonly {
    readonly name: string;
    readonly netns: string;
    readonly ip: string;
    readonly lease: string;
    /** Dual-stack labs: public-ipv6 and the IPv6 lease. */
    readonly ip6?: string;
    readonly lease6?: string;
  }[];
  readonly pods: readonly {
    readonly key: string;
    readonly node: string;
    readonly netns: string;
    readonly ip: string;
    /** Dual-stack labs: the pod's IPv6 address. */
    readonly ip6?: string;
    readonly agentPid?: number;
  }[];
  /** `ns/svc` → its ClusterIP (spec.clusterIP). */
  readonly services: Readonly<Record<string, string>>;
  /** `ns/svc` → a dual-stack Service's other ClusterIP (spec.clusterIPs[1]). */
  readonly secondaryServices?: Readonly<Record<string, string>>;
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
