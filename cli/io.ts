/** What a command may touch of the process: its output streams and the environment. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly cwd: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Whether stdout is a terminal (colours are used only then). */
  readonly isTTY: boolean;
  /** Whether stderr is a terminal (the live progress line is redrawn in place only then). */
  readonly stderrIsTTY?: boolean;
}

export type CommandRun = (argv: readonly string[], io: CliIO) => Promise<number>;

export interface CommandModule {
  readonly run: CommandRun;
}

let pipeGuard = false;

export function processIO(): CliIO {
  if (!pipeGuard) {
    pipeGuard = true;
    // `podnet … | head` closes the pipe early: that is not an error worth a stack trace.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
      });
    }
  }
  return {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
