/**
 * Reads kubeconfig the way kubectl does: `--kubeconfig FILE` first, else `KUBECONFIG` (a list of files,
 * merged), else `~/.kube/config`, else the in-cluster service account; then `--context` picks the context.
 * A missing, malformed or unusable file and an unknown context are input errors (exit 2) that say which
 * file, line, field or context was at fault and never quote the file's secrets; finding no kubeconfig
 * at all is a target error (exit 3).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { LineCounter, parseDocument } from 'yaml';
import { PodnetInputError, PodnetTargetError } from '../../spec/errors.ts';
import { readInputFile } from '../../spec/inputFile.ts';
import { redactSecrets } from '../../spec/redact.ts';
import { guardedParse, yamlToValue } from '../../spec/yamlValue.ts';

export interface KubeconfigOptions {
  /** `--kubeconfig`: one file; overrides KUBECONFIG. */
  readonly kubeconfig?: string;
  /** `--context`: a context name from the loaded config. */
  readonly context?: string;
  /** The environment to read KUBECONFIG and HOME from (default process.env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Where the service account token sits inside a pod. */
const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

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

/** Where a kubeconfig's secrets live: every string under `users[].user` (tokens, keys, passwords). */
function secretsOf(value: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') Object.values(v).forEach(walk);
  };
  const users = (value as { users?: unknown } | null)?.users;
  if (Array.isArray(users)) for (const u of users) walk((u as { user?: unknown } | null)?.user);
  return out;
}

const LIST_KEYS = ['clusters', 'users', 'contexts'] as const;
const ENTRY_BODY = { clusters: 'cluster', users: 'user', contexts: 'context' } as const;

/**
 * Reads and checks one kubeconfig file. Problems are input errors (exit 2) naming the file, the line or
 * the field; they never quote the file, whose tokens and keys must not reach a terminal or a log.
 */
function readKubeconfig(file: string): { text: string; secrets: string[] } {
  const text = readInputFile(file, { what: 'kubeconfig' });
  const bad = (problem: string, where: { line?: number; field?: string } = {}): PodnetInputError =>
    new PodnetInputError('PODNET_KUBE_BAD_CONFIG', problem, { file, ...where }, KUBECONFIG_HINT);
  const lineCounter = new LineCounter();
  const doc = guardedParse(
    () => parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: false }),
    {
      file,
    },
  );
  const syntax = doc.errors[0];
  if (syntax) {
    // The error's own text may quote the offending line: only its kind and position are printed.
    throw bad(`not valid YAML (${syntax.code.toLowerCase().replace(/_/g, ' ')})`, {
      line: syntax.linePos?.[0].line ?? lineCounter.linePos(syntax.pos[0]).line,
    });
  }
  const value = yamlToValue(doc, { file });
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw bad('a kubeconfig must be a mapping with clusters, users and contexts');
  }
  const record = value as Record<string, unknown>;
  for (const key of LIST_KEYS) {
    const list = record[key];
    if (list === undefined || list === null) continue;
    if (!Array.isArray(list)) throw bad('must be a list', { field: key });
    list.forEach((entry: unknown, i: number) => {
      const at = `${key}[${i}]`;
      if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
        throw bad('must be a mapping', { field: at });
      const e = entry as Record<string, unknown>;
      if (typeof e.name !== 'string' || e.name === '')
        throw bad('needs a name (a string)', { field: `${at}.name` });
      const body = e[ENTRY_BODY[key]];
      if (body !== undefined && body !== null && (typeof body !== 'object' || Array.isArray(body))) {
        throw bad('must be a mapping', { field: `${at}.${ENTRY_BODY[key]}` });
      }
      const server = (body as Record<string, unknown> | undefined)?.server;
      if (key === 'clusters' && server !== undefined && typeof server !== 'string') {
        throw bad('must be a URL string', { field: `${at}.cluster.server` });
      }
      // client-node needs an absolute URL ("You need to define an absolute base url"). The value is not
      // echoed: a server string may carry credentials.
      if (key === 'clusters' && typeof server === 'string' && !isHttpUrl(server)) {
        throw bad('must be an absolute http(s) URL such as https://host:6443 (value not shown)', {
          field: `${at}.cluster.server`,
        });
      }
    });
  }
  const current = record['current-context'];
  if (current !== undefined && current !== null && typeof current !== 'string') {
    throw bad('must be a string', { field: 'current-context' });
  }
  return { text, secrets: secretsOf(value) };
}

function isHttpUrl(text: string): boolean {
  try {
    const url = new URL(text);
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.host !== '' && !/\s/.test(text);
  } catch {
    return false;
  }
}

const KUBECONFIG_HINT = 'check the file with `kubectl config view --kubeconfig FILE`';

/** Loads one checked kubeconfig into `kc`, as client-node's loadFromFile would (relative paths made absolute). */
function loadInto(kc: KubeConfig, file: string): void {
  const { text, secrets } = readKubeconfig(file);
  try {
    kc.loadFromString(text);
    kc.makePathsAbsolute(dirname(file));
  } catch (error) {
    throw new PodnetInputError(
      'PODNET_KUBE_BAD_CONFIG',
      `not a usable kubeconfig: ${redactSecrets(cutLine((error as Error).message), secrets)}`,
      { file },
      KUBECONFIG_HINT,
    );
  }
}

function cutLine(message: string): string {
  const first = message.split('\n')[0] ?? '';
  return first.length > 160 ? `${first.slice(0, 157)}...` : first;
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
    loadInto(kc, first as string);
    for (const file of rest) {
      const more = new KubeConfig();
      loadInto(more, file);
      // Like kubectl: the first file that defines a name (or the current context) wins;
      // client-node's mergeConfig would throw on a duplicate name instead.
      for (const c of more.clusters) if (!kc.getCluster(c.name)) kc.addCluster(c);
      for (const u of more.users) if (!kc.getUser(u.name)) kc.addUser(u);
      for (const x of more.contexts) if (!kc.getContextObject(x.name)) kc.addContext(x);
      if (!kc.currentContext && more.currentContext) kc.setCurrentContext(more.currentContext);
    }
  }
  if (options.context !== undefined) {
    if (!kc.getContextObject(options.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new PodnetInputError(
        'PODNET_KUBE_NO_CONTEXT',
        `context ${JSON.stringify(options.context.slice(0, 80))} is not in the kubeconfig`,
        { field: '--context' },
        known.length > 0 ? `known contexts: ${known.join(', ')}` : 'the kubeconfig defines no context',
      );
    }
    kc.setCurrentContext(options.context);
  }
  if (!kc.getCurrentCluster()) {
    throw new PodnetInputError(
      'PODNET_KUBE_NO_CLUSTER',
      `the kubeconfig's current context ${JSON.stringify(kc.getCurrentContext())} names no cluster`,
      {},
      'pass --context NAME',
    );
  }
  return kc;
}
