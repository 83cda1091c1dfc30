/**
 * API errors as `metav1.Status` objects, worded and coded exactly as apimachinery's
 * staging/src/k8s.io/apimachinery/pkg/api/errors/errors.go builds them (NewNotFound, NewAlreadyExists,
 * NewConflict, NewInvalid, NewMethodNotSupported, NewResourceExpired, NewTooManyRequests, NewForbidden,
 * NewBadRequest, NewInternalError), so kubectl and client-node print and classify them as they would a
 * real server's.
 */
import { type FieldError, fieldErrorBody, fieldErrorText } from './fieldErrors.ts';
import { groupKindText, groupResourceText, type ResourceInfo } from './resources.ts';

export interface StatusCause {
  readonly reason?: string;
  readonly message?: string;
  readonly field?: string;
}

interface StatusDetails {
  readonly name?: string;
  readonly group?: string;
  readonly kind?: string;
  readonly uid?: string;
  readonly causes?: readonly StatusCause[];
  readonly retryAfterSeconds?: number;
}

export interface Status {
  readonly kind: 'Status';
  readonly apiVersion: 'v1';
  /** ListMeta: only `continue`, which a 410 for an expired continue token carries (etcd3/errors.go). */
  readonly metadata: { readonly continue?: string };
  readonly status: 'Success' | 'Failure';
  readonly message?: string;
  readonly reason?: string;
  readonly details?: StatusDetails;
  readonly code: number;
}

/** A failed request: the Status body, and headers to send with it (Retry-After). */
export class ApiError extends Error {
  constructor(
    readonly status: Status,
    readonly headers: Readonly<Record<string, string>> = {},
  ) {
    super(status.message ?? status.reason ?? `HTTP ${status.code}`);
    this.name = 'ApiError';
  }
  get code(): number {
    return this.status.code;
  }
}

function failure(
  code: number,
  reason: string,
  message: string,
  details?: StatusDetails,
  headers?: Record<string, string>,
): ApiError {
  return new ApiError(
    {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message,
      reason,
      ...(details ? { details } : {}),
      code,
    },
    headers,
  );
}

type Res = Pick<ResourceInfo, 'group' | 'plural'>;

function resourceDetails(r: Res, name?: string): StatusDetails {
  return {
    ...(name !== undefined && name !== '' ? { name } : {}),
    ...(r.group ? { group: r.group } : {}),
    kind: r.plural,
  };
}

export function notFound(r: Res, name: string): ApiError {
  return failure(404, 'NotFound', `${groupResourceText(r)} "${name}" not found`, resourceDetails(r, name));
}

export function alreadyExists(r: Res, name: string): ApiError {
  return failure(
    409,
    'AlreadyExists',
    `${groupResourceText(r)} "${name}" already exists`,
    resourceDetails(r, name),
  );
}

/** NewConflict: `Operation cannot be fulfilled on pods "x": <why>`. */
export function conflict(r: Res, name: string, why: string): ApiError {
  return failure(
    409,
    'Conflict',
    `Operation cannot be fulfilled on ${groupResourceText(r)} "${name}": ${why}`,
    resourceDetails(r, name),
  );
}

/** NewInvalid: 422 with one cause per field error; the message aggregates them as utilerrors does. */
export function invalid(
  r: Pick<ResourceInfo, 'group' | 'kind'>,
  name: string,
  errors: readonly FieldError[],
): ApiError {
  const texts = [...new Set(errors.map(fieldErrorText))];
  const aggregate = texts.length === 0 ? '' : texts.length === 1 ? texts[0] : `[${texts.join(', ')}]`;
  return failure(
    422,
    'Invalid',
    aggregate
      ? `${groupKindText(r)} "${name}" is invalid: ${aggregate}`
      : `${groupKindText(r)} "${name}" is invalid`,
    {
      ...(name ? { name } : {}),
      ...(r.group ? { group: r.group } : {}),
      kind: r.kind,
      causes: errors.map((e) => ({ reason: e.type, message: fieldErrorBody(e), field: e.field })),
    },
  );
}

export function forbidden(r: Res, name: string, why: string, causes?: readonly StatusCause[]): ApiError {
  const what = name ? `${groupResourceText(r)} "${name}"` : groupResourceText(r);
  return failure(403, 'Forbidden', `${what} is forbidden: ${why}`, {
    ...resourceDetails(r, name),
    ...(causes ? { causes } : {}),
  });
}

export function badRequest(message: string): ApiError {
  return failure(400, 'BadRequest', message);
}

/**
 * NewResourceExpired: 410 Gone with reason Expired (a watch or continue from a compacted version); a list's
 * expired continue token gets a new one to finish the list inconsistently (etcd3 handleCompactedErrorForPaging).
 */
export function expired(message: string, continueToken?: string): ApiError {
  const error = failure(410, 'Expired', message);
  if (continueToken === undefined) return error;
  return new ApiError({ ...error.status, metadata: { continue: continueToken } });
}

/** NewTooManyRequests: 429 with details.retryAfterSeconds and the Retry-After header. */
export function tooManyRequests(message: string, retryAfterSeconds: number): ApiError {
  return failure(
    429,
    'TooManyRequests',
    message,
    { retryAfterSeconds },
    { 'Retry-After': String(retryAfterSeconds) },
  );
}

export function internalError(message: string): ApiError {
  return failure(500, 'InternalError', `Internal error occurred: ${message}`, { causes: [{ message }] });
}

export function unauthorized(): ApiError {
  return failure(401, 'Unauthorized', 'Unauthorized');
}

/** The bare 404 the API server's mux answers for a path it does not serve. */
export function pathNotFound(): ApiError {
  return failure(404, 'NotFound', 'the server could not find the requested resource', {});
}

/** The Status a successful delete of a resource without graceful deletion returns. */
export function successStatus(r: Res, name: string, uid?: string): Status {
  return {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name, ...(r.group ? { group: r.group } : {}), kind: r.plural, ...(uid ? { uid } : {}) },
    code: 200,
  };
}
