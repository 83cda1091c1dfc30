/**
 * Seeds and numeric options: out of range, not integers, hex, empty, absurdly large; durations of 0,
 * overflowing or without a known unit. Each must be refused at parse time (exit 2) naming the option;
 * commands that build a lab must refuse before it exists. A printed seed must replay.
 */
import { SMALL_MANIFEST } from '../fixtures.ts';
import { put } from '../setup.ts';
import type { HostileCase, Outcome } from '../types.ts';

function optionCase(
  command: readonly string[],
  option: string,
  value: string,
  options: {
    readonly lab?: boolean;
    readonly env?: Readonly<Record<string, string>>;
    readonly stderr?: RegExp;
  } = {},
): HostileCase {
  return {
    kind: 'numeric',
    name: `${command.join(' ')} ${option} ${JSON.stringify(value)}`,
    ...(options.env ? { env: () => options.env ?? {} } : {}),
    setup: (ctx) => put(ctx, 'm.yaml', SMALL_MANIFEST),
    argv: () => [...command, `${option}=${value}`],
    expect: { exit: 2, stderr: [options.stderr ?? new RegExp(option.replace(/^-+/, ''))] },
  };
}

/** The `--seed N` a generate run printed in its header comment. */
function printedSeed(outcome: Outcome): string | undefined {
  return /--seed (\d+)/.exec(outcome.stdout)?.[1];
}

export function numericCases(): HostileCase[] {
  const seeds = ['-1', '4294967296', '9007199254740993', '1e3', '0x10', '', ' 7', '7.0', '+7', '١٢'];
  const run = ['run', '--runs', '1', '--budget', '20s'];
  return [
    ...seeds.map((s) => optionCase(['generate', '--size', 'small'], '--seed', s)),
    optionCase(run, '--seed', '-1'),
    optionCase(run, '--seed', '4294967296'),
    optionCase(run, '--seed', '1e3'),
    ...['-1', '1e3', '', '0x5', '99999999999999999999'].map((v) =>
      optionCase(['generate', '--stats'], '--runs', v),
    ),
    optionCase(['generate'], '--size', 'huge'),
    ...['0', '-5s', '5x', '1e999s', '99999999999999h', '5 s', '1.5.5s', ''].map((v) =>
      optionCase(['run', '--runs', '1'], '--budget', v),
    ),
    ...['0', '1e999ms', '999999999999h', 'abc'].map((v) =>
      optionCase(['run', '--runs', '1'], '--probe-timeout', v),
    ),
    optionCase(['run', '--runs', '1'], '--converge-timeout', '-1'),
    optionCase(['run', '--runs', '1'], '--shrink-budget', 'x'),
    ...['0', '-1', '1.5', '1e3', '99999999999'].map((v) =>
      optionCase(['run', '--runs', '1'], '--concurrency', v),
    ),
    ...['0', '-3', '1e3'].map((v) => optionCase(['run'], '--runs', v)),
    ...['0', '-1', '1e3', '2.5', '100000', ''].map((v) => optionCase(['lab', 'up'], '--nodes', v)),
    optionCase(['lab', 'up', '--nodes', '2'], '--segments', '0'),
    optionCase(['lab', 'up', '--nodes', '2'], '--segments', '5'),
    ...['0', '-1', '1e3', '64XB', '', '99999999999999GiB'].map<HostileCase>((v) => ({
      kind: 'numeric',
      name: `--max-input-size ${JSON.stringify(v)} predict`,
      setup: (ctx) => put(ctx, 'm.yaml', SMALL_MANIFEST),
      argv: () => [`--max-input-size=${v}`, 'predict', '-f', 'm.yaml'],
      expect: { exit: 2, stderr: [/max-input-size/] },
    })),
    ...['0', '65536', '-1', '80/xyz', '1.5', ''].map((v) =>
      optionCase(['explain', '-f', 'm.yaml', '--from', 'x/a', '--to', 'x/a'], '--port', v),
    ),
    optionCase(['selftest', '--fault', 'ignore-except'], '--repeats', '0'),
    optionCase(['selftest', '--fault', 'ignore-except'], '--budget-per-fault', 'x'),
    {
      kind: 'numeric',
      name: 'run with PODNET_LAB_ID="zz/../x"',
      env: () => ({ PODNET_LAB_ID: 'zz/../x' }),
      argv: () => ['run', '--runs', '1'],
      expect: { exit: 2, stderr: [/PODNET_LAB_ID/] },
    },
    {
      kind: 'numeric',
      name: 'generate without --seed: the printed seed replays',
      argv: () => ['generate', '--size', 'small'],
      expect: { exit: 0, stdout: [/--seed \d+/] },
      followUp: {
        argv: (_ctx, first) => {
          const seed = printedSeed(first);
          return seed === undefined
            ? { problem: 'printed no seed to replay' }
            : ['generate', '--size', 'small', '--seed', seed];
        },
        check: (second, first) =>
          second.exitCode !== 0
            ? [`exit ${second.exitCode}`]
            : second.stdout !== first.stdout
              ? ['the printed seed does not give the same scenario']
              : [],
      },
    },
    {
      kind: 'numeric',
      name: 'generate --seed 4294967295 (the largest seed) replays',
      argv: () => ['generate', '--size', 'small', '--seed', '4294967295'],
      expect: { exit: 0, stdout: [/--seed 4294967295/] },
      followUp: {
        argv: () => ['generate', '--size', 'small', '--seed', '4294967295'],
        check: (second, first) =>
          second.stdout === first.stdout ? [] : ['the same seed gives another scenario'],
      },
    },
  ];
}
