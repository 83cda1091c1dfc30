/**
 * The `labelSelector` and `fieldSelector` query parameters, parsed and matched as apimachinery does:
 * staging/src/k8s.io/apimachinery/pkg/labels/selector.go (Parse: `k`, `!k`, `k=v`, `k==v`, `k!=v`,
 * `k in (a,b)`, `k notin (a,b)`, `k>n`, `k<n`, comma = AND; `!=` and `notin` also match when the label
 * is absent) and staging/src/k8s.io/apimachinery/pkg/fields/selector.go (ParseSelector: `f=v`, `f==v`,
 * `f!=v`, comma = AND, `\` escapes). A malformed selector is a 400 BadRequest.
 */
import { badRequest } from './apiErrors.ts';

type LabelOp = 'exists' | '!exists' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';

export interface LabelRequirement {
  readonly key: string;
  readonly op: LabelOp;
  readonly values: readonly string[];
}

const KEY_CHARS = /[A-Za-z0-9._/-]/;

/** Parses a label selector string; the empty string selects everything. */
export function parseLabelSelector(text: string): LabelRequirement[] {
  const tokens = tokenize(text);
  const reqs: LabelRequirement[] = [];
  let i = 0;
  const fail = (why: string): never => {
    throw badRequest(`unable to parse requirement: ${why}`);
  };
  const next = () => tokens[i++];
  const peek = () => tokens[i];
  while (i < tokens.length) {
    let t = next() as string;
    if (t === '!') {
      const key = next();
      if (key === undefined || !isIdentifier(key))
        fail(`found '${key ?? ''}', expected: identifier after '!'`);
      reqs.push({ key: checkKey(key as string), op: '!exists', values: [] });
    } else {
      if (!isIdentifier(t)) fail(`found '${t}', expected: !, identifier, or 'end of string'`);
      const key = checkKey(t);
      const op = peek();
      if (op === undefined || op === ',') {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (op === '=' || op === '==' || op === '!=') {
        i++;
        const value = peek();
        if (value === undefined || value === ',') {
          reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [''] });
        } else {
          i++;
          if (!isIdentifier(value)) fail(`found '${value}', expected: identifier`);
          reqs.push({ key, op: op === '!=' ? '!=' : '=', values: [checkValue(value)] });
        }
      } else if (op === 'in' || op === 'notin') {
        i++;
        if (next() !== '(') fail(`found '${tokens[i - 1] ?? ''}', expected: '('`);
        const values: string[] = [];
        while (true) {
          t = next() as string;
          if (t === undefined) fail("found 'end of string', expected: ')'");
          if (t === ')') {
            if (values.length === 0 || tokens[i - 2] === ',') values.push('');
            break;
          }
          if (t === ',') {
            if (tokens[i - 2] === '(' || tokens[i - 2] === ',') values.push('');
            continue;
          }
          if (!isIdentifier(t)) fail(`found '${t}', expected: ',', ')' or identifier`);
          values.push(checkValue(t));
        }
        reqs.push({ key, op, values: [...new Set(values)].sort() });
      } else if (op === '>' || op === '<') {
        i++;
        const value = next();
        if (value === undefined || !/^-?\d+$/.test(value))
          fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
        reqs.push({ key, op: op === '>' ? 'gt' : 'lt', values: [value as string] });
      } else {
        fail(`found '${op}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    }
    const sep = next();
    if (sep !== undefined && sep !== ',') fail(`found '${sep}', expected: ',' or 'end of string'`);
  }
  return reqs;
}

function isIdentifier(t: string): boolean {
  return t.length > 0 && ![...'!=(),<>'].includes(t[0] as string) && t !== '==' && t !== '!=';
}

function checkKey(key: string): string {
  const parts = key.split('/');
  const name = parts[parts.length - 1] as string;
  const ok =
    parts.length <= 2 &&
    name.length > 0 &&
    name.length <= 63 &&
    /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/.test(name) &&
    (parts.length === 1 ||
      /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/.test(parts[0] as string));
  if (!ok) {
    throw badRequest(
      `unable to parse requirement: key: Invalid value: ${JSON.stringify(key)}: name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
    );
  }
  return key;
}

function checkValue(value: string): string {
  if (value.length > 63 || !/^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/.test(value)) {
    throw badRequest(
      `unable to parse requirement: values[0]: Invalid value: ${JSON.stringify(value)}: a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
    );
  }
  return value;
}

function tokenize(text: string): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i] as string;
    if (/\s/.test(c)) {
      i++;
      continue;
    }
    if (c === '=' && text[i + 1] === '=') {
      tokens.push('==');
      i += 2;
    } else if (c === '!' && text[i + 1] === '=') {
      tokens.push('!=');
      i += 2;
    } else if ('!=(),<>'.includes(c)) {
      tokens.push(c);
      i++;
    } else if (KEY_CHARS.test(c)) {
      let j = i;
      while (j < text.length && KEY_CHARS.test(text[j] as string)) j++;
      tokens.push(text.slice(i, j));
      i = j;
    } else {
      throw badRequest(`unable to parse requirement: found '${c}', expected: identifier`);
    }
  }
  return tokens;
}

/** Whether labels satisfy every requirement. */
export function labelsMatch(
  reqs: readonly LabelRequirement[],
  labels: Readonly<Record<string, string>>,
): boolean {
  return reqs.every((r) => {
    const has = Object.hasOwn(labels, r.key);
    const v = labels[r.key];
    switch (r.op) {
      case 'exists':
        return has;
      case '!exists':
        return !has;
      case '=':
        return has && v === r.values[0];
      case '!=':
        return !has || v !== r.values[0];
      case 'in':
        return has && r.values.includes(v as string);
      case 'notin':
        return !has || !r.values.includes(v as string);
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(v as string)) return false;
        const n = Number(v);
        const bound = Number(r.values[0]);
        return r.op === 'gt' ? n > bound : n < bound;
      }
    }
    return false;
  });
}

export interface FieldRequirement {
  readonly field: string;
  readonly op: '=' | '!=';
  readonly value: string;
}

/** Parses a field selector (`metadata.name=x,spec.nodeName!=n1`). */
export function parseFieldSelector(text: string): FieldRequirement[] {
  if (text.trim() === '') return [];
  const parts: string[] = [];
  let current = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length) {
      current += c + (text[i + 1] as string);
      i++;
    } else if (c === ',') {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((part) => {
    const m = /^([^=!]*?)(==|!=|=)(.*)$/s.exec(part);
    if (!m) throw badRequest(`invalid selector: '${text}'; can't understand '${part}'`);
    const value = (m[3] as string).replace(/\\(.)/g, '$1');
    return { field: (m[1] as string).trim(), op: m[2] === '!=' ? '!=' : '=', value };
  });
}

/** Checks every field is one the resource supports (`field label not supported: x`, as conversion.go says). */
export function checkFieldLabels(reqs: readonly FieldRequirement[], supported: readonly string[]): void {
  for (const r of reqs) {
    if (r.field !== 'metadata.name' && r.field !== 'metadata.namespace' && !supported.includes(r.field)) {
      throw badRequest(`field label not supported: ${r.field}`);
    }
  }
}

/** Whether an object's field values satisfy every requirement. */
export function fieldsMatch(
  reqs: readonly FieldRequirement[],
  fieldValue: (field: string) => string | undefined,
): boolean {
  return reqs.every((r) => {
    const v = fieldValue(r.field) ?? '';
    return r.op === '=' ? v === r.value : v !== r.value;
  });
}
