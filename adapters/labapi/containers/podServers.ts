/**
 * What a pod's containers serve, as agnhost would, since the lab runs no images: the lab's pod agent then
 * answers on exactly these listeners (LabTargetOptions.podReplies). Each behaviour follows agnhost's source
 * in kubernetes/kubernetes test/images/agnhost/ (the stand-in in standins/agnhost.mjs follows the same and
 * the tests hold the two together):
 * - the image's entrypoint is /agnhost; `command` (if given) replaces it, `args` follow (test/images/agnhost/Dockerfile);
 * - serve-hostname (serve-hostname/serve_hostname.go): --tcp writes the hostname and closes, --udp answers
 *   every datagram with it, --http (default true) serves it over HTTP, on --port (default 9376); --http
 *   with --tcp or --udp is fatal (log.Fatalf, so the container crash-loops);
 * - porter (porter/porter.go): SERVE_PORT_N and SERVE_TCP_PORT_N serve the value over HTTP on N,
 *   SERVE_UDP_PORT_N answers datagrams with it, SERVE_SCTP_PORT_N needs SCTP (fatal on the lab's kernel,
 *   which has none), SERVE_TLS_PORT_N serves HTTPS (not emulated: reported as unsupported);
 * - pause (pause/pause.go): serves nothing.
 * The hostname is the pod's as the kubelet sets it (pkg/kubelet/kubelet_pods.go GeneratePodHostNameAndDomain:
 * spec.hostname, else the pod's name, cut to 63 characters without a trailing '-' or '.'); a hostNetwork
 * pod has its node's hostname, which in the lab is the node's name.
 */
import type { V1Container, V1Pod } from '@kubernetes/client-node';
import type { ContainerProblem, PodServers, ServedReply } from './types.ts';

const AGNHOST_IMAGE = /(^|\/)agnhost(:[^/]*|@sha256:[0-9a-f]+)?$/;
const AGNHOST_BINARY = new Set(['/agnhost', 'agnhost']);

/** The hostname a pod's containers see (`os.Hostname()` in serve-hostname). */
export function hostnameOfPod(pod: V1Pod): string {
  if (pod.spec?.hostNetwork) return pod.spec.nodeName ?? '';
  const wanted = pod.spec?.hostname || pod.metadata?.name || '';
  return wanted.length <= 63 ? wanted : wanted.slice(0, 63).replace(/[-.]+$/, '');
}

type Flags = Record<string, string | boolean | number>;

/** pflag's parsing of long flags; an error text as cobra prints it. */
function parseFlags(
  args: readonly string[],
  spec: Readonly<Record<string, 'bool' | 'int'>>,
  defaults: Flags,
): { flags: Flags; positional: string[] } | { error: string } {
  const flags: Flags = { ...defaults };
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i] as string;
    if (a === '--') {
      positional.push(...args.slice(i + 1));
      break;
    }
    if (!a.startsWith('--')) {
      if (a.startsWith('-') && a.length > 1) return { error: `unknown shorthand flag: '${a[1]}' in ${a}` };
      positional.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = a.slice(2, eq < 0 ? undefined : eq);
    const kind = spec[name];
    if (!kind) return { error: `unknown flag: --${name}` };
    let value = eq < 0 ? undefined : a.slice(eq + 1);
    if (kind === 'bool') {
      value ??= 'true';
      if (['true', '1', 't', 'T', 'TRUE', 'True'].includes(value)) flags[name] = true;
      else if (['false', '0', 'f', 'F', 'FALSE', 'False'].includes(value)) flags[name] = false;
      else
        return {
          error: `invalid argument "${value}" for "--${name}" flag: strconv.ParseBool: parsing "${value}": invalid syntax`,
        };
      continue;
    }
    if (value === undefined) {
      if (i + 1 >= args.length) return { error: `flag needs an argument: --${name}` };
      value = args[++i] as string;
    }
    if (!/^[-+]?\d+$/.test(value))
      return {
        error: `invalid argument "${value}" for "--${name}" flag: strconv.ParseInt: parsing "${value}": invalid syntax`,
      };
    flags[name] = Number(value);
  }
  return { flags, positional };
}

/** agnhost's subcommand and its arguments, or why the container is not agnhost. */
function agnhostInvocation(c: V1Container): { sub: string; args: string[] } | ContainerProblem {
  if (!AGNHOST_IMAGE.test(c.image ?? '')) {
    return {
      container: c.name,
      reason: 'ErrImagePull',
      message:
        `the podnet lab API pulls no images and runs only agnhost (registry.k8s.io/e2e-test-images/agnhost); ` +
        `image "${c.image ?? ''}" cannot run here`,
    };
  }
  const argv = [...(c.command ?? ['/agnhost']), ...(c.args ?? [])];
  if (!AGNHOST_BINARY.has(argv[0] as string)) {
    return {
      container: c.name,
      reason: 'CreateContainerError',
      message: `the podnet lab API runs agnhost's own subcommands only, not the command ${JSON.stringify(argv[0])}`,
    };
  }
  const [sub, ...args] = argv.slice(1);
  if (sub === undefined)
    return {
      container: c.name,
      reason: 'CrashLoopBackOff',
      message: 'agnhost without a subcommand prints its usage and exits',
    };
  return { sub, args };
}

