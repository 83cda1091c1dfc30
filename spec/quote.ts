/**
 * Values from input echoed in messages: quoted, cut to a readable length, and with every control
 * character written as an escape, so a hostile name can neither flood the terminal nor drive it
 * (ANSI escapes, carriage returns, C1 controls such as U+009B).
 */

/** Longest quoted value in a message, in characters (the cut value ends with `...`). */
export const MAX_QUOTED_LENGTH = 80;

/** `text` with control characters (C0 but newline and tab, DEL, C1, line/paragraph separators) escaped. */
export function escapeControl(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
  return text.replace(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => unicodeEscape(c));
}

function unicodeEscape(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x100
    ? `\\x${code.toString(16).padStart(2, '0')}`
    : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** A value as it appears in a message: `"text"` (escaped and cut), or a number, boolean, `null`. */
export function quoteValue(value: unknown, max = MAX_QUOTED_LENGTH): string {
  if (typeof value === 'string') {
    const cut = value.length > max ? `${value.slice(0, max - 3)}...` : value;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point
    return `"${cut.replace(/[\\"]/g, (c) => `\\${c}`).replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, (c) => unicodeEscape(c))}"`;
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean' || value === null || value === undefined) return String(value);
  return quoteValue(JSON.stringify(value) ?? String(value), max);
}
