/**
 * Teardown by prefix: kill every process in (or started for) a lab's namespaces, delete the namespaces
 * (which takes their links with them) and remove the state folder. Works from names alone, so it also
 * clears what a crashed run left.
 */
import { readdir, readFile, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { ipBatch, run, tryRun } from './exec.ts';
import { ANY_LAB_PREFIX, DEFAULT_STATE_ROOT, isLabId, labIdOf } from './names.ts';
import { type LabOwner, ownerAlive } from './owner.ts';
import { labPaths, readLabOwner, removeLabDir } from './state.ts';

/** Namespace names currently present. */
export async function listNetns(): Promise<string[]> {
  const out = await run(['ip', '-j', 'netns', 'list']).catch(() => '');
  if (!out.trim()) return [];
  return (JSON.parse(out) as { name: string }[]).map((n) => n.name);
}

/** Lab processes: pid and prefix of every process whose command line carries `--podnet-lab=<prefix>`. */
async function taggedProcesses(): Promise<{ pid: number; prefix: string }[]> {
  const found: { pid: number; prefix: string }[] = [];
  const entries = await readdir('/proc').catch(() => [] as string[]);
  await Promise.all(
    entries
      .filter((e) => /^\d+$/.test(e))
      .map(async (e) => {
        const cmd = await readFile(join('/proc', e, 'cmdline'), 'utf8').catch(() => '');
        const m = /\0--podnet-lab=(pn(?:[0-9a-f]{6}|[0-9a-f]{4})-)(\0|$)/.exec(cmd);
        if (m?.[1] && Number(e) !== process.pid) found.push({ pid: Number(e), prefix: m[1] });
      }),
  );
  return found;
}

/** Pids whose command line carries `--podnet-lab=<prefix>` for a matching prefix. */
async function labProcesses(matches: (prefix: string) => boolean): Promise<number[]> {
  return (await taggedProcesses()).filter((p) => matches(p.prefix)).map((p) => p.pid);
}

function kill(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

/**
 * Kills the lab's tagged processes (and, with `everyProcess`, any process inside the namespaces),
 * then deletes the namespaces.
 */
async function removeNamespaces(
  namespaces: readonly string[],
  matches: (prefix: string) => boolean,
  everyProcess = false,
): Promise<void> {
  const inNs = everyProcess
    ? await Promise.all(
        namespaces.map(async (ns) => {
          const out = await run(['ip', 'netns', 'pids', ns]).catch(() => '');
          return out.split(/\s+/).filter(Boolean).map(Number);
        }),
      )
    : [];
  const tagged = await labProcesses(matches);
  for (const pid of new Set([...inNs.flat(), ...tagged])) kill(pid);
  if (namespaces.length === 0) return;
  try {
    await ipBatch(
      undefined,
      namespaces.map((ns) => `netns del ${ns}`),
    );
  } catch {
    // One missing namespace fails the batch; retry one by one.
    await Promise.all(namespaces.map((ns) => tryRun(['ip', 'netns', 'del', ns])));
  }
}

/**
 * Removes everything of lab `labId`. Safe to call twice. Every process the lab starts carries its
 * prefix on the command line; `everyProcess` also kills whatever else runs in its namespaces;
 * `keepState` leaves the state folder.
 */
export async function cleanupLab(
  labId: string,
  stateRoot = DEFAULT_STATE_ROOT,
  everyProcess = false,
  keepState = false,
): Promise<void> {
  const prefix = `pn${labId}-`;
  const namespaces = (await listNetns()).filter((n) => n.startsWith(prefix));
  await removeNamespaces(namespaces, (p) => p === prefix, everyProcess);
  // A lab rebuilding its topology keeps its folder, and with it its claim on the id and its owner.
  if (!keepState) await removeLabDir(labPaths(stateRoot, labId));
}

export interface CleanupReport {
  /** Labs removed. */
  readonly labs: readonly string[];
  readonly namespaces: number;
  /** Labs left alone because the process that owns them still runs (`--force` removes them too). */
  readonly kept: readonly { readonly labId: string; readonly owner: LabOwner }[];
}

/**
 * Removes the leftovers of labs on this machine (`podnet lab down --all`): every lab whose owner is gone
 * (or never recorded one). A lab whose owner still runs, another `podnet run` or a test in progress, is
 * kept unless `force` is set.
 */
export async function cleanupAll(
  stateRoot = DEFAULT_STATE_ROOT,
  options: {
    readonly force?: boolean;
    /** Only labs whose (gone) owner's command line matches: a test run removing what its own workers left. */
    readonly ownerCommand?: RegExp;
  } = {},
): Promise<CleanupReport> {
  const namespaces = (await listNetns()).filter((n) => ANY_LAB_PREFIX.test(n));
  const ids = new Set(namespaces.map((n) => labIdOf(n) as string));
  const dirs = (await readdir(stateRoot).catch(() => [] as string[])).filter(isLabId);
  for (const d of dirs) ids.add(d);
  for (const p of await taggedProcesses()) ids.add(labIdOf(p.prefix) as string);
  const kept: { labId: string; owner: LabOwner }[] = [];
  const removed: string[] = [];
  for (const id of [...ids].sort()) {
    const owner = await readLabOwner(labPaths(stateRoot, id));
    if (owner && ownerAlive(owner) && !options.force) kept.push({ labId: id, owner });
    else if (!options.ownerCommand || (owner && options.ownerCommand.test(owner.command))) removed.push(id);
  }
  const prefixes = new Set(removed.map((id) => `pn${id}-`));
  const doomed = namespaces.filter((n) => prefixes.has(`pn${labIdOf(n)}-`));
  await removeNamespaces(doomed, (p) => prefixes.has(p), true);
  await Promise.all(removed.filter((d) => dirs.includes(d)).map((d) => removeLabDir(labPaths(stateRoot, d))));
  await removeStaleClaims(stateRoot);
  return { labs: removed, namespaces: doomed.length, kept };
}

/** A claim in progress takes milliseconds; one older than this was left by a crash. */
const STALE_CLAIM_MS = 60_000;

/** Removes `.claim-*` staging folders (see claimStateDir) that a crashed process left behind. */
async function removeStaleClaims(stateRoot: string): Promise<void> {
  const entries = (await readdir(stateRoot).catch(() => [] as string[])).filter((e) =>
    e.startsWith('.claim-'),
  );
  await Promise.all(
    entries.map(async (e) => {
      const info = await stat(join(stateRoot, e)).catch(() => undefined);
      if (info && Date.now() - info.mtimeMs > STALE_CLAIM_MS)
        await rm(join(stateRoot, e), { recursive: true, force: true });
    }),
  );
}

/** What is left of lab `labId` (namespaces, processes, state folder entries): empty when clean. */
export async function leftovers(labId: string, stateRoot = DEFAULT_STATE_ROOT): Promise<string[]> {
  const prefix = `pn${labId}-`;
  const out: string[] = [];
  for (const ns of await listNetns()) if (ns.startsWith(prefix)) out.push(`netns ${ns}`);
  const links = await run(['ip', '-j', 'link', 'show']).catch(() => '[]');
  for (const l of JSON.parse(links.trim() || '[]') as { ifname: string }[]) {
    if (l.ifname.startsWith(prefix)) out.push(`link ${l.ifname} (root namespace)`);
  }
  for (const pid of await labProcesses((p) => p === prefix)) out.push(`process ${pid}`);
  const dirs = await readdir(stateRoot).catch(() => [] as string[]);
  if (dirs.includes(labId)) out.push(`state ${join(stateRoot, labId)}`);
  return out;
}
