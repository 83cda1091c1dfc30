/** Argument parsing shared by every command: node's parseArgs, with errors that say what to do. */
import { parseArgs } from 'node:util';
import { PodnetInputError } from '../spec/errors.ts';
import { quoteValue } from '../spec/quote.ts';

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
      message.length > 200 ? `${message.slice(0, 197)}...` : message,
      {},
      `run \`podnet ${command} --help\` for the options`,
    );
  }
}

/** A string option's value; an empty value (`-o ""`) is bad input, never "not given". */
export function stringOption(args: ParsedArgs, name: string): string | undefined {
  const v = args.values[name];
  if (v === '') {
    throw new PodnetInputError('PODNET_BAD_ARGUMENT', `--${name} needs a value, got an empty string`, {
      field: `--${name}`,
    });
  }
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

/** Bounds of a numeric option. */
export interface OptionRange {
  readonly min: number;
  readonly max: number;
}

/** An integer option within `range` (default: any non-negative safe integer), or the default. */
export function integerOption(
  args: ParsedArgs,
  command: string,
  name: string,
  fallback: number,
  range: OptionRange = { min: 0, max: Number.MAX_SAFE_INTEGER },
): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallback;
  const value = /^\d{1,15}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(value >= range.min && value <= range.max)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--${name} must be a whole number from ${range.min} to ${range.max}, got ${quoteArgument(raw)}`,
      {},
      `for example \`podnet ${command} --${name} ${fallback}\``,
    );
  }
  return value;
}

/** Longest duration a timer can wait (Node's setTimeout fires at once beyond 2^31−1 ms). */
const MAX_DURATION_MS = 2 ** 31 - 1;

/** A duration like `90s`, `2m`, `500ms`, in milliseconds, within `range` (default 1 ms … 24 days). */
export function durationOption(
  args: ParsedArgs,
  command: string,
  name: string,
  fallbackMs: number,
  range: OptionRange = { min: 1, max: MAX_DURATION_MS },
): number {
  const raw = stringOption(args, name);
  if (raw === undefined) return fallbackMs;
  const m = /^(\d{1,12}(?:\.\d{1,6})?)(ms|s|m|h)?$/.exec(raw);
  const unit = m?.[2] ?? 's';
  const factor = unit === 'ms' ? 1 : unit === 's' ? 1000 : unit === 'm' ? 60_000 : 3_600_000;
  const ms = m ? Math.round(Number(m[1]) * factor) : Number.NaN;
  if (!(ms >= range.min && ms <= range.max)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      m
        ? `--${name} must be between ${formatMs(range.min)} and ${formatMs(range.max)}, got ${quoteArgument(raw)}`
        : `--${name} must be a duration such as 90s or 2m, got ${quoteArgument(raw)}`,
      {},
      `for example \`podnet ${command} --${name} 60s\``,
    );
  }
  return ms;
}

function formatMs(ms: number): string {
  if (ms >= 86_400_000) return `${Math.floor(ms / 86_400_000)}d`;
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

/** The largest seed: seeds are unsigned 32-bit integers (fast-check uses 32 bits of a seed). */
export const MAX_SEED = 2 ** 32 - 1;

/** A seed option: an integer from 0 to 2^32−1, so the seed printed in results always replays. */
export function seedOption(args: ParsedArgs, command: string, fallback: number): number {
  const raw = stringOption(args, 'seed');
  if (raw === undefined) return fallback;
  const seed = /^\d{1,10}$/.test(raw) ? Number(raw) : Number.NaN;
  if (!(seed >= 0 && seed <= MAX_SEED)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--seed must be a whole number from 0 to ${MAX_SEED}, got ${quoteArgument(raw)}`,
      {},
      `for example \`podnet ${command} --seed 1\``,
    );
  }
  return seed;
}

/** A user's argument echoed in a message: quoted, control characters escaped, cut to a readable length. */
function quoteArgument(raw: string): string {
  return quoteValue(raw, 60);
}
