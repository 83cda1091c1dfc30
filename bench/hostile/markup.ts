/**
 * Just enough HTML, XML, Markdown and workflow-command reading to tell whether a hostile string got
 * out of the text it was put in: an element or attribute of its own, a script that runs, a line that
 * is a `::` command. Pure; tested in markup.test.ts. The payloads carry made-up names (`pnxtag`,
 * `pnxattr`, `pnxscript`, `pnxcmd`) that no renderer produces, so finding one as markup is proof.
 */

export interface Tag {
  readonly name: string;
  readonly attributes: readonly { readonly name: string; readonly value: string }[];
  /** Raw text of script/style elements. */
  readonly text?: string;
}

const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title']);

/** Start tags of an HTML document (HTML tokenizer rules, much simplified: no error recovery needed). */
export function htmlTags(html: string): Tag[] {
  const tags: Tag[] = [];
  let i = 0;
  while (i < html.length) {
    const lt = html.indexOf('<', i);
    if (lt < 0) break;
    if (html.startsWith('<!--', lt)) {
      const end = html.indexOf('-->', lt + 4);
      i = end < 0 ? html.length : end + 3;
      continue;
    }
    if (html.startsWith('<!', lt) || html.startsWith('<?', lt) || html.startsWith('</', lt)) {
      const end = html.indexOf('>', lt + 2);
      i = end < 0 ? html.length : end + 1;
      continue;
    }
    const nameMatch = /^<([a-zA-Z][^\s/>]*)/.exec(html.slice(lt, lt + 200));
    if (!nameMatch?.[1]) {
      i = lt + 1;
      continue;
    }
    const name = nameMatch[1].toLowerCase();
    const parsed = attributesFrom(html, lt + nameMatch[0].length);
    i = parsed.end;
    if (RAW_TEXT.has(name)) {
      const close = html.toLowerCase().indexOf(`</${name}`, i);
      const stop = close < 0 ? html.length : close;
      tags.push({ name, attributes: parsed.attributes, text: html.slice(i, stop) });
      i = stop;
    } else {
      tags.push({ name, attributes: parsed.attributes });
    }
  }
  return tags;
}

function attributesFrom(
  text: string,
  start: number,
): { attributes: { name: string; value: string }[]; end: number } {
  const attributes: { name: string; value: string }[] = [];
  let i = start;
  for (;;) {
    while (i < text.length && /[\s/]/.test(text[i] as string)) i++;
    if (i >= text.length) return { attributes, end: i };
    if (text[i] === '>') return { attributes, end: i + 1 };
    const nameStart = i;
    while (i < text.length && !/[\s/>=]/.test(text[i] as string)) i++;
    const name = text.slice(nameStart, i).toLowerCase();
    while (i < text.length && /\s/.test(text[i] as string)) i++;
    let value = '';
    if (text[i] === '=') {
      i++;
      while (i < text.length && /\s/.test(text[i] as string)) i++;
      const quote = text[i];
      if (quote === '"' || quote === "'") {
        const end = text.indexOf(quote, i + 1);
        value = text.slice(i + 1, end < 0 ? text.length : end);
        i = end < 0 ? text.length : end + 1;
      } else {
        const valueStart = i;
        while (i < text.length && !/[\s>]/.test(text[i] as string)) i++;
        value = text.slice(valueStart, i);
      }
    }
    if (name) attributes.push({ name, value });
  }
}

/** What in an HTML report came from a payload as markup. */
export function htmlInjections(html: string): string[] {
  const found: string[] = [];
  for (const tag of htmlTags(html)) {
    if (tag.name.startsWith('pnx')) found.push(`an injected <${tag.name}> element`);
    for (const a of tag.attributes) {
      if (a.name.startsWith('pnx')) found.push(`an injected ${a.name} attribute on <${tag.name}>`);
      if (/^\s*javascript:/i.test(a.value) && a.value.includes('pnx'))
        found.push(`a javascript: URL in ${a.name} of <${tag.name}>`);
    }
    if (tag.name === 'script' && tag.text !== undefined) {
      const type = tag.attributes.find((a) => a.name === 'type')?.value ?? '';
      if (/json/i.test(type)) {
        try {
          JSON.parse(tag.text);
        } catch {
          found.push('a JSON <script> block cut short (a payload closed it)');
        }
      } else if (tag.text.includes('pnxscript')) {
        found.push('an injected <script> runs pnxscript()');
      }
    }
  }
  return found;
}

