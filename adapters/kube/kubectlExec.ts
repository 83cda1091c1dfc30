/**
 * `kubectl exec` through execa, argument arrays only (never a shell string). kubectl is used rather than
 * client-node's Exec class, whose promise resolves when the socket opens, not when the command ends, and
 * whose exit status is not always delivered (docs/research/typescript.md §3); kubectl returns the remote
 * exit code.
 */
import { execa } from 'execa';
import { redactUrlCredentials } from '../../spec/redact.ts';

/** How kubectl finds the cluster: the same flags the user gave podnet. */
export interface KubectlConnection {
  readonly kubectl?: string;
  readonly kubeconfig?: string;
  readonly context?: string;
  /**
   * kubectl's `--request-timeout`. Not set by the target: on a streaming exec it may bound the whole
   * stream, not just the connection; the runner's own kill timeout bounds each exec instead.
   */
  readonly requestTimeoutMs?: number;
}

export interface ExecTarget {
  readonly namespace: string;
  readonly pod: string;
  readonly container: string;
}

/** The exact argv of `kubectl exec` running `command` in one container. */
export function kubectlExecArgv(
  conn: KubectlConnection,
  target: ExecTarget,
  command: readonly string[],
  options: { readonly stdin?: boolean } = {},
): string[] {
  return [
    conn.kubectl ?? 'kubectl',
    ...(conn.kubeconfig !== undefined ? ['--kubeconfig', conn.kubeconfig] : []),
    ...(conn.context !== undefined ? ['--context', conn.context] : []),
    ...(conn.requestTimeoutMs !== undefined
      ? [`--request-timeout=${Math.ceil(conn.requestTimeoutMs / 1000)}s`]
      : []),
    'exec',
    ...(options.stdin ? ['--stdin'] : []),
    '--namespace',
    target.namespace,
    target.pod,
    '--container',
    target.container,
    '--',
    ...command,
  ];
}

export interface ExecOutcome {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Set when the process could not run or was killed (timeout, abort). */
  readonly failure?: string;
  readonly durationMs: number;
}

/** Runs an argv and reports what happened; never throws for a failing command. */
export type ExecRunner = (
  argv: readonly string[],
  options: { readonly timeoutMs: number; readonly signal?: AbortSignal },
) => Promise<ExecOutcome>;

/** The real runner: execa, no shell, no stdin, killed after `timeoutMs`. */
export const execaRunner: ExecRunner = async (argv, options) => {
  const [file, ...args] = argv;
  const started = performance.now();
  if (file === undefined)
    return { exitCode: -1, stdout: '', stderr: '', failure: 'empty argv', durationMs: 0 };
  const r = await execa(file, args, {
    reject: false,
    stdin: 'ignore',
    timeout: options.timeoutMs,
    ...(options.signal ? { cancelSignal: options.signal } : {}),
    stripFinalNewline: false,
    maxBuffer: 16 * 1024 * 1024,
  });
  const durationMs = performance.now() - started;
  const failure = r.timedOut
    ? `timed out after ${options.timeoutMs} ms`
    : r.isCanceled
      ? 'aborted'
      : r.exitCode === undefined
        ? (r.shortMessage ?? 'could not run')
        : undefined;
  return {
    exitCode: r.exitCode ?? -1,
    stdout: String(r.stdout ?? ''),
    // kubectl names the server in its errors; those end up in findings and reports.
    stderr: redactUrlCredentials(String(r.stderr ?? '')),
    ...(failure !== undefined ? { failure: redactUrlCredentials(failure) } : {}),
    durationMs,
  };
};
