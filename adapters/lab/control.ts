/**
 * What `podnet lab up/status/exec/down` do: start a lab that outlives the command, find running labs
 * from their state files, and stop them. The CLI only parses arguments and prints.
 */
import { readdir } from 'node:fs/promises';
import { PodnetInputError } from '../../spec/errors.ts';
import type { Cluster } from '../../spec/model.ts';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import { nodeOfSource, nodeSourceKey } from '../../spec/target.ts';
import { type CleanupReport, cleanupAll, cleanupLab, listNetns } from './cleanup.ts';
import { inNetns } from './exec.ts';
import { FAULTS, type FaultName, ipFamilyForFaults, isFaultName } from './faults.ts';
import type { LabIpFamily } from './ipFamily.ts';
import { checkManifestClusterIPs, createLabTarget } from './labTarget.ts';
import { DEFAULT_STATE_ROOT, isLabId } from './names.ts';
import { type LabRecord, labPaths, readLabRecord } from './state.ts';

export interface LabUpOptions {
  readonly cluster?: Cluster;
  readonly nodes?: number;
  readonly segments?: number;
  readonly backend?: FlannelBackendType;
  readonly faults?: readonly string[];
  readonly labId?: string;
  readonly stateRoot?: string;
  /** The pod network's families (default ipv4). */
  readonly ipFamily?: LabIpFamily;
}

const BACKENDS: readonly string[] = ['vxlan', 'host-gw', 'udp'];

/** Checks `--backend` and `--fault` values; throws PodnetInputError naming the valid ones. */
export function checkLabOptions(backend: string | undefined, faults: readonly string[]): void {
  if (backend !== undefined && !BACKENDS.includes(backend)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `unknown backend "${backend}"`,
      {},
      `use one of ${BACKENDS.join(', ')}`,
    );
  }
  for (const f of faults) {
    if (!isFaultName(f)) {
      throw new PodnetInputError(
        'PODNET_UNKNOWN_FAULT',
        `unknown fault "${f}"`,
        {},
        `run \`podnet lab faults\` for the catalogue: ${FAULTS.map((x) => x.name).join(', ')}`,
      );
    }
  }
}

/** Builds a lab and leaves it running; resolves with its record. */
export async function labUp(options: LabUpOptions): Promise<LabRecord> {
  checkLabOptions(options.backend, options.faults ?? []);
  if (options.cluster) checkManifestClusterIPs(options.cluster);
  // A fault that shows only on an IPv6 side (flannel-v6-route-missing) brings its family along.
  const ipFamily = options.ipFamily ?? ipFamilyForFaults(options.faults ?? []);
  const lab = createLabTarget({
    ...(ipFamily ? { ipFamily } : {}),
    ...(options.nodes !== undefined ? { nodes: options.nodes } : {}),
    ...(options.segments !== undefined ? { segments: options.segments } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    faults: (options.faults ?? []) as FaultName[],
    ...(options.labId ? { labId: options.labId } : {}),
    ...(options.stateRoot ? { stateDir: options.stateRoot } : {}),
  });
  const cluster: Cluster = options.cluster ?? {
    nodes: [],
    namespaces: [],
    pods: [],
    services: [],
    policies: [],
  };
  try {
    await lab.sync(cluster);
  } catch (error) {
    await lab.teardown();
    throw error;
  }
  lab.detach();
  const record = await readLabRecord(lab.paths);
  if (!record) throw new Error(`lab ${lab.labId} wrote no record`);
  return record;
}

/** Running labs (their state file exists and their namespaces too), oldest first. */
export async function runningLabs(stateRoot = DEFAULT_STATE_ROOT): Promise<LabRecord[]> {
  const dirs = (await readdir(stateRoot).catch(() => [] as string[])).filter(isLabId);
  const namespaces = new Set(await listNetns());
  const records = await Promise.all(dirs.map((d) => readLabRecord(labPaths(stateRoot, d))));
  return records
    .filter((r): r is LabRecord => r !== undefined && namespaces.has(`pn${r.labId}-u`))
    .sort((a, b) => a.createdAt.localeCompare(b.createdAt));
}

/** The lab `id`, or the only running lab. */
export async function findLab(id: string | undefined, stateRoot = DEFAULT_STATE_ROOT): Promise<LabRecord> {
  const labs = await runningLabs(stateRoot);
  if (id !== undefined) {
    const lab = labs.find((l) => l.labId === id);
    if (!lab)
      throw new PodnetInputError(
        'PODNET_NO_LAB',
        `no running lab with id "${id}"`,
        {},
        'run `podnet lab status` to list them',
      );
    return lab;
  }
  if (labs.length === 0)
    throw new PodnetInputError('PODNET_NO_LAB', 'no lab is running', {}, 'start one with `podnet lab up`');
  if (labs.length > 1) {
    throw new PodnetInputError(
      'PODNET_AMBIGUOUS_LAB',
      `${labs.length} labs are running (${labs.map((l) => l.labId).join(', ')})`,
      {},
      'pick one with --lab ID',
    );
  }
  return labs[0] as LabRecord;
}

/** The argv that runs `command` inside pod `nsPod` (`namespace/name`) of `lab`. */
export function labExecArgv(lab: LabRecord, nsPod: string, command: readonly string[]): string[] {
  const nodeName = nodeOfSource(nsPod);
  const node = nodeName === undefined ? undefined : lab.nodes.find((n) => n.name === nodeName);
  if (nodeName !== undefined && !node) {
    throw new PodnetInputError(
      'PODNET_UNKNOWN_NODE',
      `lab ${lab.labId} has no node "${nodeName}"`,
      {},
      `nodes: ${lab.nodes.map((n) => nodeSourceKey(n.name)).join(', ') || '(none)'}`,
    );
  }
  const pod = node ? { netns: node.netns } : lab.pods.find((p) => p.key === nsPod);
  if (!pod) {
    throw new PodnetInputError(
      'PODNET_UNKNOWN_POD',
      `lab ${lab.labId} has no pod "${nsPod}"`,
      {},
      `pods: ${lab.pods.map((p) => p.key).join(', ') || '(none)'}`,
    );
  }
  if (command.length === 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      'no command given',
      {},
      'for example `podnet lab exec ns/pod -- ip addr`',
    );
  }
  return inNetns(pod.netns, command);
}

/** Stops one lab (by id) or every lab on the machine. */
export async function labDown(
  target: { all: true; force?: boolean } | { id: string },
  stateRoot = DEFAULT_STATE_ROOT,
): Promise<CleanupReport> {
  if ('all' in target) return cleanupAll(stateRoot, { force: target.force === true });
  await cleanupLab(target.id, stateRoot, true);
  return { labs: [target.id], namespaces: 0, kept: [] };
}
