import { writeSync } from 'node:fs';
/** What a command may touch of the process: its output streams and the environment. */
export interface CliIO {
  readonly stdout: (text: string) => void;
  /**
   * Bytes to standard output, for output too large to pass as strings; `stdout` (decoded) when absent. The
   * chunk is written before the call returns, so the caller may reuse it.
   */
  readonly stdoutBytes?: (chunk: Uint8Array) => void;
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
let stdoutClosed = false;
const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `chunk` to fd 1 before returning (a pipe that is full is waited on, 1 ms at a time); once the
 * reader has gone (EPIPE, `podnet … | head`), the rest of the output is dropped, as the stream guard does.
 */
function writeStdoutSync(chunk: Uint8Array): void {
  let offset = 0;
  while (offset < chunk.length && !stdoutClosed) {
    try {
      offset += writeSync(1, chunk, offset);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EPIPE') stdoutClosed = true;
      else if (code === 'EAGAIN') Atomics.wait(pause, 0, 0, 1);
      else throw error;
    }
  }
}

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
    stdoutBytes: (b) => writeStdoutSync(b),
    stderr: (t) => process.stderr.write(t),
    cwd: process.cwd(),
    env: process.env,
    isTTY: Boolean(process.stdout.isTTY),
    stderrIsTTY: Boolean(process.stderr.isTTY),
  };
}
