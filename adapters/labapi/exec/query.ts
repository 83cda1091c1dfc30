/**
 * The exec request before the upgrade: its query (`PodExecOptions`) and the container it names.
 * - booleans: absent, `0` or `false` (any case) are false, anything else true
 *   (staging/src/k8s.io/apimachinery/pkg/runtime/conversion.go, Convert_Slice_string_To_bool);
 * - with a TTY, stderr is bypassed, and at least one of stdin/stdout/stderr is required
 *   (pkg/kubelet/cri/streaming/remotecommand/httpstream.go, NewOptions);
 * - the container: the one named must exist; none named picks the only one, else a BadRequest listing them
 *   (pkg/registry/core/pod/strategy.go, streamLocation).
 */
import type { V1Pod } from '@kubernetes/client-node';
import type { ExecQuery, ExecStatus } from './types.ts';

/** A request refused before the upgrade: the HTTP code and the Status body. */
export interface ExecRefusal {
  readonly code: number;
  readonly status: ExecStatus;
}

/** A Status for an HTTP error answer (reason as apimachinery's errors package names it). */
export function refusal(code: number, reason: string, message: string): ExecRefusal {
  return { code, status: { metadata: {}, status: 'Failure', message, reason, code } };
}

function queryBool(params: URLSearchParams, name: string): boolean {
  const value = params.get(name);
  if (value === null) return false;
  return !(value === '0' || value.toLowerCase() === 'false');
}

/** Parses an exec URL's query; a refusal for a request no server would run. */
export function parseExecQuery(url: string): ExecQuery | ExecRefusal {
  const params = new URL(url, 'http://localhost').searchParams;
  const tty = queryBool(params, 'tty');
  const stdin = queryBool(params, 'stdin');
  const stdout = queryBool(params, 'stdout');
  const stderr = queryBool(params, 'stderr') && !tty;
  const command = params.getAll('command');
  const container = params.get('container');
  if (!stdin && !stdout && !stderr)
    return refusal(400, 'BadRequest', 'you must specify at least 1 of stdin, stdout, stderr');
  if (command.length === 0) return refusal(400, 'BadRequest', 'you must specify at least 1 command');
  return {
    command,
    ...(container !== null && container !== '' ? { container } : {}),
    stdin,
    stdout,
    stderr,
    tty,
  };
}

export function isRefusal(value: ExecQuery | ExecRefusal): value is ExecRefusal {
  return 'status' in value;
}

/** The container an exec runs in, as the API server resolves it, or a BadRequest. */
export function resolveExecContainer(pod: V1Pod, container: string | undefined): string | ExecRefusal {
  const name = pod.metadata?.name ?? '';
  const containers = (pod.spec?.containers ?? []).map((c) => c.name);
  const inits = (pod.spec?.initContainers ?? []).map((c) => c.name);
  if (container === undefined) {
    if (containers.length === 1) return containers[0] as string;
    if (containers.length === 0)
      return refusal(400, 'BadRequest', `a container name must be specified for pod ${name}`);
    const inInits = inits.length > 0 ? ` or one of the init containers: [${inits.join(' ')}]` : '';
    return refusal(
      400,
      'BadRequest',
      `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]${inInits}`,
    );
  }
  if (!containers.includes(container) && !inits.includes(container))
    return refusal(400, 'BadRequest', `container ${container} is not valid for pod ${name}`);
  return container;
}
