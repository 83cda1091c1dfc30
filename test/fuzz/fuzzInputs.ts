/**
 * Arbitraries for fuzzing podnet's readers: random text, random YAML/JSON values rendered either way,
 * and mutations of valid documents (a line dropped, doubled or cut; a value replaced by a random one;
 * a control character, a deep nesting or a huge number spliced in).
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

/** Text of at most `max` characters from the whole of Unicode, controls included. */
export const anyText = (max = 400): fc.Arbitrary<string> =>
  fc.oneof(fc.string({ maxLength: max, unit: 'binary' }), fc.string({ maxLength: max, unit: 'grapheme' }));

/** A random JSON-compatible value, written as YAML or as JSON. */
export const anyDocument: fc.Arbitrary<string> = fc
  .tuple(fc.jsonValue({ maxDepth: 6 }), fc.boolean())
  .map(([value, asJson]) => (asJson ? JSON.stringify(value) : stringify(value, { version: '1.1' })));

/** Something hostile to splice into a document. */
const splice = fc.oneof(
  fc.constantFrom(
    '\u001b[31m',
    '\u0000',
    '\r',
    '\u009b',
    '&a [x]',
    '*a',
    '!!binary AAAA',
    '!!js/function x',
    '<<: *a',
    '1e999',
    '-.inf',
    '.nan',
    '0x10',
    '9'.repeat(400),
    `${'['.repeat(300)}${']'.repeat(300)}`,
    '{',
    '}',
    ': :',
    '\t',
    '---',
    '%YAML 1.2',
    '\ufeff',
  ),
  fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
  anyText(20),
);

/** `text` changed a few times, line by line or character by character. */
export function mutationsOf(text: string): fc.Arbitrary<string> {
  const mutation = fc.oneof(
    fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('double' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('cut' as const), at: fc.nat() }),
    fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), what: splice }),
    fc.record({ kind: fc.constant('replaceValue' as const), at: fc.nat(), what: splice }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 4 }).map((mutations) => {
    let lines = text.split('\n');
    for (const m of mutations) {
      const i = m.at % Math.max(lines.length, 1);
      const line = lines[i] ?? '';
      switch (m.kind) {
        case 'drop':
          lines = [...lines.slice(0, i), ...lines.slice(i + 1)];
          break;
        case 'double':
          lines = [...lines.slice(0, i), line, ...lines.slice(i)];
          break;
        case 'cut':
          lines[i] = line.slice(0, m.at % Math.max(line.length, 1));
          break;
        case 'insert': {
          const at = m.at % (line.length + 1);
          lines[i] = `${line.slice(0, at)}${m.what}${line.slice(at)}`;
          break;
        }
        case 'replaceValue': {
          const colon = line.indexOf(': ');
          lines[i] = colon >= 0 ? `${line.slice(0, colon + 2)}${m.what}` : `${line}${m.what}`;
          break;
        }
      }
    }
    return lines.join('\n');
  });
}
