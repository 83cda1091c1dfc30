/**
 * Errors a user can cause (exit code 2) and failures of a target (exit code 3).
 * Messages say what was wrong, where, and what to do; a stack trace is never the message.
 */
import { escapeControl } from './quote.ts';

/**
 * Exit codes (docs/design.md "Exit codes"): `coverage` is `podnet run --require-coverage` failing a run that
 * otherwise conforms, because a required rule or feature was never exercised.
 */
export const EXIT = { conforms: 0, findings: 1, usage: 2, target: 3, coverage: 4 } as const;

/** Where in the input an error sits. */
export interface InputLocation {
  readonly file?: string;
  /** 1-based line, when known. */
  readonly line?: number;
  /** `NetworkPolicy x/allow-a`, when the error is about one object. */
  readonly object?: string;
  /** `spec.ingress[0].from[1].ipBlock.cidr`. */
  readonly field?: string;
}

/** Bad usage or bad input: exit code 2. */
export class PodnetInputError extends Error {
  readonly exitCode = EXIT.usage;
  constructor(
    readonly code: string,
    readonly problem: string,
    readonly location: InputLocation = {},
    readonly hint?: string,
  ) {
    super(formatInputMessage(problem, location, hint));
    this.name = 'PodnetInputError';
  }
}

/** Several input errors at once (validation reports all of them, and nothing partial is used). */
export class PodnetInputErrors extends Error {
  readonly exitCode = EXIT.usage;
  readonly code = 'PODNET_INVALID_INPUT';
  constructor(readonly errors: readonly PodnetInputError[]) {
    super(errors.map((e) => e.message).join('\n'));
    this.name = 'PodnetInputErrors';
  }
}

/** The target failed (cannot be reached, cannot be built, broke mid-run): exit code 3. */
export class PodnetTargetError extends Error {
  readonly exitCode = EXIT.target;
  constructor(
    readonly code: string,
    message: string,
    readonly hint?: string,
    options?: { cause?: unknown },
  ) {
    super(hint ? `${message}\n  hint: ${hint}` : message, options);
    this.name = 'PodnetTargetError';
  }
}

function formatInputMessage(problem: string, location: InputLocation, hint?: string): string {
  const where: string[] = [];
  if (location.file) where.push(location.line ? `${location.file}:${location.line}` : location.file);
  if (location.object) where.push(location.object);
  if (location.field) where.push(`field ${location.field}`);
  const head = where.length > 0 ? `${where.join(': ')}: ${problem}` : problem;
  // Paths, names and fields come from the input: whatever they hold, the message never drives a terminal.
  return escapeControl(hint ? `${head}\n  hint: ${hint}` : head);
}
