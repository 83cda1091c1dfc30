/** `podnet generate`: write one random scenario as Kubernetes YAML, or print how often the generators hit each feature. */
import { join, resolve } from 'node:path';
import { GENERATOR_SIZES, type GeneratorSize, sampleScenario } from '../../generators/scenario.ts';
import { scenarioFiles } from '../../generators/scenarioManifests.ts';
import { generatorStats, renderStats } from '../../generators/stats.ts';
import { withSyntheticAddresses } from '../../generators/syntheticAddresses.ts';
import { predictMatrix } from '../../oracle/policy/index.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { checkOutputDirectory, writeOutputFile } from '../../spec/inputFile.ts';
import { realizeCluster } from '../../spec/resolve.ts';
import type { Scenario } from '../../spec/scenario.ts';
import type { Verdict } from '../../spec/verdict.ts';
import {
  booleanOption,
  integerOption,
  MAX_SEED,
  parseCommandArgs,
  seedOption,
  stringOption,
} from '../args.ts';
import type { CliIO } from '../io.ts';

const DEFAULT_RUNS = 1000;
const DEFAULT_STATS_SEED = 1;

const HELP = `Usage: podnet generate --seed N [--size small|medium|large] [--exclude-sctp] [-o DIR]
       podnet generate --stats [--runs ${DEFAULT_RUNS}] [--seed N] [--size SIZE] [--exclude-sctp]

Writes one random scenario. With -o DIR: DIR/cluster.yaml (Namespaces, Services, Pods, NetworkPolicies
for kubectl apply; symbolic ipBlocks resolved against synthetic addresses), DIR/net-conf.json (flannel),
DIR/steps.txt (the mid-run steps) and DIR/scenario.json (the whole scenario, ipBlocks symbolic).
Without -o, prints cluster.yaml.

With --stats: draws --runs scenarios and prints the share of scenarios in which each NetworkPolicy
feature appears, and the share of pod-to-pod probes the oracle judges allow, deny or undefined.

Options:
  --seed N          seed of the draw (default: random for a scenario, printed; ${DEFAULT_STATS_SEED} for --stats)
  --size SIZE       small, medium (default) or large
  --exclude-sctp    generate no SCTP ports (the lab has no SCTP)
  -o, --output DIR  directory to write into (created if missing)
  --stats           print feature and verdict statistics instead
  --runs N          scenarios for --stats (default ${DEFAULT_RUNS})
`;

function sizeOption(raw: string | undefined): GeneratorSize {
  if (raw === undefined) return 'medium';
  if ((GENERATOR_SIZES as readonly string[]).includes(raw)) return raw as GeneratorSize;
  throw new PodnetInputError(
    'PODNET_BAD_ARGUMENT',
    `--size must be small, medium or large, got "${raw}"`,
    {},
    'for example `--size small`',
  );
}

/** Oracle verdicts of every pod-to-pod cell of a scenario's initial cluster, on synthetic addresses. */
function oracleVerdicts(scenario: Scenario): Verdict[] {
  const { cluster, realized } = withSyntheticAddresses(scenario.cluster, scenario.netConf);
  return predictMatrix(realizeCluster(cluster, realized)).map((row) => row.verdict);
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('generate', argv, {
    seed: { type: 'string' },
    size: { type: 'string' },
    output: { type: 'string', short: 'o' },
    stats: { type: 'boolean' },
    runs: { type: 'string' },
    'exclude-sctp': { type: 'boolean' },
  });
  if (args.values.help === true) {
    io.stdout(HELP);
    return 0;
  }
  if (args.positionals.length > 0) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `unexpected argument "${args.positionals[0]}"`,
      {},
      'run `podnet generate --help` for the options',
    );
  }
  const options = {
    size: sizeOption(stringOption(args, 'size')),
    excludeSCTP: booleanOption(args, 'exclude-sctp'),
  };
  if (booleanOption(args, 'stats')) {
    const runs = integerOption(args, 'generate', 'runs', DEFAULT_RUNS, { min: 1, max: 1_000_000 });
    const seed = seedOption(args, 'generate', DEFAULT_STATS_SEED);
    io.stdout(renderStats(generatorStats({ ...options, runs, seed, verdictsOf: oracleVerdicts })));
    return 0;
  }
  const seed = seedOption(args, 'generate', Math.floor(Math.random() * (MAX_SEED + 1)));
  const scenario = sampleScenario(seed, options);
  const files = scenarioFiles(scenario, [
    `# podnet generate --seed ${seed} --size ${options.size}${options.excludeSCTP ? ' --exclude-sctp' : ''}`,
  ]);
  const output = stringOption(args, 'output');
  if (output === undefined) {
    io.stdout(files['cluster.yaml']);
    return 0;
  }
  const dir = resolve(io.cwd, output);
  checkOutputDirectory(dir, 'output folder (-o)');
  for (const [name, text] of Object.entries(files)) writeOutputFile(join(dir, name), text);
  io.stdout(
    `wrote ${Object.keys(files).join(', ')} to ${dir} (seed ${seed}: ${scenario.cluster.pods.length} pods, ` +
      `${scenario.cluster.policies.length} policies, ${scenario.cluster.services.length} services, ` +
      `${scenario.steps.length} steps)\n`,
  );
  return 0;
}
