/**
 * Reads kubeconfig the way kubectl does: `--kubeconfig FILE` first, else `KUBECONFIG` (a list of files,
 * merged), else `~/.kube/config`, else the in-cluster service account; then `--context` picks the context.
 * Problems are target errors (exit 3) that say which file or context was at fault.
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { PodnetTargetError } from '../../spec/errors.ts';

export interface KubeconfigOptions {
  /** `--kubeconfig`: one file; overrides KUBECONFIG. */
  readonly kubeconfig?: string;
  /** `--context`: a context name from the loaded config. */
  readonly context?: string;
  /** The environment to read KUBECONFIG and HOME from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where the service account token sits inside a pod. */
export const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/** Which source kubectl would use, in its order. */
export function kubeconfigSource(
  options: KubeconfigOptions,
): { kind: 'files'; files: string[] } | { kind: 'in-cluster' } | { kind: 'none' } {
  const env = options.env ?? process.env;
  if (options.kubeconfig !== undefined) return { kind: 'files', files: [options.kubeconfig] };
  const list = (env.KUBECONFIG ?? '').split(delimiter).filter(Boolean);
  if (list.length > 0) return { kind: 'files', files: list };
  const home = env.HOME ?? homedir();
  const dflt = join(home, '.kube', 'config');
  if (existsSync(dflt)) return { kind: 'files', files: [dflt] };
  if (env.KUBERNETES_SERVICE_HOST !== undefined && existsSync(IN_CLUSTER_TOKEN))
    return { kind: 'in-cluster' };
  return { kind: 'none' };
}

/** A loaded KubeConfig with the requested context selected. */
export function loadKubeConfig(options: KubeconfigOptions = {}): KubeConfig {
  const kc = new KubeConfig();
  const source = kubeconfigSource(options);
  if (source.kind === 'none') {
    throw new PodnetTargetError(
      'PODNET_KUBE_NO_CONFIG',
      'no kubeconfig found: --kubeconfig not given, KUBECONFIG unset, no ~/.kube/config, and not running in a pod',
      'pass --kubeconfig FILE or set KUBECONFIG, as for kubectl',
    );
  }
  if (source.kind === 'in-cluster') {
    kc.loadFromCluster();
  } else {
    const [first, ...rest] = source.files;
    for (const file of source.files) {
      if (!existsSync(file)) {
        throw new PodnetTargetError(
          'PODNET_KUBE_NO_CONFIG',
          `kubeconfig file ${file} does not exist`,
          'check --kubeconfig / KUBECONFIG',
        );
      }
    }
    try {
      kc.loadFromFile(first as string);
      for (const file of rest) {
        const more = new KubeConfig();
        more.loadFromFile(file);
        // Like kubectl: the first file that defines a name (or the current context) wins;
        // client-node's mergeConfig would throw on a duplicate name instead.
        for (const c of more.clusters) if (!kc.getCluster(c.name)) kc.addCluster(c);
        for (const u of more.users) if (!kc.getUser(u.name)) kc.addUser(u);
        for (const x of more.contexts) if (!kc.getContextObject(x.name)) kc.addContext(x);
        if (!kc.currentContext && more.currentContext) kc.setCurrentContext(more.currentContext);
      }
    } catch (error) {
      throw new PodnetTargetError(
        'PODNET_KUBE_BAD_CONFIG',
        `cannot read kubeconfig ${source.files.join(delimiter)}: ${(error as Error).message}`,
        'check that the file is a valid kubeconfig',
        { cause: error },
      );
    }
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new PodnetTargetError(
        'PODNET_KUBE_NO_CONTEXT',
        `context "${options.context}" is not in the kubeconfig`,
        known.length > 0 ? `known contexts: ${known.join(', ')}` : 'the kubeconfig defines no context',
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new PodnetTargetError(
      'PODNET_KUBE_NO_CLUSTER',
      `the kubeconfig's current context "${kc.getCurrentContext()}" names no cluster`,
      'pass --context NAME',
    );
  }
  return kc;
}
