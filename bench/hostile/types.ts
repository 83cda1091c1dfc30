/** The vocabulary of the hostile-input harness: cases, what each expects, what a run observed. */

/** Kinds of input, in the order the table prints them. */
export const KINDS = [
  'files',
  'yaml',
  'values',
  'numeric',
  'results',
  'outputs',
  'argv',
  'reports',
  'kubeconfig',
  'controls',
] as const;
export type Kind = (typeof KINDS)[number];

/** Where one case runs: a fresh temp folder, removed afterwards. */
export interface CaseContext {
  /** The case's temp root; every path below lives in it. */
  readonly root: string;
  /** The working directory podnet runs in; inputs are created here. */
  readonly work: string;
  /** A folder that must stay empty: forged names point writes here. */
  readonly canary: string;
  /** `work/<name>`. */
  path(name: string): string;
}

/** What a case must get. */
export interface Expectation {
  /** The documented exit code(s). */
  readonly exit: number | readonly number[];
  /** Must all match stderr when podnet fails (exit 2 or 3): the message names the file/field and the reason. */
  readonly stderr?: readonly RegExp[];
  /** Must all match stdout when podnet succeeds (exit 0 or 1). */
  readonly stdout?: readonly RegExp[];
  /** Must match neither stdout nor stderr. */
  readonly never?: readonly RegExp[];
  /** A planted secret that must appear in no output and in no file podnet wrote. */
  readonly secret?: string;
  /** Paths relative to the work folder that must not exist afterwards (nothing half written). */
  readonly absent?: readonly string[];
  /** Paths relative to the work folder that must exist afterwards (controls). */
  readonly present?: readonly string[];
  /** Valid input that needs the lab (a replay control): the lab may be built, and must be gone afterwards. */
  readonly labAllowed?: boolean;
}

/** What one invocation of podnet did. */
export interface Outcome {
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Why the harness killed it, when it did: `hung: …` (blocked, runaway) or `stopped: …` (a lab for bad input). */
  readonly hang?: string;
  readonly durationMs: number;
  /** CPU time podnet and its children used (sampled once a second, so 0 for short runs). */
  readonly cpuMs: number;
  readonly stdout: string;
  readonly stderr: string;
  /** Files under the work folder that are new or changed since the setup, with their text (cut at 4 MiB). */
  readonly written: ReadonlyMap<string, string>;
  /** Entries under the sandbox's /run: a lab (or its prerequisite check) ran when this is not empty. */
  readonly runEntries: readonly string[];
  /** Entries left in the lab folders of the sandbox's /run (`podnet/<id>`, `netns/<name>`). */
  readonly labLeftovers: readonly string[];
  /** Entries in the canary folder: writes that escaped through forged names. */
  readonly canaryEntries: readonly string[];
  /** Processes still running in the sandbox when podnet exited. */
  readonly leftoverProcesses: readonly string[];
  /** The sandbox itself failed (not podnet): the case is not judged. */
  readonly sandboxError?: string;
}

/** A second invocation after the first, e.g. replaying the seed the first one printed. */
interface FollowUp {
  /** The argv of the second run, or a problem when the first run gave nothing to follow up. */
  readonly argv: (ctx: CaseContext, first: Outcome) => readonly string[] | { readonly problem: string };
  /** Problems of the pair. */
  readonly check: (second: Outcome, first: Outcome) => readonly string[];
}

export interface HostileCase {
  readonly kind: Kind;
  /** Unique and stable across runs. */
  readonly name: string;
  /** Creates the inputs in ctx.work (runs as root, before podnet starts). */
  readonly setup?: (ctx: CaseContext) => void;
  /** Arguments after `podnet`. */
  readonly argv: (ctx: CaseContext) => readonly string[];
  /** Arguments as raw bytes (non-UTF-8 argv); replaces argv on the command line, argv stays the label. */
  readonly rawArgv?: (ctx: CaseContext) => readonly Buffer[];
  /** Extra environment (HOME, TMPDIR and PATH are set by the runner). */
  readonly env?: (ctx: CaseContext) => Readonly<Record<string, string>>;
  /** Run podnet as nobody (uid 65534) instead of root. */
  readonly asNobody?: boolean;
  /** Folders made read-only inside the sandbox. */
  readonly readOnly?: (ctx: CaseContext) => readonly string[];
  /** Overrides the harness's longest run time. */
  readonly maxMs?: number;
  /** Overrides the harness's CPU budget (the replay control builds a real lab). */
  readonly maxCpuMs?: number;
  readonly expect: Expectation;
  /** Problems beyond the expectation (reports scanned for injection, files parsed…). */
  readonly check?: (outcome: Outcome, ctx: CaseContext) => readonly string[];
  readonly followUp?: FollowUp;
}

type Verdict = 'right' | 'wrong' | 'skipped';

export interface CaseResult {
  readonly kind: Kind;
  readonly name: string;
  readonly verdict: Verdict;
  /** Why the case is wrong (or skipped); empty when right. */
  readonly problems: readonly string[];
  readonly argv: readonly string[];
  readonly exitCode: number | null;
  readonly durationMs: number;
  readonly cpuMs: number;
  /** Shortened, control characters shown as escapes. */
  readonly stdout: string;
  readonly stderr: string;
}