function isProblem(x: unknown): x is ContainerProblem {
  return typeof x === 'object' && x !== null && 'reason' in x;
}

/** What the pod's containers serve, as agnhost would; containers that cannot run, and why. */
export function podServers(pod: V1Pod): PodServers {
  const hostname = hostnameOfPod(pod);
  const replies: ServedReply[] = [];
  const problems: ContainerProblem[] = [];
  const unsupported: { container: string; what: string }[] = [];
  const taken = (port: number, protocol: 'TCP' | 'UDP') =>
    replies.some((r) => r.port === port && r.protocol === protocol);
  const crash = (container: string, message: string) =>
    problems.push({ container, reason: 'CrashLoopBackOff', message });

  for (const c of pod.spec?.containers ?? []) {
    const inv = agnhostInvocation(c);
    if (isProblem(inv)) {
      problems.push(inv);
      continue;
    }
    if (inv.sub === 'pause') continue;
    if (inv.sub === 'serve-hostname') {
      const parsed = parseFlags(
        inv.args,
        { tcp: 'bool', udp: 'bool', http: 'bool', close: 'bool', port: 'int' },
        { tcp: false, udp: false, http: true, close: false, port: 9376 },
      );
      if ('error' in parsed) {
        crash(c.name, `Error: ${parsed.error}`);
        continue;
      }
      if (parsed.positional.length > 0) {
        crash(c.name, `Error: accepts at most 0 arg(s), received ${parsed.positional.length}`);
        continue;
      }
      const { tcp, udp, http, port } = parsed.flags as {
        tcp: boolean;
        udp: boolean;
        http: boolean;
        port: number;
      };
      if (http && (tcp || udp)) {
        crash(c.name, "Can't server TCP/UDP mode and HTTP mode at the same time");
        continue;
      }
      const wanted: ServedReply[] = [];
      if (tcp) wanted.push({ port, protocol: 'TCP', mode: 'tcp-raw', text: hostname, container: c.name });
      if (udp) wanted.push({ port, protocol: 'UDP', mode: 'udp', text: hostname, container: c.name });
      if (http) wanted.push({ port, protocol: 'TCP', mode: 'http', text: hostname, container: c.name });
      const clash = wanted.find((w) => taken(w.port, w.protocol as 'TCP' | 'UDP'));
      if (clash) {
        crash(
          c.name,
          `Error from net.Listen(): listen ${clash.protocol.toLowerCase()} :${port}: bind: address already in use`,
        );
        continue;
      }
      replies.push(...wanted);
      continue;
    }
    if (inv.sub === 'porter') {
      const parsed = parseFlags(inv.args, { 'json-response': 'bool' }, { 'json-response': false });
      if ('error' in parsed) {
        crash(c.name, `Error: ${parsed.error}`);
        continue;
      }
      const json = parsed.flags['json-response'] === true;
      let fatal: string | undefined;
      for (const env of c.env ?? []) {
        const m = /^SERVE_(PORT|TCP_PORT|UDP_PORT|SCTP_PORT|TLS_PORT)_(.*)$/.exec(env.name);
        if (!m) continue;
        const [, kind, portText] = m as unknown as [string, string, string];
        if (env.value === undefined) {
          unsupported.push({
            container: c.name,
            what: `${env.name} from valueFrom (only literal values are read)`,
          });
          continue;
        }
        const port = Number(portText);
        if (kind === 'SCTP_PORT') {
          fatal = 'Failed to listen SCTP. error: protocol not supported';
          continue;
        }
        if (kind === 'TLS_PORT') {
          unsupported.push({ container: c.name, what: `${env.name}: porter's TLS listener is not emulated` });
          continue;
        }
        if (!Number.isInteger(port) || port < 1 || port > 65535) continue;
        if (kind === 'UDP_PORT') {
          if (taken(port, 'UDP'))
            fatal = `UDP: failed to listen on port ${portText}: bind: address already in use`;
          else replies.push({ port, protocol: 'UDP', mode: 'udp', text: env.value, container: c.name });
          continue;
        }
        if (json) {
          unsupported.push({
            container: c.name,
            what: `${env.name} with --json-response (the answer depends on the request)`,
          });
          continue;
        }
        // A TCP listener that cannot bind is only logged by porter; the container keeps running.
        if (!taken(port, 'TCP'))
          replies.push({ port, protocol: 'TCP', mode: 'http', text: env.value, container: c.name });
      }
      if (fatal !== undefined) {
        for (let i = replies.length - 1; i >= 0; i--)
          if (replies[i]?.container === c.name) replies.splice(i, 1);
        crash(c.name, fatal);
      }
      continue;
    }
    problems.push({
      container: c.name,
      reason: 'CreateContainerError',
      message: `the podnet lab's agnhost stand-in does not implement "${inv.sub}" (it has connect, serve-hostname, porter, pause)`,
    });
  }
  return { replies, problems, unsupported };
}
