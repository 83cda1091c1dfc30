/** `podnet lab up|status|exec|down|faults`: the embedded lab by hand. */
import { resolve } from 'node:path';
import { execa } from 'execa';
import { findLab, labDown, labExecArgv, labUp, runningLabs } from '../../adapters/lab/control.ts';
import { faultInfo } from '../../adapters/lab/faults.ts';
import { LAB_IP_FAMILIES, type LabIpFamily } from '../../adapters/lab/ipFamily.ts';
import { LAB_NODE_RANGE, LAB_SEGMENT_RANGE } from '../../adapters/lab/topology.ts';
import {
  DEFAULT_KUBECONFIG,
  labApiUp,
  readLabApiRecord,
  removeKubeconfigOf,
  removeLabKubeconfig,
} from '../../adapters/labapi/control.ts';
import { EXIT, PodnetInputError } from '../../spec/errors.ts';
import { loadClusterFromPaths } from '../../spec/manifests/load.ts';
import { quoteValue } from '../../spec/quote.ts';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import type { ProxyMode } from '../../spec/target.ts';
import {
  booleanOption,
  integerOption,
  type ParsedArgs,
  parseCommandArgs,
  stringListOption,
  stringOption,
} from '../args.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage:
  podnet lab up [-f MANIFESTS]... [--nodes N] [--segments 1|2] [--backend vxlan|host-gw|udp] [--fault NAME]... [--lab ID]
                [--ip-family ipv4|ipv6|dual]
  podnet lab up --api [--kubeconfig-out FILE] [--api-faults LIST] [--proxy-mode random|round-robin]
                [--nodes N] [--segments 1|2] [--backend vxlan|host-gw|udp] [--fault NAME]... [--lab ID]
  podnet lab status
  podnet lab exec [--lab ID] NS/POD|node:NAME -- CMD...
  podnet lab down [--lab ID] [--all [--force]]
  podnet lab faults

The lab keeps running after \`lab up\` until \`lab down\`. Needs root.

--ip-family  the pod network's address families (default ipv4): dual gives every pod an IPv4 and an
             IPv6 address, ipv6 an IPv6 address only (flannel EnableIPv6/IPv6Network; not with udp).

--api serves a Kubernetes API in front of the lab (HTTPS on 127.0.0.1, a CA made for the lab, a bearer
token) and writes a kubeconfig for kubectl and client-node (default ./${DEFAULT_KUBECONFIG}); create objects
with \`kubectl --kubeconfig FILE create -f …\` or run \`podnet run --target kube --kubeconfig FILE\`. It is
not a real cluster: adapters/labapi/README.md lists what it serves and what it does not.
--api-faults LIST  the API's own faults, e.g. throttle=5%:1,error=2,slow=10%:2s,watch-drop=1:1s,
                   exec-cut=10%:64b,never-ready=1,seed=7 (rate NN% or count N; see the README)

\`lab down --all\` removes every lab whose owner process is gone (leftovers of crashed runs, labs
started by \`lab up\`); labs that a running podnet process uses (a lab API's daemon owns its lab) are
kept unless --force is given.
`;

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const [sub, ...rest] = argv;
  switch (sub) {
    case 'up':
      return up(rest, io);
    case 'status':
      return status(rest, io);
    case 'exec':
      return exec(rest, io);
    case 'down':
      return down(rest, io);
    case 'faults':
      return faults(io);
    case undefined:
    case '--help':
    case '-h':
      io.stdout(HELP);
      return sub === undefined ? EXIT.usage : EXIT.conforms;
    default:
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `unknown lab subcommand "${sub}"`,
        {},
        'use up, status, exec, down or faults',
      );
  }
}

