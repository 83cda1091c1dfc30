/**
 * What `podnet lab up --api`, `lab status` and `lab down` do for the lab API: start the daemon (daemon.ts)
 * detached, wait until it serves and answers `/version` over TLS with the lab's CA (or fail with its last
 * log lines), find the API of a running lab (`/run/podnet/<id>/api.json`), and remove the kubeconfig
 * `lab up` wrote when the lab goes.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PodnetInputError, PodnetTargetError } from '../../spec/errors.ts';
import { checkOutputFile } from '../../spec/inputFile.ts';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import type { ProxyMode } from '../../spec/target.ts';
import { listNetns } from '../lab/cleanup.ts';
import { checkLabOptions, labDown } from '../lab/control.ts';
import type { FaultName } from '../lab/faults.ts';
import { DEFAULT_STATE_ROOT, isLabId, newLabId } from '../lab/names.ts';
import { labPaths } from '../lab/state.ts';
import { parseApiFaults } from './apiFaults.ts';
import { API_RECORD, type LabApiRecord } from './apiRecord.ts';
import { contextName } from './kubeconfig.ts';
import type { LabApiOptions } from './labApi.ts';

/**
 * The daemon beside this module: `daemon.js` in the built package, `daemon.ts` (through tsx, a dev
 * dependency) when podnet runs from source, as the tests do.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
const DAEMON_PATH = fileURLToPath(new URL(FROM_SOURCE ? './daemon.ts' : './daemon.js', import.meta.url));

/** The default kubeconfig file `lab up --api` writes (in the current directory). */
export const DEFAULT_KUBECONFIG = 'podnet-lab.kubeconfig';

/** Bound on building the lab and starting the API (default 120 s: the machine may be busy). */
const API_START_TIMEOUT_MS = 120_000;

export interface LabApiUpOptions {
  readonly nodes?: number;
  readonly segments?: number;
  readonly backend?: FlannelBackendType;
  readonly faults?: readonly string[];
  readonly proxyMode?: ProxyMode;
  readonly apiFaults?: string;
  /** Absolute path of the kubeconfig to write. */
  readonly kubeconfigOut: string;
  readonly labId?: string;
  readonly stateRoot?: string;
  readonly startTimeoutMs?: number;
}