/** What in an XML document (JUnit) came from a payload as markup, and characters XML 1.0 forbids. */
export function xmlInjections(xml: string): string[] {
  const found: string[] = [];
  for (let i = 0; i < xml.length; i++) {
    const c = xml.charCodeAt(i);
    // XML 1.0 Char: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] | supplementary planes.
    if ((c < 0x20 && c !== 0x09 && c !== 0x0a && c !== 0x0d) || c === 0xfffe || c === 0xffff) {
      found.push(`a character XML 1.0 forbids (0x${c.toString(16)}): not well-formed`);
      break;
    }
  }
  let i = 0;
  while (i < xml.length) {
    const lt = xml.indexOf('<', i);
    if (lt < 0) break;
    if (xml.startsWith('<![CDATA[', lt)) {
      const end = xml.indexOf(']]>', lt + 9);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith('<!--', lt)) {
      const end = xml.indexOf('-->', lt + 4);
      i = end < 0 ? xml.length : end + 3;
      continue;
    }
    if (xml.startsWith('<?', lt) || xml.startsWith('<!', lt) || xml.startsWith('</', lt)) {
      const end = xml.indexOf('>', lt + 2);
      i = end < 0 ? xml.length : end + 1;
      continue;
    }
    const nameMatch = /^<([^\s/>]+)/.exec(xml.slice(lt, lt + 200));
    const name = nameMatch?.[1] ?? '';
    const parsed = attributesFrom(xml, lt + 1 + name.length);
    if (name.toLowerCase().startsWith('pnx')) found.push(`an injected <${name}> element`);
    for (const a of parsed.attributes) {
      if (a.name.startsWith('pnx')) found.push(`an injected ${a.name} attribute on <${name}>`);
    }
    i = parsed.end;
  }
  return found;
}

/**
 * The Markdown outside fenced code blocks: inside a block opened by a fence of n backticks (up to three
 * blanks before it) everything is literal until a line of at least n backticks closes it (CommonMark
 * 0.31, "Fenced code blocks"), so payloads there are text, not markup.
 */
function outsideFences(md: string): string {
  const kept: string[] = [];
  let open = 0;
  for (const line of md.split('\n')) {
    const fence = /^ {0,3}(`{3,})/.exec(line);
    if (open > 0) {
      if (fence && (fence[1] as string).length >= open && /^ {0,3}`+\s*$/.test(line)) open = 0;
      continue;
    }
    if (fence && !/`/.test(line.slice(fence[0].length))) {
      open = (fence[1] as string).length;
      continue;
    }
    kept.push(line);
  }
  return kept.join('\n');
}

/**
 * What in a GitHub-flavoured Markdown summary came from a payload as markup, outside fenced code blocks.
 * A bracket escaped with a backslash opens no link (CommonMark "Backslash escapes").
 */
export function markdownInjections(md: string): string[] {
  const found: string[] = [];
  const text = outsideFences(md);
  if (/<pnx/i.test(text)) found.push('raw HTML from a payload (<pnx…>)');
  if (/(^|[^\\])\]\(\s*javascript:[^)]*pnx/im.test(text)) found.push('a javascript: link from a payload');
  for (const line of text.split('\n')) {
    if (/^\s{0,3}#{1,6}\s*pnxhead/.test(line)) found.push('a heading injected by a newline in a field');
    if (/(^|[^\\])\|\s*pnxcell/.test(line)) found.push('a table cell injected by an unescaped |');
  }
  return found;
}

/**
 * Workflow commands in a stream the GitHub runner reads (stdout, stderr). The runner takes a line whose
 * first non-blank characters are `::` as a command, and, failing that, a `##[cmd]` anywhere in the line
 * (actions/runner src/Runner.Worker/ActionCommandManager.cs TryProcessCommand; ActionCommand.cs
 * TryParseV2 trims leading blanks, TryParse looks for `##[` with IndexOf). Every `::` line must be
 * podnet's own `::error title=…::…` with its title escaped; any other command line is injected.
 */
export function workflowCommandInjections(stream: string): string[] {
  const found: string[] = [];
  for (const line of stream.split(/\r?\n|\r/)) {
    const trimmed = line.trimStart();
    if (trimmed.startsWith('::')) {
      if (!/^::error title=[^:,\r\n]*::/.test(trimmed)) {
        found.push(`a workflow command line not podnet's own: ${trimmed.slice(0, 80)}`);
      }
    } else if (/##\[[a-z-]+[^\]]*\][^\n]*pnx/i.test(line)) {
      found.push(`a legacy ##[command] from a payload: ${line.slice(0, 80)}`);
    }
  }
  return found;
}