async function up(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('lab up', argv, {
    file: { type: 'string', short: 'f', multiple: true },
    nodes: { type: 'string' },
    segments: { type: 'string' },
    backend: { type: 'string' },
    fault: { type: 'string', multiple: true },
    lab: { type: 'string' },
    api: { type: 'boolean' },
    'kubeconfig-out': { type: 'string' },
    'api-faults': { type: 'string' },
    'proxy-mode': { type: 'string' },
    'ip-family': { type: 'string' },
  });
  if (booleanOption(args, 'help')) {
    io.stdout(HELP);
    return EXIT.conforms;
  }
  const ipFamily = stringOption(args, 'ip-family');
  checkIpFamilyOption(ipFamily);
  if (booleanOption(args, 'api')) {
    if (ipFamily !== undefined && ipFamily !== 'ipv4') {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `--ip-family ${ipFamily} cannot be combined with --api: the lab's Kubernetes API serves IPv4 only`,
        { field: '--ip-family' },
        'leave out --api, or --ip-family',
      );
    }
    return upWithApi(args, io);
  }
  for (const option of ['kubeconfig-out', 'api-faults', 'proxy-mode']) {
    if (stringOption(args, option) !== undefined) {
      throw new PodnetInputError(
        'PODNET_BAD_ARGUMENT',
        `--${option} needs --api`,
        {},
        'podnet lab up --api …',
      );
    }
  }
  const files = stringListOption(args, 'file');
  const cluster = files.length > 0 ? await loadClusterFromPaths(files) : undefined;
  const backend = stringOption(args, 'backend');
  const labId = stringOption(args, 'lab');
  const record = await labUp({
    ...(cluster ? { cluster } : {}),
    ...labShape(args, (cluster?.nodes.length ?? 0) > 0),
    ...(backend ? { backend: backend as FlannelBackendType } : {}),
    faults: stringListOption(args, 'fault'),
    ...(labId ? { labId } : {}),
    ...(ipFamily ? { ipFamily } : {}),
  });
  io.stdout(
    `lab ${record.labId} is up (backend ${record.backend}${record.ipFamily && record.ipFamily !== 'ipv4' ? `, ${record.ipFamily}` : ''}${record.faults.length ? `, faults ${record.faults.join(', ')}` : ''})\n`,
  );
  printLab(record, io);
  io.stdout(`stop it with: podnet lab down --lab ${record.labId}\n`);
  return EXIT.conforms;
}

