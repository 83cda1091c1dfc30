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

/**
 * Make a string safe for a terminal: control characters (which could move the cursor, recolor or
 * retitle the terminal) are shown as `\xNN` / `\u{NNNN}` instead of being sent raw.
 */
export function escTerminal(
  text: unknown,
  { keepNewlines = false }: { keepNewlines?: boolean } = {},
): string {
  return String(text ?? '').replace(/[\p{Cc}\u2028\u2029]/gu, (c) => {
    if (keepNewlines && c === '\n') return c;
    const code = c.charCodeAt(0);
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
