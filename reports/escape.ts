/**
 * Escaping for every string that came from a cluster or a manifest. One place, so each renderer
 * uses the same rules: HTML text and attributes, XML 1.0, JSON inside `<script>`, terminals.
 */

/** Characters XML 1.0 forbids (C0 controls but tab/LF/CR, lone surrogates, U+FFFE/U+FFFF). */
const XML_INVALID = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** Replace characters that XML 1.0 cannot carry (even as references) with U+FFFD. */
export function stripInvalidXml(text: string): string {
  return text.replace(XML_INVALID, '\uFFFD');
}

const ENTITIES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escape for HTML text and quoted attribute values; control characters become U+FFFD. */
export function esc(text: unknown): string {
  return stripInvalidXml(String(text ?? '')).replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/**
 * Escape for XML text and attribute values. `>` is escaped too, so `]]>` can never close anything;
 * in attributes, tab/LF/CR become references so attribute-value normalization keeps them.
 */
export function escXml(text: unknown, { attribute = false }: { attribute?: boolean } = {}): string {
  const escaped = esc(text);
  return attribute ? escaped.replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;') : escaped;
}

/** JSON safe to embed in `<script type="application/json">`: no `<`, `>`, `&`, U+2028 or U+2029 raw. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Unicode bidirectional controls: they reorder what a terminal shows ("Trojan Source", CVE-2021-42574). */
const BIDI_CONTROLS = '\u200e\u200f\u202a-\u202e\u2066-\u2069';
const TERMINAL_INVISIBLE = new RegExp(`[\\p{Cc}\\u2028\\u2029${BIDI_CONTROLS}]`, 'gu');

/**
 * Make a string safe for a terminal and for a CI log: control characters (which could move the cursor,
 * recolor or retitle the terminal, or start a new log line) and bidirectional controls are shown as
 * `\xNN` / `\u{NNNN}` instead of being sent raw, and `##[` is shown as `#\x23[`: GitHub's runner reads
 * a `##[command]` anywhere in a line of a step's stdout or stderr as a workflow command (actions/runner
 * src/Runner.Common/ActionCommand.cs `TryParse`). A value never starts a line here, so the other command
 * syntax (`::` at the start of a line, `TryParseV2`) cannot be reached through it.
 */
export function escTerminal(
  text: unknown,
  { keepNewlines = false }: { keepNewlines?: boolean } = {},
): string {
  return String(text ?? '')
    .replace(TERMINAL_INVISIBLE, (c) => {
      if (keepNewlines && c === '\n') return c;
      const code = c.charCodeAt(0);
      return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
    })
    .replaceAll('##[', '#\\x23[');
}
