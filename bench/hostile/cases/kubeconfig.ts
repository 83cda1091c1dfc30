/**
 * Kubeconfigs: malformed YAML with a token or key planted in it (a parse error must never print the
 * secret), a server URL with user:password (redacted wherever printed or recorded), a FIFO, missing
 * contexts, a server that is not a URL. The server is 127.0.0.1 on a closed port inside the sandbox's
 * own network namespace: unreachable is exit 3, malformed input is exit 2.
 */
import { kubeconfig } from '../fixtures.ts';
import { fifo, put } from '../setup.ts';
import type { CaseContext, HostileCase } from '../types.ts';

/** A string that must appear nowhere podnet prints or writes. */
const SECRET = 'PNXSECRET0x7f3a9c1e5b';

interface KubeCommand {
  readonly id: string;
  readonly argv: (file: string) => string[];
}

const COMMANDS: readonly KubeCommand[] = [
  { id: 'predict --from-cluster', argv: (f) => ['predict', '--from-cluster', '--kubeconfig', f] },
  { id: 'cleanup --all', argv: (f) => ['cleanup', '--all', '--kubeconfig', f] },
];

interface Config {
  readonly name: string;
  readonly setup: (ctx: CaseContext) => void;
  readonly exit: number;
  readonly stderr: readonly RegExp[];
  readonly extraArgs?: readonly string[];
  readonly env?: (ctx: CaseContext) => Readonly<Record<string, string>>;
  /** The kubeconfig is given through KUBECONFIG, not --kubeconfig. */
  readonly viaEnv?: boolean;
}

const write = (text: string) => (ctx: CaseContext) => put(ctx, 'kubeconfig', text);

const CONFIGS: readonly Config[] = [
  {
    name: 'malformed YAML after a token',
    setup: write(`${kubeconfig({ token: SECRET })}clusters: [unclosed\n`),
    exit: 2,
    stderr: [/kubeconfig/],
  },
  {
    name: 'malformed YAML inside a client-key-data line',
    setup: write(
      kubeconfig({ extraUser: `    client-key-data: "${SECRET}\n      broken: [` }).replace(
        'current-context',
        'x: ]\ncurrent-context',
      ),
    ),
    exit: 2,
    stderr: [/kubeconfig/],
  },
  {
    name: 'a token where a mapping should be',
    setup: write(
      kubeconfig().replace('users:\n- name: u\n  user:', `users:\n- name: u\n  user: ${SECRET}\n  x:`),
    ),
    exit: 2,
    stderr: [/kubeconfig/],
  },
  {
    name: 'a duplicate key next to a token',
    setup: write(kubeconfig({ token: SECRET }).replace('kind: Config', 'kind: Config\nkind: Config')),
    exit: 2,
    stderr: [/kubeconfig/],
  },
  {
    name: 'a valid token, server unreachable',
    setup: write(kubeconfig({ token: SECRET })),
    exit: 3,
    stderr: [/127\.0\.0\.1|unreachable|refused|connect/i],
  },
  {
    name: 'a server URL with user:password, unreachable',
    setup: write(kubeconfig({ server: `https://admin:${SECRET}@127.0.0.1:1` })),
    exit: 3,
    stderr: [/127\.0\.0\.1|unreachable|refused|connect/i],
  },
  {
    name: 'a FIFO',
    setup: (ctx) => fifo(ctx, 'kubeconfig'),
    exit: 2,
    stderr: [/kubeconfig/, /FIFO|named pipe|not a regular file/i],
  },
  {
    name: 'a context that is not in it (--context nope)',
    setup: write(kubeconfig({ token: SECRET })),
    extraArgs: ['--context', 'nope'],
    exit: 2,
    stderr: [/nope/],
  },
  {
    name: 'current-context names a missing context',
    setup: write(kubeconfig({ token: SECRET }).replace(/current-context: .*/, 'current-context: gone')),
    exit: 2,
    stderr: [/gone|context/i],
  },
  {
    name: 'a cluster without a server',
    setup: write(kubeconfig({ token: SECRET }).replace(/ {4}server: .*\n/, '')),
    exit: 2,
    stderr: [/server/i],
  },
  {
    name: 'a server that is not a URL',
    setup: write(kubeconfig({ server: `not a url ${SECRET}` })),
    exit: 2,
    stderr: [/server|URL/i],
  },
  {
    name: 'a YAML list instead of a config',
    setup: write(`- ${SECRET}\n- b\n`),
    exit: 2,
    stderr: [/kubeconfig/],
  },
  {
    name: 'an empty file',
    setup: write(''),
    exit: 2,
    stderr: [/kubeconfig/],
  },
  {
    name: 'binary bytes',
    setup: (ctx) =>
      put(ctx, 'kubeconfig', Buffer.from([0xff, 0xfe, 0x00, 0x1b, 0x5b, 0x33, 0x31, 0x6d, 0x80])),
    exit: 2,
    stderr: [/kubeconfig/],
  },
  {
    name: 'malformed, given through KUBECONFIG',
    setup: write(`${kubeconfig({ token: SECRET })}users: {\n`),
    viaEnv: true,
    env: (ctx) => ({ KUBECONFIG: ctx.path('kubeconfig') }),
    exit: 2,
    stderr: [/kubeconfig/i],
  },
];

function kubeCase(command: KubeCommand, config: Config): HostileCase {
  return {
    kind: 'kubeconfig',
    name: `${command.id}: ${config.name}`,
    setup: config.setup,
    ...(config.env ? { env: config.env } : {}),
    argv: () =>
      config.viaEnv
        ? [...command.argv('kubeconfig').filter((a) => a !== '--kubeconfig' && a !== 'kubeconfig')]
        : [...command.argv('kubeconfig'), ...(config.extraArgs ?? [])],
    expect: { exit: config.exit, stderr: config.stderr, secret: SECRET },
  };
}

export function kubeconfigCases(): HostileCase[] {
  return [
    ...COMMANDS.flatMap((c) => CONFIGS.map((k) => kubeCase(c, k))),
    {
      kind: 'kubeconfig',
      name: 'run --target kube: malformed kubeconfig with a token',
      setup: write(`${kubeconfig({ token: SECRET })}clusters: [unclosed\n`),
      argv: () => ['run', '--target', 'kube', '--kubeconfig', 'kubeconfig', '--runs', '1', '--out', 'out'],
      expect: { exit: 2, stderr: [/kubeconfig/], secret: SECRET },
    },
    {
      kind: 'kubeconfig',
      name: 'run --target kube: server URL with user:password, unreachable (nothing recorded in clear)',
      setup: write(kubeconfig({ server: `https://admin:${SECRET}@127.0.0.1:1` })),
      argv: () => ['run', '--target', 'kube', '--kubeconfig', 'kubeconfig', '--runs', '1', '--out', 'out'],
      expect: { exit: 3, stderr: [/127\.0\.0\.1|unreachable|refused|connect/i], secret: SECRET },
    },
    {
      kind: 'kubeconfig',
      name: 'cleanup --run with a run id that is not 6 hex digits',
      setup: write(kubeconfig()),
      argv: () => ['cleanup', '--run', '../x', '--kubeconfig', 'kubeconfig'],
      expect: { exit: 2, stderr: [/run/] },
    },
  ];
}
