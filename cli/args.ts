/** Argument parsing shared by every command: node's parseArgs, with errors that say what to do. */
import { parseArgs } from 'node:util';
import { PodnetInputError } from '../spec/errors.ts';

export type OptionSpec = Readonly<
  Record<
    string,
    { readonly type: 'string' | 'boolean'; readonly short?: string; readonly multiple?: boolean }
  >
>;

export interface ParsedArgs {
  readonly values: Readonly<Record<string, string | boolean | readonly string[] | undefined>>;
  readonly positionals: readonly string[];
}

/** Parse `argv` for `command`; unknown options and missing values become exit-code-2 errors. */
export function parseCommandArgs(command: string, argv: readonly string[], options: OptionSpec): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({
      args: [...argv],
      options: { ...options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      message,
      {},
      `run \`podnet ${command} --help\` for the options`,
    );
  }
}

export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringListOption(args: ParsedArgs, name: string): readonly string[] {
  const v = args.values[name];
  if (v === undefined) return [];
  if (typeof v === 'string') return [v];
  if (typeof v === 'boolean') return [];
  return v;
}

export function booleanOption(args: ParsedArgs, name: string): boolean {
  return args.values[name] === true;
}

/** A non-negative integer option, or the default. */
export function integerOption(args: ParsedArgs, command: string, name: string, fallback: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  if (!/^\d+$/.test(raw)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--${name} must be a whole number, got "${raw}"`,
      {},
      `for example \`podnet ${command} --${name} ${fallback}\``,
    );
  }
  return Number(raw);
}

/** A duration like `90s`, `2m`, `500ms`, in milliseconds. */
export function durationOption(args: ParsedArgs, command: string, name: string, fallbackMs: number): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallbackMs;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(raw);
  if (!m) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--${name} must be a duration such as 90s or 2m, got "${raw}"`,
      {},
      `for example \`podnet ${command} --${name} 60s\``,
    );
  }
  const n = Number(m[1]);
  const unit = m[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  return Math.round(n * factor);
}
