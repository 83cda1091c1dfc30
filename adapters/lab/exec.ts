/** Subprocesses of the lab: execa with argument arrays only, never a shell string. */
import { execa } from 'execa';
import { PodnetTargetError } from '../../spec/errors.ts';
import { commandRunner } from './spawner.ts';

/** Runs `argv`; `input` goes to stdin. Rejects with a target error carrying stderr on non-zero exit. */
export async function run(argv: readonly string[], input?: string): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('run: empty argv');
  const runner = await commandRunner();
  if (runner) {
    // `nsenter --net=PATH -- CMD…` (inNetns): the runner enters the namespace itself before exec.
    const netns =
      file === 'nsenter' && args[0]?.startsWith('--net=') && args[1] === '--' ? args[0].slice(6) : undefined;
    const r = await runner.run(netns !== undefined ? args.slice(2) : argv, input, netns);
    if (r.code !== 0)
      throw commandFailed(argv, r.stderr.trim() || (r.code < 0 ? 'could not start' : `exit code ${r.code}`));
    return r.stdout;
  }
  return runDirect(argv, input);
}

/** Runs `argv` with execa, from this process (what `run` does when the command runner is not available). */
export async function runDirect(argv: readonly string[], input?: string): Promise<string> {
  const [file, ...args] = argv;
  if (file === undefined) throw new Error('run: empty argv');
  const result = await execa(file, args, {
    ...(input === undefined ? { stdin: 'ignore' as const } : { input }),
    reject: false,
    stripFinalNewline: false,
  });
  if (result.exitCode !== 0 || result.failed) {
    throw commandFailed(argv, String(result.stderr || result.shortMessage || '').trim());
  }
  return String(result.stdout);
}

function commandFailed(argv: readonly string[], err: string): PodnetTargetError {
  return new PodnetTargetError(
    'PODNET_LAB_COMMAND_FAILED',
    `lab command failed: ${argv.join(' ')}${err ? `\n  ${err.split('\n').slice(0, 6).join('\n  ')}` : ''}`,
  );
}

/** Runs `argv` and ignores failure (teardown paths); returns whether it succeeded. */
export async function tryRun(argv: readonly string[], input?: string): Promise<boolean> {
  try {
    await run(argv, input);
    return true;
  } catch {
    return false;
  }
}

/** Runs many `ip` commands in one process, inside `netns` (or the root namespace when undefined). */
export async function ipBatch(netns: string | undefined, lines: readonly string[]): Promise<void> {
  if (lines.length === 0) return;
  // Not `ip -n`: it enters the namespace and then builds a mount namespace with a fresh /sys on every call
  // (iproute2 lib/namespace.c netns_switch), which no `ip` line here needs; the runner just enters it.
  const argv = netns === undefined ? ['ip', '-batch', '-'] : inNetns(netns, ['ip', '-batch', '-']);
  await run(argv, `${lines.join('\n')}\n`);
}

/**
 * `argv` run inside network namespace `netns`. nsenter enters only the network namespace; `ip netns exec`
 * also builds a mount namespace and remounts /sys, which costs ~0.2 s per process here.
 */
export function inNetns(netns: string, argv: readonly string[]): string[] {
  return ['nsenter', `--net=/run/netns/${netns}`, '--', ...argv];
}

/**
 * The LabExec handed to the netfilter agents: runs argv as given, except that `ip netns exec NS …`
 * becomes the cheaper `nsenter --net` (same network namespace, no mount namespace work).
 */
export function labExec(argv: readonly string[], input?: string): Promise<string> {
  if (argv[0] === 'ip' && argv[1] === 'netns' && argv[2] === 'exec' && argv[3] !== undefined) {
    return run(inNetns(argv[3], argv.slice(4)), input);
  }
  return run(argv, input);
}