async function upWithApi(args: ParsedArgs, io: CliIO): Promise<number> {
  if (stringListOption(args, 'file').length > 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      '-f cannot be combined with --api',
      {},
      'start the lab with `podnet lab up --api`, then `kubectl --kubeconfig FILE create -f MANIFESTS`',
    );
  }
  const proxyMode = stringOption(args, 'proxy-mode');
  if (proxyMode !== undefined && proxyMode !== 'random' && proxyMode !== 'round-robin') {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--proxy-mode must be random or round-robin, got ${quoteValue(proxyMode)}`,
    );
  }
  const backend = stringOption(args, 'backend');
  const labId = stringOption(args, 'lab');
  const apiFaults = stringOption(args, 'api-faults');
  const kubeconfigOut = resolve(io.cwd, stringOption(args, 'kubeconfig-out') ?? DEFAULT_KUBECONFIG);
  const api = await labApiUp({
    ...labShape(args, false),
    ...(backend ? { backend: backend as FlannelBackendType } : {}),
    faults: stringListOption(args, 'fault'),
    ...(proxyMode ? { proxyMode: proxyMode as ProxyMode } : {}),
    ...(apiFaults ? { apiFaults } : {}),
    kubeconfigOut,
    ...(labId ? { labId } : {}),
  });
  const record = await findLab(api.labId);
  io.stdout(
    `lab ${record.labId} is up (backend ${record.backend}${record.faults.length ? `, faults ${record.faults.join(', ')}` : ''}) with its Kubernetes API\n`,
  );
  printLab(record, io);
  io.stdout(
    `  api ${api.url}  kubeconfig ${api.kubeconfig}${api.apiFaults ? `  api faults ${api.apiFaults}` : ''}\n`,
  );
  io.stdout(`try: kubectl --kubeconfig ${api.kubeconfig} get nodes\n`);
  io.stdout(`stop it with: podnet lab down --lab ${record.labId}\n`);
  return EXIT.conforms;
}

/** `--ip-family` must name one of LAB_IP_FAMILIES. */
function checkIpFamilyOption(value: string | undefined): asserts value is LabIpFamily | undefined {
  if (value === undefined || (LAB_IP_FAMILIES as readonly string[]).includes(value)) return;
  throw new PodnetInputError(
    'PODNET_BAD_ARGUMENT',
    `--ip-family must be ${LAB_IP_FAMILIES.join(', ')}, got ${quoteValue(value)}`,
    { field: '--ip-family' },
  );
}

function printLab(record: Awaited<ReturnType<typeof findLab>>, io: CliIO): void {
  for (const n of record.nodes) {
    const v6 = n.ip6 ? `  ${n.ip6}  lease ${n.lease6}` : '';
    io.stdout(`  node ${n.name}  ${n.ip}  lease ${n.lease}${v6}  netns ${n.netns}\n`);
  }
  for (const p of record.pods)
    io.stdout(`  pod  ${p.key}  ${p.ip}${p.ip6 ? ` ${p.ip6}` : ''}  on ${p.node}  netns ${p.netns}\n`);
  for (const [k, ip] of Object.entries(record.services)) {
    const second = record.secondaryServices?.[k];
    io.stdout(`  svc  ${k}  ${ip}${second ? ` ${second}` : ''}\n`);
  }
  io.stdout(`  outside network ${record.outsideNetwork}\n`);
}

async function status(argv: readonly string[], io: CliIO): Promise<number> {
  parseCommandArgs('lab status', argv, {});
  const labs = await runningLabs();
  if (labs.length === 0) {
    io.stdout('no lab is running\n');
    return EXIT.conforms;
  }
  for (const lab of labs) {
    io.stdout(
      `lab ${lab.labId}  backend ${lab.backend}  since ${lab.createdAt}${lab.faults.length ? `  faults ${lab.faults.join(', ')}` : ''}\n`,
    );
    const api = await readLabApiRecord(lab.labId);
    if (api)
      io.stdout(
        `  api ${api.url}  kubeconfig ${api.kubeconfig}${api.apiFaults ? `  api faults ${api.apiFaults}` : ''}\n`,
      );
    printLab(lab, io);
  }
  return EXIT.conforms;
}

async function exec(argv: readonly string[], io: CliIO): Promise<number> {
  const dash = argv.indexOf('--');
  const own = dash >= 0 ? argv.slice(0, dash) : argv;
  const command = dash >= 0 ? argv.slice(dash + 1) : [];
  const args = parseCommandArgs('lab exec', own, { lab: { type: 'string' } });
  const [pod] = args.positionals;
  if (pod === undefined) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      'which pod? give NS/POD',
      {},
      'podnet lab exec ns/pod -- ip addr',
    );
  }
  const lab = await findLab(stringOption(args, 'lab'));
  const [file, ...rest] = labExecArgv(lab, pod, command);
  const result = await execa(file as string, rest, { reject: false, stdin: 'inherit' });
  if (result.stdout) io.stdout(`${result.stdout}\n`);
  if (result.stderr) io.stderr(`${result.stderr}\n`);
  return typeof result.exitCode === 'number' ? result.exitCode : EXIT.target;
}

async function down(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('lab down', argv, {
    lab: { type: 'string' },
    all: { type: 'boolean' },
    force: { type: 'boolean' },
  });
  if (booleanOption(args, 'all')) {
    const apis = (await Promise.all((await runningLabs()).map((l) => readLabApiRecord(l.labId)))).filter(
      (r) => r !== undefined,
    );
    const report = await labDown({ all: true, force: booleanOption(args, 'force') });
    for (const api of apis) if (report.labs.includes(api.labId)) await removeKubeconfigOf(api);
    io.stdout(
      report.labs.length === 0
        ? 'no lab leftovers found\n'
        : `removed ${report.labs.length} lab(s): ${report.labs.join(', ')} (${report.namespaces} namespaces)\n`,
    );
    for (const k of report.kept) {
      io.stdout(
        `kept lab ${k.labId}: in use by pid ${k.owner.pid}${k.owner.command ? ` (${k.owner.command})` : ''}\n`,
      );
    }
    if (report.kept.length > 0) io.stdout('  --force removes labs in use too\n');
    return EXIT.conforms;
  }
  const lab = await findLab(stringOption(args, 'lab'));
  const kubeconfig = await removeLabKubeconfig(lab.labId);
  await labDown({ id: lab.labId });
  io.stdout(`lab ${lab.labId} removed${kubeconfig ? ` (and its kubeconfig ${kubeconfig})` : ''}\n`);
  return EXIT.conforms;
}

/** The lab's faults, listed per area as the area registry names them (the area whose checks find each). */
async function faults(io: CliIO): Promise<number> {
  const { AREAS } = await import('../../runner/areas/registry.ts');
  const rows = AREAS.all().flatMap((area) =>
    area.faults.map((name) => ({ name, area: area.name, description: faultInfo(name)?.description ?? '' })),
  );
  const width = Math.max(...rows.map((f) => f.name.length));
  for (const f of rows) io.stdout(`${f.name.padEnd(width)}  ${f.area.padEnd(7)}  ${f.description}\n`);
  return EXIT.conforms;
}

/**
 * `--nodes` and `--segments`. Generated nodes are spread over the segments round-robin, so more segments
 * than nodes would build segments with no node on them: refused, unless manifests place the nodes.
 */
function labShape(args: ParsedArgs, manifestNodes: boolean): { nodes: number; segments: number } {
  const nodes = integerOption(args, 'lab up', 'nodes', 2, LAB_NODE_RANGE);
  const segments = integerOption(args, 'lab up', 'segments', 1, LAB_SEGMENT_RANGE);
  if (!manifestNodes && segments > nodes) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--segments ${segments} is more than --nodes ${nodes}: every segment needs a node`,
      { field: '--segments' },
      `use at most ${nodes} segments, or more nodes`,
    );
  }
  return { nodes, segments };
}
