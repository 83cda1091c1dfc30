/** One new connection as the runner saw it, for grouping by sticky key. */
export interface TimedSample {
  /** The sticky key from the prediction (`AffinityPrediction.key`). */
  readonly key: string;
  /** When the connection was opened, in seconds on one clock. */
  readonly atSeconds: number;
  /** The backend that answered (`servedBy`). */
  readonly backend: string;
}

/**
 * Splits connections into windows that must each hit one endpoint (docs/research/lb.md §2.4: the timeout is a
 * sliding window since the client's previous *new* connection). A gap up to timeout - slack stays in the
 * window; a longer gap starts a new one (an expiry may or may not have happened, so nothing is claimed across
 * it).
 */
export function affinityWindows(
  samples: readonly TimedSample[],
  timeoutSeconds: number,
  slackSeconds: number,
): string[][] {
  const byKey = new Map<string, TimedSample[]>();
  for (const s of samples) {
    const list = byKey.get(s.key);
    if (list) list.push(s);
    else byKey.set(s.key, [s]);
  }
  const windows: string[][] = [];
  const maxGap = timeoutSeconds - slackSeconds;
  for (const list of [...byKey.keys()].sort().map((k) => byKey.get(k) as TimedSample[])) {
    list.sort((a, b) => a.atSeconds - b.atSeconds);
    let current: string[] = [];
    let last = Number.NEGATIVE_INFINITY;
    for (const s of list) {
      if (current.length > 0 && s.atSeconds - last > maxGap) {
        windows.push(current);
        current = [];
      }
      current.push(s.backend);
      last = s.atSeconds;
    }
    if (current.length > 0) windows.push(current);
  }
  return windows;
}
