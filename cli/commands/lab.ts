/** `podnet lab up|status|exec|down|faults`: the embedded lab by hand. */
import { execa } from 'execa';
import { findLab, labDown, labExecArgv, labUp, runningLabs } from '../../adapters/lab/control.ts';
import { FAULTS } from '../../adapters/lab/faults.ts';
import { LAB_NODE_RANGE, LAB_SEGMENT_RANGE } from '../../adapters/lab/topology.ts';
import { EXIT, PodnetInputError } from '../../spec/errors.ts';
import { loadClusterFromPaths } from '../../spec/manifests/load.ts';
import type { FlannelBackendType } from '../../spec/scenario.ts';
import { booleanOption, integerOption, parseCommandArgs, stringListOption, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

export const summary = 'build, inspect and remove the embedded lab (network namespaces on this machine)';

const HELP = `Usage:
  podnet lab up [-f MANIFESTS]... [--nodes N] [--segments 1|2] [--backend vxlan|host-gw|udp] [--fault NAME]... [--lab ID]
  podnet lab status
  podnet lab exec [--lab ID] NS/POD|node:NAME -- CMD...
  podnet lab down [--lab ID] [--all [--force]]
  podnet lab faults

The lab keeps running after \`lab up\` until \`lab down\`. Needs root.
\`lab down --all\` removes every lab whose owner process is gone (leftovers of crashed runs, labs
started by \`lab up\`); labs that a running podnet process uses are kept unless --force is given.
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
  });
  if (booleanOption(args, 'help')) {
    io.stdout(HELP);
    return EXIT.conforms;
  }
  const files = stringListOption(args, 'file');
  const cluster = files.length > 0 ? await loadClusterFromPaths(files) : undefined;
  const backend = stringOption(args, 'backend');
  const labId = stringOption(args, 'lab');
  const record = await labUp({
    ...(cluster ? { cluster } : {}),
    nodes: integerOption(args, 'lab up', 'nodes', 2, LAB_NODE_RANGE),
    segments: integerOption(args, 'lab up', 'segments', 1, LAB_SEGMENT_RANGE),
    ...(backend ? { backend: backend as FlannelBackendType } : {}),
    faults: stringListOption(args, 'fault'),
    ...(labId ? { labId } : {}),
  });
  io.stdout(
    `lab ${record.labId} is up (backend ${record.backend}${record.faults.length ? `, faults ${record.faults.join(', ')}` : ''})\n`,
  );
  printLab(record, io);
  io.stdout(`stop it with: podnet lab down --lab ${record.labId}\n`);
  return EXIT.conforms;
}

function printLab(record: Awaited<ReturnType<typeof findLab>>, io: CliIO): void {
  for (const n of record.nodes) io.stdout(`  node ${n.name}  ${n.ip}  lease ${n.lease}  netns ${n.netns}\n`);
  for (const p of record.pods) io.stdout(`  pod  ${p.key}  ${p.ip}  on ${p.node}  netns ${p.netns}\n`);
  for (const [k, ip] of Object.entries(record.services)) io.stdout(`  svc  ${k}  ${ip}\n`);
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
    const report = await labDown({ all: true, force: booleanOption(args, 'force') });
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
  await labDown({ id: lab.labId });
  io.stdout(`lab ${lab.labId} removed\n`);
  return EXIT.conforms;
}

function faults(io: CliIO): number {
  const width = Math.max(...FAULTS.map((f) => f.name.length));
  for (const f of FAULTS) io.stdout(`${f.name.padEnd(width)}  ${f.area.padEnd(7)}  ${f.description}\n`);
  return EXIT.conforms;
}
