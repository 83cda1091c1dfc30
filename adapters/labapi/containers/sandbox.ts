/**
 * Runs a command "in a container" of the lab API: inside a lab network namespace (a pod's, or its node's
 * for hostNetwork pods), in its own mount, PID, UTS and IPC namespaces, where the root is an overlay of
 * this machine's / with the changes on a tmpfs, so `/agnhost` and `nc` are the stand-ins of standins/
 * and the spec's bind mounts appear, and the hostname is the pod's. Nothing reaches the host's disk
 * or mount table, and nothing outlives the command:
 *
 *   nsenter --net=/run/netns/NS -- unshare --mount --uts --ipc --pid --fork --kill-child --propagation private
 *     -- /bin/sh -c SETUP podnet-sandbox --podnet-lab=pnID- HOSTNAME STANDINS NODE N [HOST CTR ro|rw]… ARGV…
 *
 * SETUP (a constant; every value arrives as an argument) mounts a tmpfs over /mnt (private to this mount
 * namespace), an overlay with lowerdir=/ and its upper and work dirs on that tmpfs, a fresh /proc for the
 * new PID namespace, /dev (rbind), a /sys of the network namespace, empty /tmp and /run, the stand-ins
 * (read-only) and the bind mounts; writes the two stand-in launchers; then runs ARGV chrooted there as
 * its child and exits with its status. It is PID 1 of the new PID namespace: when it dies, the kernel
 * kills every process left in it. unshare and it carry `--podnet-lab=pnID-`, so the lab's teardown
 * (adapters/lab/cleanup.ts) kills a sandbox whose client vanished; unshare's --kill-child takes PID 1
 * with it. The mount namespace, and with it the tmpfs, goes when its last process does.
 *
 * The setup reports on fd 3 (its errors, then `ready`, then `missing NAME` for an executable that is not
 * in the container); a setup that never got ready and a missing executable become `not-started` (an internal error, as a runtime reports them), never the command's own output.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { isAbsolute } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { PodnetTargetError } from '../../../spec/errors.ts';
import { ensureCHelper } from '../../lab/cHelper.ts';
import { handleOfChild, notFoundMessage } from '../exec/childHandle.ts';
import type { ExecExit, ExecHandle, ExecStreams } from '../exec/types.ts';
import type { SandboxSpec } from './types.ts';

/** The folder of the agnhost and netcat stand-ins (shown read-only at /.podnet/standins). */
const STANDINS_DIR = fileURLToPath(new URL('./standins/', import.meta.url));

/** The C `agnhost connect` (the probe script runs one per probe; a Node start each cost ~0.3 s of CPU). */
const AGNHOST_CONNECT_SOURCE = fileURLToPath(new URL('./standins/agnhostConnect.c', import.meta.url));

/** The C setup (sandboxInit.c), once `ensureSandboxInit` built it; without it the shell script runs. */
const SANDBOX_INIT_SOURCE = fileURLToPath(new URL('./sandboxInit.c', import.meta.url));
let sandboxInit: string | undefined;

/**
 * Builds the C sandbox setup once per source version: later sandboxes of this process run it instead of
 * SANDBOX_SETUP (the same steps with mount(2) instead of a `mount` process each). Returns its path.
 */
export async function ensureSandboxInit(stateRoot: string): Promise<string> {
  sandboxInit = await ensureCHelper(
    stateRoot,
    SANDBOX_INIT_SOURCE,
    "the lab API's sandboxes are set up by a small C program",
    'install gcc (apt-get install gcc)',
  );
  return sandboxInit;
}

/** Which setup later sandboxes run: the C one at `path`, or the shell script (undefined). For tests. */
export function useSandboxInit(path: string | undefined): void {
  sandboxInit = path;
}

/** Compiles the C `agnhost connect` once per source version; returns its path. */
export function ensureAgnhostConnect(stateRoot: string): Promise<string> {
  return ensureCHelper(
    stateRoot,
    AGNHOST_CONNECT_SOURCE,
    "the lab API's sandboxes need a C compiler for their fast agnhost connect",
    'install gcc (apt-get install gcc)',
  );
}

