/** What a command may touch of the process: its output streams and the environment. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (progress lines are drawn only then). */
  readonly isTTY: boolean;
}

export type CommandRun = (argv: readonly string[], io: CliIO) => Promise<number>;

export interface CommandModule {
  readonly summary: string;
  readonly run: CommandRun;
}

export function processIO(): CliIO {
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
  };
}
