/**
 * Text → ManifestObject[]: YAML multi-document streams and JSON, with `kind: List` and typed lists
 * (`PodList`, `NetworkPolicyList`, …) flattened into their items. Every object keeps a way back to its
 * line, so later errors can say `file:line`.
 *
 * YAML is read as YAML 1.1, as kubectl does (sigs.k8s.io/yaml uses go-yaml v2): an unquoted `yes` is a
 * boolean there, and a label value `yes` is then rejected, as the API server would. JSON is read as JSON.
 *
 * Two fast readers come first: JSON.parse for JSON (jsonManifest.ts) and a reader of the block YAML kubectl
 * writes (yamlSubset.ts). Either one hands a text it does not read exactly, or any error, to the yaml
 * package, which keeps source ranges for lines and gives the messages users see. Lines are found only
 * when an error asks for one.
 */
import { type Document, isMap, isScalar, isSeq, LineCounter, type Node, parseAllDocuments } from 'yaml';
import { PodnetInputError, PodnetInputErrors } from '../errors.ts';
import { isStackOverflow } from '../nesting.ts';
import { guardedParse, tooDeepError, yamlToValue } from '../yamlValue.ts';
import { looksLikeJson, readJsonManifest } from './jsonManifest.ts';
import { isListKind } from './kinds.ts';
import type { FieldPath, ManifestObject } from './manifestObject.ts';
import { readYamlSubset } from './yamlSubset.ts';

/** Parses one file's text; throws PodnetInputErrors for syntax errors and objects without kind or apiVersion. */
export function parseManifests(text: string, file: string): ManifestObject[] {
  const errors: PodnetInputError[] = [];
  const objects = parseManifestsCollecting(text, file, errors);
  if (errors.length > 0) throw new PodnetInputErrors(errors);
  return objects;
}

/** Like {@link parseManifests}, but appends errors to `errors` and returns what it could read. */
export function parseManifestsCollecting(
  text: string,
  file: string,
  errors: PodnetInputError[],
): ManifestObject[] {
  const json = looksLikeJson(text, file);
  const fast = json ? readJsonManifest(text) : readYamlSubset(text);
  if (fast === 'unsupported') return parseManifestsWithYamlPackage(text, file, errors);
  const objects: ManifestObject[] = [];
  for (const doc of Array.isArray(fast) ? fast : [fast]) {
    const root = doc.value;
    if (root === null) continue; // empty document
    const lineOf = (prefix: FieldPath) => (path: FieldPath) =>
      doc.lineOf(prefix.length === 0 ? path : [...prefix, ...path]);
    if (typeof root !== 'object' || Array.isArray(root)) {
      errors.push(notAnObject(file, doc.lineOf([])));
      continue;
    }
    collectObject(root as Record<string, unknown>, file, lineOf([]), [], undefined, objects, errors, lineOf);
  }
  return objects;
}