/** PATH as container runtimes default it (containerd's oci.DefaultSpec). */
const CONTAINER_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

const SANDBOX_SETUP = `set -eu
exec 4>&2 2>&3
host=$2 standins=$3 node=$4 fast=$5 n=$6
shift 6
r=/mnt
[ -d "$r" ] || r=/tmp
mount -t tmpfs -o mode=0755,size=64m podnet-sandbox "$r"
mkdir "$r/upper" "$r/work" "$r/root"
mount -t overlay podnet-sandbox -o "lowerdir=/,upperdir=$r/upper,workdir=$r/work" "$r/root"
root=$r/root
mount -t proc proc "$root/proc"
mount --rbind /dev "$root/dev"
mount -t sysfs sysfs "$root/sys"
mount -t tmpfs -o mode=1777 tmpfs "$root/tmp"
mount -t tmpfs -o mode=0755 tmpfs "$root/run"
mkdir -p "$root/.podnet/standins"
: > "$root/.podnet/node"
mount --bind -o ro "$standins" "$root/.podnet/standins"
mount --bind -o ro "$node" "$root/.podnet/node"
# /agnhost is the C stand-in itself: \`connect\` in C, every other subcommand handed to agnhost.mjs.
if [ -n "$fast" ]; then
  : > "$root/agnhost"
  mount --bind -o ro "$fast" "$root/agnhost"
else
  printf '#!/bin/sh\\nexec /.podnet/node /.podnet/standins/agnhost.mjs "$@"\\n' > "$root/agnhost"
  chmod 0755 "$root/agnhost"
fi
# netcat-openbsd itself when the machine has it (agnhost's image carries it); else the stand-in.
if [ -x /bin/nc.openbsd ]; then
  ln -sf /bin/nc.openbsd "$root/usr/bin/nc"
else
  printf '#!/bin/sh\\nexec /.podnet/node /.podnet/standins/nc.mjs "$@"\\n' > "$root/usr/bin/nc"
  chmod 0755 "$root/usr/bin/nc"
fi
while [ "$n" -gt 0 ]; do
  if [ -d "$1" ]; then mkdir -p "$root$2"; else mkdir -p "$root$(dirname "$2")"; : > "$root$2"; fi
  mount --bind "$1" "$root$2"
  if [ "$3" = ro ]; then mount -o remount,bind,ro "$root$2"; fi
  shift 3
  n=$((n - 1))
done
printf '%s' "$host" > /proc/sys/kernel/hostname
echo ready >&3
set +e
chroot "$root" /bin/sh -c 'command -v "$1" >/dev/null 2>&1 || { printf "missing %s\\n" "$1" >&3; exit 127; }; exec "$@" 3>&-' podnet-exec "$@" 2>&4 4>&-
exit $?
`;

/** A lab's prefix: `pn` + its id (6 hex digits; 4 for labs made before ids grew) + `-` (adapters/lab/names.ts). */
const LAB_PREFIX = /^pn(?:[0-9a-f]{6}|[0-9a-f]{4})-$/;

