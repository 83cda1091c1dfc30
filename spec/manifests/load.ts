/**
 * Reads Kubernetes manifests (YAML multi-document files, `kind: List` and typed lists, JSON, and
 * directories walked recursively for .yaml/.yml/.json in sorted order) into one validated, defaulted
 * {@link Cluster}. `kubectl get ns,pods,networkpolicies,services,nodes -A -o yaml` output reads as is.
 *
 * Namespaces that pods, Services or policies use but no manifest declares are created implicitly with
 * only the `kubernetes.io/metadata.name` label (reported in `implicitNamespaces`); a missing
 * `metadata.namespace` means `default`. Kinds podnet does not use are skipped and reported.
 */
import type { Dirent } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { PodnetInputError, PodnetInputErrors } from '../errors.ts';
import { inputPathKind, readInputFile } from '../inputFile.ts';
import type { Cluster, Namespace } from '../model.ts';
import { implicitNamespace } from './defaults.ts';
import type { ManifestObject } from './manifestObject.ts';
import { parseManifestsCollecting } from './parse.ts';
import { validateManifestsCollecting } from './validate.ts';

/** A kind podnet read but does not use, with how many objects of it were skipped. */
interface IgnoredKind {
  readonly kind: string;
  readonly count: number;
}

export interface LoadedManifests {
  readonly cluster: Cluster;
  /** Kinds present in the input that podnet does not use (Deployment, ConfigMap, …), sorted by kind. */
  readonly ignoredKinds: readonly IgnoredKind[];
  /** Namespaces referenced by pods, Services or policies but never declared, created with default labels. */
  readonly implicitNamespaces: readonly string[];
  /** Every file read, in reading order. */
  readonly files: readonly string[];
}

const MANIFEST_EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** Loads, validates and defaults every manifest under `paths`; throws PodnetInputErrors (exit 2) on bad input. */
export async function loadManifestsFromPaths(paths: readonly string[]): Promise<LoadedManifests> {
  if (paths.length === 0) {
    throw new PodnetInputError(
      'PODNET_NO_INPUT',
      'no manifest path given',
      {},
      'pass -f FILE_OR_DIRECTORY (repeatable)',
    );
  }
  const files: string[] = [];
  for (const p of paths) files.push(...(await expandPath(p)));
  const errors: PodnetInputError[] = [];
  const objects: ManifestObject[] = [];
  for (const file of files) {
    const text = readInputFile(file, { what: 'manifest' });
    objects.push(...parseManifestsCollecting(text, file, errors));
  }
  return { ...buildCluster(objects, errors), files };
}

/** The cluster described by the manifests under `paths` (see {@link loadManifestsFromPaths}). */
export async function loadClusterFromPaths(paths: readonly string[]): Promise<Cluster> {
  return (await loadManifestsFromPaths(paths)).cluster;
}

/** Loads manifests from one text, as if read from `file` (tests, stdin). */
export function loadManifestsFromText(text: string, file = '<input>'): LoadedManifests {
  const errors: PodnetInputError[] = [];
  const objects = parseManifestsCollecting(text, file, errors);
  return { ...buildCluster(objects, errors), files: [file] };
}

/** Validates objects into a cluster; throws every error collected so far plus validation's own. */
function buildCluster(
  objects: readonly ManifestObject[],
  errors: PodnetInputError[] = [],
): Omit<LoadedManifests, 'files'> {
  const v = validateManifestsCollecting(objects, errors);
  if (errors.length > 0) throw new PodnetInputErrors(errors);
  const declared = new Set(v.namespaces.map((n) => n.name));
  const implicit: Namespace[] = [];
  const use = (name: string): void => {
    if (declared.has(name)) return;
    declared.add(name);
    implicit.push(implicitNamespace(name));
  };
  for (const o of [...v.pods, ...v.services, ...v.policies]) use(o.namespace);
  return {
    cluster: {
      nodes: v.nodes,
      namespaces: [...v.namespaces, ...implicit],
      pods: v.pods,
      services: v.services,
      policies: v.policies,
    },
    ignoredKinds: v.ignoredKinds,
    implicitNamespaces: implicit.map((n) => n.name),
  };
}

/** A file as is; a directory as its .yaml/.yml/.json files, recursively, sorted by path. */
async function expandPath(path: string): Promise<string[]> {
  if (inputPathKind(path, { what: 'manifest' }) === 'file') return [path];
  const found: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    let entries: Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      throw new PodnetInputError(
        'PODNET_BAD_INPUT_FILE',
        `cannot list the folder: ${(error as NodeJS.ErrnoException).code ?? String(error)}`,
        { file: dir },
      );
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const full = join(dir, e.name);
      // Links to folders are not followed (no cycles); a manifest-named entry of any other kind is read,
      // and reading refuses what is not a regular file (a FIFO, a dangling link) with its path.
      if (e.isDirectory()) await walk(full);
      else if (MANIFEST_EXTENSIONS.has(extname(e.name).toLowerCase())) found.push(full);
    }
  };
  await walk(path);
  if (found.length === 0) {
    throw new PodnetInputError(
      'PODNET_NO_MANIFESTS',
      'directory holds no .yaml, .yml or .json file',
      { file: path },
      'point -f at a manifest file or a folder of them',
    );
  }
  return found;
}
