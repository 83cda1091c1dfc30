/**
 * Field-level validation errors as apimachinery renders them
 * (staging/src/k8s.io/apimachinery/pkg/util/validation/field/errors.go): a type (the StatusCause reason,
 * `FieldValueRequired`, `FieldValueInvalid`, …), the field path (`spec.containers[0].name`), the bad value
 * and a detail. `ErrorBody()` is `Required value`, `Invalid value: "x": detail`, `Unsupported value: "x":
 * supported values: "A", "B"`, `Duplicate value: "x"`, `Forbidden: detail`.
 */

type FieldErrorType =
  | 'FieldValueRequired'
  | 'FieldValueNotFound'
  | 'FieldValueInvalid'
  | 'FieldValueNotSupported'
  | 'FieldValueDuplicate'
  | 'FieldValueForbidden'
  | 'FieldValueTooLong'
  | 'FieldValueTooMany'
  | 'FieldValueTypeInvalid';

export interface FieldError {
  readonly type: FieldErrorType;
  readonly field: string;
  /** Absent for Required and Forbidden (their body omits the value). */
  readonly badValue?: unknown;
  readonly detail?: string;
}

const TYPE_TEXT: Readonly<Record<FieldErrorType, string>> = {
  FieldValueRequired: 'Required value',
  FieldValueNotFound: 'Not found',
  FieldValueInvalid: 'Invalid value',
  FieldValueNotSupported: 'Unsupported value',
  FieldValueDuplicate: 'Duplicate value',
  FieldValueForbidden: 'Forbidden',
  FieldValueTooLong: 'Too long',
  FieldValueTooMany: 'Too many',
  FieldValueTypeInvalid: 'Invalid value',
};

/** Go's `%q` of a string is close to JSON's quoting for the printable text an API object holds. */
function goValue(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/** field.Error.ErrorBody(). */
export function fieldErrorBody(e: FieldError): string {
  const text = TYPE_TEXT[e.type];
  const omitsValue =
    e.type === 'FieldValueRequired' ||
    e.type === 'FieldValueForbidden' ||
    e.type === 'FieldValueTooLong' ||
    !('badValue' in e);
  let s = omitsValue ? text : `${text}: ${goValue(e.badValue)}`;
  if (e.detail) s += `: ${e.detail}`;
  return s;
}

/** field.Error.Error(): `<field>: <body>`. */
export function fieldErrorText(e: FieldError): string {
  return `${e.field}: ${fieldErrorBody(e)}`;
}

export function required(field: string, detail?: string): FieldError {
  return { type: 'FieldValueRequired', field, ...(detail ? { detail } : {}) };
}

export function invalidValue(field: string, badValue: unknown, detail: string): FieldError {
  return { type: 'FieldValueInvalid', field, badValue, detail };
}

export function notSupported(field: string, badValue: unknown, valid: readonly string[]): FieldError {
  return {
    type: 'FieldValueNotSupported',
    field,
    badValue,
    ...(valid.length > 0
      ? { detail: `supported values: ${valid.map((v) => JSON.stringify(v)).join(', ')}` }
      : {}),
  };
}

export function duplicate(field: string, badValue: unknown): FieldError {
  return { type: 'FieldValueDuplicate', field, badValue };
}

export function forbiddenField(field: string, detail: string): FieldError {
  return { type: 'FieldValueForbidden', field, detail };
}

/** `spec.containers[0].ports[1].name` from a path of keys and indexes. */
export function pathText(path: readonly (string | number)[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? part : `.${part}`;
  }
  return out;
}