/** Throws unless the spec names a lab namespace of its own lab and sane paths. */
function checkSandboxSpec(spec: SandboxSpec): void {
  const bad = (what: string) => new PodnetTargetError('PODNET_LABAPI_SANDBOX', `sandbox: ${what}`);
  if (!LAB_PREFIX.test(spec.labPrefix)) throw bad(`lab prefix "${spec.labPrefix}" is not pn<lab id>-`);
  if (!spec.netns.startsWith(spec.labPrefix) || !/^[A-Za-z0-9_.-]+$/.test(spec.netns))
    throw bad(`network namespace "${spec.netns}" is not one of lab ${spec.labPrefix}`);
  if (!existsSync(`/run/netns/${spec.netns}`)) throw bad(`network namespace "${spec.netns}" does not exist`);
  if (!/^[A-Za-z0-9.-]{1,64}$/.test(spec.hostname))
    throw bad(`hostname "${spec.hostname}" is not a host name`);
  if (spec.fastConnect !== undefined && (!isAbsolute(spec.fastConnect) || !existsSync(spec.fastConnect)))
    throw bad(`agnhost connect helper "${spec.fastConnect}" does not exist`);
  for (const m of spec.mounts ?? []) {
    if (!isAbsolute(m.hostPath) || !existsSync(m.hostPath))
      throw bad(`mount source "${m.hostPath}" does not exist`);
    if (!isAbsolute(m.containerPath) || m.containerPath === '/' || m.containerPath.split('/').includes('..'))
      throw bad(`mount target "${m.containerPath}" must be an absolute path below /, without ..`);
  }
}

/** The argv that runs `argv` in the sandbox of `spec`. */
function sandboxArgv(spec: SandboxSpec, argv: readonly string[]): string[] {
  const mounts = spec.mounts ?? [];
  return [
    'nsenter',
    `--net=/run/netns/${spec.netns}`,
    '--',
    'unshare',
    '--mount',
    '--uts',
    '--ipc',
    '--pid',
    '--fork',
    '--kill-child',
    '--propagation',
    'private',
    '--',
    ...(sandboxInit !== undefined ? [sandboxInit] : ['/bin/sh', '-c', SANDBOX_SETUP, 'podnet-sandbox']),
    `--podnet-lab=${spec.labPrefix}`,
    spec.hostname,
    STANDINS_DIR,
    process.execPath,
    spec.fastConnect ?? '',
    String(mounts.length),
    ...mounts.flatMap((m) => [m.hostPath, m.containerPath, m.readOnly ? 'ro' : 'rw']),
    ...argv,
  ];
}

function describeExit(exit: ExecExit): string {
  if (exit.kind === 'exited') return `setup exited ${exit.code}`;
  if (exit.kind === 'signaled') return `setup killed by ${exit.signal}`;
  return exit.message;
}

/** Runs `argv` in the sandbox of `spec` (see the file comment). Throws for a spec that is not the lab's. */
export function spawnInSandbox(spec: SandboxSpec, argv: readonly string[], streams: ExecStreams): ExecHandle {
  checkSandboxSpec(spec);
  if (argv.length === 0) throw new PodnetTargetError('PODNET_LABAPI_SANDBOX', 'sandbox: no command given');
  const [file, ...args] = sandboxArgv(spec, argv);
  const child = spawn(file as string, args, {
    detached: true,
    env: { PATH: CONTAINER_PATH, HOSTNAME: spec.hostname, HOME: '/root', ...spec.env },
    stdio: [
      streams.stdin ? 'pipe' : 'ignore',
      streams.stdout ? 'pipe' : 'ignore',
      streams.stderr ? 'pipe' : 'ignore',
      'pipe',
    ],
  });
  let report = '';
  const side = child.stdio[3] as Readable;
  side.setEncoding('utf8');
  side.on('data', (d: string) => {
    report += d;
  });
  const sideClosed = new Promise<void>((resolve) => side.once('close', () => resolve()));
  const base = handleOfChild(child);
  const exited = (async (): Promise<ExecExit> => {
    const exit = await base.exited;
    await sideClosed;
    if (exit.kind === 'signaled') return exit;
    const lines = report.split('\n');
    const ready = lines.indexOf('ready');
    if (ready < 0) {
      const why =
        lines
          .filter((l) => l.trim() !== '')
          .slice(0, 3)
          .join('; ') || describeExit(exit);
      return { kind: 'not-started', message: `the lab sandbox could not be set up: ${why}` };
    }
    const missing = lines.slice(ready + 1).find((l) => l.startsWith('missing '));
    if (missing) return { kind: 'not-started', message: notFoundMessage(missing.slice('missing '.length)) };
    return exit;
  })();
  return { ...base, exited };
}
