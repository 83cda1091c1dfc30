/** Progress events of a run, and a renderer that draws one live line on a terminal (plain lines otherwise). */

type RunEvent =
  | {
      readonly kind: 'scenario';
      readonly scenarios: number;
      readonly probes: number;
      readonly findings: number;
      readonly elapsedMs: number;
    }
  | {
      readonly kind: 'failure';
      readonly scenarios: number;
      readonly elapsedMs: number;
      readonly summary: string;
    }
  | { readonly kind: 'shrink'; readonly shrinks: number; readonly elapsedMs: number }
  | { readonly kind: 'message'; readonly text: string };

export type RunListener = (event: RunEvent) => void;

/** Draws progress on `write`; on a TTY one line redrawn in place, otherwise at most one line every `everyMs`. */
export function progressPrinter(
  write: (text: string) => void,
  isTTY: boolean,
  everyMs = 5000,
): RunListener & { done(): void } {
  let last = 0;
  let drawn = false;
  const line = (text: string, force: boolean) => {
    const now = Date.now();
    if (isTTY) {
      write(`\r\x1b[2K${text}`);
      drawn = true;
    } else if (force || now - last >= everyMs) {
      write(`${text}\n`);
      last = now;
    }
  };
  const listener = (event: RunEvent) => {
    switch (event.kind) {
      case 'scenario': {
        const rate = event.elapsedMs > 0 ? Math.round((event.probes * 1000) / event.elapsedMs) : 0;
        line(
          `podnet: ${event.scenarios} scenarios, ${event.probes} probes (${rate}/s), ${event.findings} findings, ${(event.elapsedMs / 1000).toFixed(0)}s`,
          false,
        );
        break;
      }
      case 'failure':
        if (drawn) write('\n');
        drawn = false;
        write(
          `podnet: failure after ${event.scenarios} scenarios (${(event.elapsedMs / 1000).toFixed(1)}s): ${event.summary}\npodnet: shrinking to a minimal counterexample…\n`,
        );
        break;
      case 'shrink':
        line(
          `podnet: shrinking: ${event.shrinks} smaller failing scenarios so far, ${(event.elapsedMs / 1000).toFixed(0)}s`,
          false,
        );
        break;
      case 'message':
        if (drawn) write('\n');
        drawn = false;
        write(`podnet: ${event.text}\n`);
        break;
    }
  };
  return Object.assign(listener, {
    done() {
      if (drawn) write('\n');
      drawn = false;
    },
  });
}
