/**
 * Careless and hostile command lines: unknown options, missing values, repeated options, `--`, very
 * long arguments, bytes that are not UTF-8, values that look like options, control characters in
 * names. Each must get exit 2 with a message that says what was wrong, echoed short and escaped.
 */
import { SMALL_MANIFEST, validResults } from '../fixtures.ts';
import { put } from '../setup.ts';
import type { HostileCase } from '../types.ts';

function argvCase(
  name: string,
  argv: readonly string[],
  stderr: readonly RegExp[],
  exit: number | readonly number[] = 2,
): HostileCase {
  return {
    kind: 'argv',
    name,
    setup: (ctx) => {
      put(ctx, 'm.yaml', SMALL_MANIFEST);
      put(ctx, 'results.json', JSON.stringify(validResults()));
    },
    argv: () => argv,
    expect: { exit, stderr },
  };
}

/** A command line with bytes that are not UTF-8 (passed raw, label shows them as \xNN). */
function rawCase(name: string, parts: readonly (string | Buffer)[], stderr: readonly RegExp[]): HostileCase {
  return {
    kind: 'argv',
    name,
    setup: (ctx) => put(ctx, 'm.yaml', SMALL_MANIFEST),
    argv: () =>
      parts.map((p) => (typeof p === 'string' ? p : [...p].map((b) => `\\x${b.toString(16)}`).join(''))),
    rawArgv: () => parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p)),
    expect: { exit: 2, stderr },
  };
}

const CONTROL = '\u001b[31mred\u001b[0m\u0007';

export function argvCases(): HostileCase[] {
  const long = 'a'.repeat(100_000);
  return [
    argvCase('predict --bogus', ['predict', '-f', 'm.yaml', '--bogus'], [/--bogus|bogus/]),
    argvCase('predict -f (value missing)', ['predict', '-f'], [/-f|filename/]),
    argvCase(
      'explain --port (value missing)',
      ['explain', '-f', 'm.yaml', '--from', 'x/a', '--to', 'x/a', '--port'],
      [/port/],
    ),
    argvCase(
      'predict --format json --format table (repeated)',
      ['predict', '-f', 'm.yaml', '--format', 'json', '--format', 'table'],
      [/format/],
      [0, 2],
    ),
    argvCase(
      'generate --seed 1 --seed 2 (repeated)',
      ['generate', '--seed', '1', '--seed', '2'],
      [/seed/],
      [0, 2],
    ),
    argvCase('predict --format=json=x', ['predict', '-f', 'm.yaml', '--format=json=x'], [/format/]),
    argvCase(
      'predict -- -f m.yaml (after --, -f is a positional)',
      ['predict', '--', '-f', 'm.yaml'],
      [/-f|argument/],
    ),
    argvCase('predict -f -- m.yaml', ['predict', '-f', '--', 'm.yaml'], [/-f|--|filename|argument/]),
    argvCase(
      'predict -f --format (a value that looks like an option)',
      ['predict', '-f', '--format'],
      [/-f|filename|format/],
    ),
    argvCase(
      'explain --from --to x/a (a value that looks like an option)',
      ['explain', '-f', 'm.yaml', '--from', '--to', 'x/a', '--port', '80'],
      [/from/],
    ),
    argvCase(
      'report --junit -o x (a value that looks like an option)',
      ['report', 'results.json', '--junit', '-o', 'x'],
      [/junit|-o/],
    ),
    argvCase('predict -f "" (an empty path)', ['predict', '-f', ''], [/-f|filename|path|empty|no such/i]),
    argvCase(
      'predict -f with a 100,000-character path',
      ['predict', '-f', long],
      [/long|name|path|no such/i],
    ),
    argvCase('predict with a 100,000-character option name', ['predict', `--${long}`], [/unknown|option/i]),
    argvCase(
      'explain --from with a 100,000-character value',
      ['explain', '-f', 'm.yaml', '--from', `x/${long}`, '--to', 'x/a', '--port', '80'],
      [/from|pod|not found|no pod/i],
    ),
    argvCase('unknown command "prdict"', ['prdict'], [/prdict/]),
    argvCase('an empty command ""', [''], [/command|usage/i]),
    argvCase('a command with control characters', [CONTROL], [/command|red/i]),
    argvCase(
      'an option with control characters',
      ['predict', '-f', 'm.yaml', `--${CONTROL}`],
      [/option|red/i],
    ),
    argvCase(
      'a file name with control characters',
      ['predict', '-f', `x${CONTROL}.yaml`],
      [/red|no such|not found/i],
    ),
    argvCase('lab bogus', ['lab', 'bogus'], [/bogus/]),
    argvCase('flannel bogus', ['flannel', 'bogus'], [/bogus/]),
    argvCase('no command at all', [], []),
    argvCase('predict -f m.yaml extra-positional', ['predict', '-f', 'm.yaml', 'extra'], [/extra/]),
    argvCase('report a.json b.json', ['report', 'results.json', 'results.json'], [/results\.json|argument/]),
    argvCase('--max-input-size and no command', ['--max-input-size', '1MiB'], []),
    argvCase('--max-input-size with no value', ['--max-input-size'], [/max-input-size/]),
    rawCase(
      'predict -f with non-UTF-8 bytes in the path',
      ['predict', '-f', Buffer.from([0x78, 0xff, 0xfe, 0x2e, 0x79, 0x61, 0x6d, 0x6c])],
      [/no such|not found|UTF-8|file/i],
    ),
    rawCase(
      'explain --from with non-UTF-8 bytes',
      [
        'explain',
        '-f',
        'm.yaml',
        '--from',
        Buffer.from([0x78, 0x2f, 0xc3, 0x28]),
        '--to',
        'x/a',
        '--port',
        '80',
      ],
      [/from|pod|not found|no pod/i],
    ),
    rawCase(
      'a non-UTF-8 command name',
      [Buffer.from([0xc0, 0xaf, 0x1b, 0x5b, 0x33, 0x31, 0x6d])],
      [/command/i],
    ),
  ];
}
