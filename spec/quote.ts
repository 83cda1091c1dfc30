/**
 * Text from input (manifests, results files, kubeconfigs, the command line, a cluster's answers) made
 * safe to print: quoted, cut to a readable length, and with every invisible character written as an
 * escape, so a hostile value can neither flood a terminal nor drive it (ANSI escapes, carriage returns,
 * C1 controls such as U+009B, bidi overrides), nor issue a GitHub workflow command.
 */

/** Longest quoted value in a message, in characters. */
export const MAX_QUOTED_LENGTH = 80;

/** Characters a message must not carry raw: controls, line and paragraph separators, bidi controls. */
const INVISIBLE = /[\p{Cc}\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;
/** The same, but newline and tab, which multi-line messages use. */
const INVISIBLE_BUT_LAYOUT = /[^\P{Cc}\n\t]|[\u2028\u2029\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

function unicodeEscape(c: string): string {
  return `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`;
}

/**
 * GitHub's runner reads `##[command]` anywhere in a line of a step's output as a workflow command
 * (actions/runner src/Runner.Common/ActionCommand.cs `TryParse`): written `#\u0023[` it is inert.
 */
function defuseWorkflowCommands(text: string): string {
  return text.replaceAll('##[', '#\\u0023[');
}

/** `text` on one line, every invisible character (newlines included) escaped. */
export function visibleText(text: string): string {
  return defuseWorkflowCommands(text.replace(INVISIBLE, unicodeEscape));
}

/** `text` with its invisible characters escaped, but newlines and tabs kept (whole messages). */
export function escapeControl(text: string): string {
  return defuseWorkflowCommands(text.replace(INVISIBLE_BUT_LAYOUT, unicodeEscape));
}

/** A value as it appears in a message: `"text"` (escaped and cut), or a number, boolean, `null`. */
export function quoteValue(value: unknown, max = MAX_QUOTED_LENGTH): string {
  if (typeof value === 'string') {
    const cut = value.length > max ? `${value.slice(0, max)}…` : value;
    const quoted = visibleText(JSON.stringify(cut));
    return value.length > max ? `${quoted} (${value.length} characters)` : quoted;
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value === null || value === undefined) {
    return String(value);
  }
  return quoteValue(JSON.stringify(value) ?? String(value), max);
}

/** Longest unbroken run of characters a printed message keeps (a path, a label key, an echoed value). */
export const MAX_RUN_LENGTH = 300;

/**
 * `text` with every run of non-blank characters longer than `max` cut to its first and last few
 * characters and its length: the last guard before a message is printed, for values a message quoted
 * without `quoteValue` (file paths, field paths built from keys). Nothing legitimate is that long.
 */
export function cutLongRuns(text: string, max = MAX_RUN_LENGTH): string {
  return text.replace(new RegExp(`\\S{${max + 1},}`, 'g'), (run) => {
    const keep = Math.floor(max / 3);
    return `${run.slice(0, keep)}…${run.slice(-keep)} (${run.length} characters)`;
  });
}