/** {@link parseManifestsCollecting} with the yaml package only: the reference the fast readers must match. */
export function parseManifestsWithYamlPackage(
  text: string,
  file: string,
  errors: PodnetInputError[],
): ManifestObject[] {
  const lineCounter = new LineCounter();
  const looksLikeJson = /^\s*[[{]/.test(text);
  let docs: ReturnType<typeof parseAllDocuments>;
  try {
    docs = guardedParse(
      () =>
        parseAllDocuments(text, {
          lineCounter,
          version: looksLikeJson ? '1.2' : '1.1',
          // go-yaml v2 leaves timestamps as strings when decoding into interface{} (kubectl's unstructured
          // objects) and knows no sexagesimal numbers: drop both from yaml's 1.1 schema.
          customTags: (tags) =>
            tags.filter(
              (t) => typeof t === 'string' || (t.format !== 'TIME' && !t.tag.endsWith(':timestamp')),
            ),
          uniqueKeys: true,
          prettyErrors: false,
        }),
      { file },
    );
  } catch (error) {
    if (!(error instanceof PodnetInputError)) throw error;
    errors.push(error);
    return [];
  }
  const list = (Array.isArray(docs) ? docs : []) as Document.Parsed[];
  const lineAt = (offset: number): number => lineCounter.linePos(offset).line;
  const objects: ManifestObject[] = [];
  for (const doc of list) {
    // Only the first error of a document: the ones after it are mostly echoes of the same mistake.
    const syntaxError = doc.errors[0];
    if (syntaxError !== undefined) {
      const line = syntaxError.linePos?.[0].line ?? lineAt(syntaxError.pos[0]);
      // The parser turns a stack overflow on deep nesting into a "syntax error": say what it is.
      if (isStackOverflow(syntaxError)) {
        errors.push(tooDeepError({ file, line }));
        continue;
      }
      errors.push(
        new PodnetInputError(
          'PODNET_YAML_SYNTAX',
          `${looksLikeJson ? 'JSON' : 'YAML'} syntax error: ${firstLine(syntaxError.message)}`,
          { file, line },
          'fix the syntax at this line (indentation, a missing colon or quote, a duplicate key)',
        ),
      );
      continue;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) continue; // empty document
    const docLine = root.range ? lineAt(root.range[0]) : undefined;
    if (!isMap(root)) {
      errors.push(notAnObject(file, docLine));
      continue;
    }
    let value: Record<string, unknown>;
    try {
      value = yamlToValue(doc, withLine({ file }, docLine)) as Record<string, unknown>;
    } catch (error) {
      if (!(error instanceof PodnetInputError)) throw error;
      errors.push(error);
      continue;
    }
    const lineOf = (prefix: FieldPath) => (path: FieldPath) => lineOfPath(root, [...prefix, ...path], lineAt);
    collectObject(value, file, lineOf([]), [], undefined, objects, errors, lineOf);
  }
  return objects;
}

function notAnObject(file: string, line: number | undefined): PodnetInputError {
  return new PodnetInputError(
    'PODNET_MANIFEST_NOT_OBJECT',
    'a manifest document must be a mapping with apiVersion, kind and metadata',
    withLine({ file }, line),
    'each YAML document (between `---` lines) must describe one Kubernetes object',
  );
}

type LineOfFactory = (prefix: FieldPath) => (path: FieldPath) => number | undefined;

/** Adds `value` (or, for a list, its items) to `objects`. `inherited` is a typed list's item kind. */
function collectObject(
  value: Record<string, unknown>,
  file: string,
  lineOf: (path: FieldPath) => number | undefined,
  prefix: FieldPath,
  inherited: { kind: string; apiVersion: string } | undefined,
  objects: ManifestObject[],
  errors: PodnetInputError[],
  makeLineOf: LineOfFactory,
): void {
  const kind = typeof value.kind === 'string' && value.kind !== '' ? value.kind : inherited?.kind;
  const apiVersion =
    typeof value.apiVersion === 'string' && value.apiVersion !== ''
      ? value.apiVersion
      : inherited?.apiVersion;
  if (kind === undefined || apiVersion === undefined) {
    const missing = [kind === undefined ? 'kind' : '', apiVersion === undefined ? 'apiVersion' : '']
      .filter(Boolean)
      .join(' and ');
    errors.push(
      new PodnetInputError(
        'PODNET_MANIFEST_NO_KIND',
        `object has no ${missing}`,
        withLine({ file, ...(prefix.length > 0 ? { field: pathLabel(prefix) } : {}) }, lineOf([])),
        'every Kubernetes object needs `apiVersion:` and `kind:` (e.g. `apiVersion: networking.k8s.io/v1`, `kind: NetworkPolicy`)',
      ),
    );
    return;
  }
  if (isListKind(kind) && (Array.isArray(value.items) || value.items === undefined || value.items === null)) {
    const items = Array.isArray(value.items) ? value.items : [];
    const itemKind = kind === 'List' ? undefined : { kind: kind.slice(0, -4), apiVersion };
    items.forEach((item, i) => {
      const itemPrefix = [...prefix, 'items', i];
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        errors.push(
          new PodnetInputError(
            'PODNET_MANIFEST_NOT_OBJECT',
            'a list item must be an object',
            withLine({ file, field: pathLabel(itemPrefix) }, makeLineOf(itemPrefix)([])),
            'each entry of `items:` must be one Kubernetes object',
          ),
        );
        return;
      }
      collectObject(
        item as Record<string, unknown>,
        file,
        makeLineOf(itemPrefix),
        itemPrefix,
        itemKind,
        objects,
        errors,
        makeLineOf,
      );
    });
    return;
  }
  // The object's line is looked up only if an error names it (most objects never need it).
  objects.push({
    apiVersion,
    kind,
    value,
    file,
    get line() {
      return lineOf([]);
    },
    lineOf,
  });
}

/** Line of the deepest node along `path` that exists (a map key's line, or a sequence item's line). */
function lineOfPath(root: Node, path: FieldPath, lineAt: (offset: number) => number): number | undefined {
  let node: unknown = root;
  let line = (root.range ? lineAt(root.range[0]) : undefined) as number | undefined;
  for (const part of path) {
    if (isMap(node) && typeof part === 'string') {
      const pair = node.items.find((p) => isScalar(p.key) && p.key.value === part);
      if (!pair) break;
      const keyNode = pair.key as Node;
      if (keyNode.range) line = lineAt(keyNode.range[0]);
      node = pair.value;
    } else if (isSeq(node) && typeof part === 'number') {
      const item = node.items[part] as Node | undefined;
      if (!item) break;
      if (item.range) line = lineAt(item.range[0]);
      node = item;
    } else {
      break;
    }
  }
  return line;
}

function pathLabel(path: FieldPath): string {
  return path
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
}

function withLine<T extends object>(loc: T, line: number | undefined): T & { line?: number } {
  return line === undefined ? loc : { ...loc, line };
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