/** GET /version with the lab's CA: resolves with the body, rejects on anything but 200. */
function getVersion(url: string, caPem: string): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/version`, { ca: caPem, timeout: 5000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        body += d;
      });
      res.on('end', () => {
        if (res.statusCode === 200) resolve(JSON.parse(body));
        else reject(new Error(`HTTP ${res.statusCode}: ${body.slice(0, 200)}`));
      });
    });
    req.on('timeout', () => req.destroy(new Error('no answer in 5 s')));
    req.on('error', reject);
    req.end();
  });
}

/** Starts a lab with its API; resolves once the API answers /version. */
export async function labApiUp(options: LabApiUpOptions): Promise<LabApiRecord> {
  checkLabOptions(options.backend, options.faults ?? []);
  parseApiFaults(options.apiFaults);
  checkOutputFile(options.kubeconfigOut, 'kubeconfig');
  const stateRoot = options.stateRoot ?? DEFAULT_STATE_ROOT;
  const labId = options.labId ?? newLabId();
  if (!isLabId(labId))
    throw new PodnetInputError(
      'PODNET_LAB_ID',
      `lab id "${labId}" must be 6 hex digits`,
      {},
      'for example 1a2b3c',
    );
  const paths = labPaths(stateRoot, labId);
  if (existsSync(paths.dir) || (await listNetns()).some((n) => n.startsWith(`pn${labId}-`)))
    throw new PodnetInputError(
      'PODNET_LAB_EXISTS',
      `lab ${labId} already exists`,
      {},
      'pick another --lab id or remove it with `podnet lab down --lab ID`',
    );
  const config: Omit<LabApiOptions, 'log'> & { logFile: string } = {
    labId,
    stateRoot,
    ...(options.nodes !== undefined ? { nodes: options.nodes } : {}),
    ...(options.segments !== undefined ? { segments: options.segments } : {}),
    ...(options.backend ? { backend: options.backend } : {}),
    faults: (options.faults ?? []) as FaultName[],
    ...(options.proxyMode ? { proxyMode: options.proxyMode } : {}),
    ...(options.apiFaults ? { apiFaults: options.apiFaults } : {}),
    kubeconfigOut: options.kubeconfigOut,
    logFile: paths.log('api'),
  };
  const loader = FROM_SOURCE ? ['--import', fileURLToPath(import.meta.resolve('tsx'))] : [];
  const child = spawn(
    process.execPath,
    [...loader, DAEMON_PATH, `--podnet-lab=pn${labId}-`, JSON.stringify(config)],
    { detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const lines: string[] = [];
  // Ctrl-C while the lab is being built ends the daemon too (it tears the lab down on SIGTERM).
  const interrupt = (signal: NodeJS.Signals) => {
    try {
      if (child.pid) process.kill(child.pid, 'SIGTERM');
    } catch {}
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    const fail = (why: string) => {
      clearTimeout(timer);
      try {
        if (child.pid) process.kill(child.pid, 'SIGTERM');
      } catch {}
      const tail = lines
        .slice(-12)
        .map((l) => `    ${l}`)
        .join('\n');
      reject(
        new PodnetTargetError(
          'PODNET_LABAPI_START',
          `the lab API did not start: ${why}${tail ? `\n  its last lines:\n${tail}` : ''}`,
        ),
      );
    };
    const timer = setTimeout(
      () => fail(`no answer within ${Math.round((options.startTimeoutMs ?? API_START_TIMEOUT_MS) / 1000)} s`),
      options.startTimeoutMs ?? API_START_TIMEOUT_MS,
    );
    const onData = (d: Buffer) => {
      out += d.toString('utf8');
      const parts = out.split('\n');
      out = parts.pop() ?? '';
      for (const line of parts) {
        lines.push(line);
        const m = /^ready (https:\/\/\S+)$/.exec(line);
        if (m) {
          clearTimeout(timer);
          resolve(m[1] as string);
        }
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.on('error', (e) => fail(e.message));
    child.on('exit', (code, signal) => fail(`it exited (${signal ?? `code ${code}`})`));
  }).finally(() => {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
  });
  child.removeAllListeners('exit');
  child.stdout?.destroy();
  child.stderr?.destroy();
  child.unref();
  const ca = await readFile(join(paths.dir, 'api', 'ca.crt'), 'utf8');
  try {
    await getVersion(url, ca);
  } catch (error) {
    throw new PodnetTargetError(
      'PODNET_LABAPI_START',
      `the lab API at ${url} does not answer /version: ${(error as Error).message}`,
      `see ${paths.log('api')}`,
    );
  }
  const record = await readLabApiRecord(labId, stateRoot);
  if (!record)
    throw new PodnetTargetError(
      'PODNET_LABAPI_START',
      `the lab API wrote no ${API_RECORD}`,
      `see ${paths.log('api')}`,
    );
  return record;
}

/**
 * A lab API for one program run (the kube-lab selftest's trials, the live exec bench): its kubeconfig in
 * a fresh temporary folder, its id `labId` or a new one. `stop()` takes the lab and its API down and
 * removes the kubeconfig and the folder; a start that fails has already stopped.
 */
export async function startTemporaryLabApi(
  options: Omit<LabApiUpOptions, 'kubeconfigOut'>,
): Promise<{ readonly api: LabApiRecord; stop(): Promise<void> }> {
  const dir = await mkdtemp(join(tmpdir(), 'podnet-lab-api-'));
  const labId = options.labId ?? newLabId();
  const stop = async () => {
    await removeLabKubeconfig(labId, options.stateRoot).catch(() => {});
    await labDown({ id: labId }, options.stateRoot);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    return { api: await labApiUp({ ...options, labId, kubeconfigOut: join(dir, 'kubeconfig') }), stop };
  } catch (error) {
    await stop().catch(() => {});
    throw error;
  }
}

/** The API of lab `labId`, if it runs one. */
export async function readLabApiRecord(
  labId: string,
  stateRoot = DEFAULT_STATE_ROOT,
): Promise<LabApiRecord | undefined> {
  try {
    return JSON.parse(
      await readFile(join(labPaths(stateRoot, labId).dir, API_RECORD), 'utf8'),
    ) as LabApiRecord;
  } catch {
    return undefined;
  }
}

/**
 * Removes the kubeconfig `lab up --api` wrote for lab `labId`, if it is still that file (it names the lab's
 * context); a file the user replaced is left alone. Call before the lab's state folder goes.
 */
export async function removeLabKubeconfig(
  labId: string,
  stateRoot = DEFAULT_STATE_ROOT,
): Promise<string | undefined> {
  const record = await readLabApiRecord(labId, stateRoot);
  return record ? removeKubeconfigOf(record) : undefined;
}

/** Removes the kubeconfig a lab API record names, if that file still names the lab's context. */
export async function removeKubeconfigOf(record: LabApiRecord): Promise<string | undefined> {
  const text = await readFile(record.kubeconfig, 'utf8').catch(() => undefined);
  if (text === undefined || !text.includes(`current-context: ${contextName(record.labId)}`)) return undefined;
  await rm(record.kubeconfig, { force: true });
  return record.kubeconfig;
}
