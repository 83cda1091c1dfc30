/**
 * The HTTP side of the lab API: authentication, routing of REST paths to the registry, content negotiation
 * (JSON, `as=Table` server-side printing, aggregated discovery), watches, and the exec upgrade.
 *
 * Paths are parsed as the API server's RequestInfoFactory does
 * (staging/src/k8s.io/apiserver/pkg/endpoints/request/requestinfo.go): `/api/v1/…` and
 * `/apis/<group>/<version>/…`, then `namespaces/<ns>/<resource>[/<name>[/<subresource>]]` or
 * `<resource>[/<name>[/<subresource>]]`, the legacy `watch/` prefix, and verbs from the method
 * (GET get|list|watch, POST create, PUT update, PATCH patch, DELETE delete|deletecollection).
 * Authentication: a bearer token (staging/src/k8s.io/apiserver/pkg/authentication/request/bearertoken);
 * `/version`, `/healthz`, `/livez` and `/readyz` are readable without it, as the default
 * `system:public-info-viewer` role allows. An unknown path is 404, a method a resource does not serve 405.
 */
import { timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { parse as parseYaml } from 'yaml';
import { ApiError, badRequest, notFound, pathNotFound, unauthorized } from './apiErrors.ts';
import {
  AGGREGATED_V2,
  aggregatedDiscovery,
  apiGroup,
  apiGroupList,
  apiResourceList,
  apiVersions,
  SERVER_VERSION,
  wantsAggregated,
} from './discovery.ts';
import { openApiV3Index, openApiV3Lookup } from './openapi.ts';
import { PATCH_TYPES, type PatchType } from './patch.ts';
import { decodeProtobufBody, PROTOBUF } from './protobuf.ts';
import type { DeleteOptions, FieldValidation, Registry, WriteOptions } from './registry.ts';
import { apiVersionOf, findResource, type ResourceInfo, resourceOfKind } from './resources.ts';
import type { ApiObject, ObjectStore } from './store.ts';
import { type IncludeObject, toTable } from './tables.ts';
import { serveWatch, type WatchBehaviour } from './watch.ts';

/** What the API's `--api-faults` may do to one request (apiFaults.ts decides). */
export interface RequestFaults {
  /** Before the request is handled: wait, and/or fail it with this error. */
  beforeRequest(info: { method: string; path: string; watch: boolean }): Promise<ApiError | undefined>;
  /** For a watch: cut it after this many ms (undefined: healthy). */
  watchDropAfterMs(): number | undefined;
}

/** Where an exec upgrade goes once the pod was found (the exec half's acceptExec, bound to the pod). */
export type ExecHandler = (
  request: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  pod: ApiObject,
) => Promise<void>;

export interface ApiServerDeps {
  readonly registry: Registry;
  readonly store: ObjectStore;
  readonly token: string;
  /** `host:port` for `/api`'s serverAddressByClientCIDRs. */
  readonly serverAddress: () => string;
  readonly faults?: RequestFaults;
  readonly exec?: ExecHandler;
  readonly watch?: WatchBehaviour;
  readonly log?: (line: string) => void;
}

/** Largest request body the API server reads (3 MiB, as its MaxRequestBodyBytes). */
const MAX_BODY = 3 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/version', '/healthz', '/livez', '/readyz']);

interface ResourceRequest {
  readonly resource: ResourceInfo;
  readonly namespace?: string;
  readonly name?: string;
  readonly subresource?: string;
  readonly watch: boolean;
}

/** Parses a resource path, or undefined when it names no served resource. */
function parseResourcePath(path: string): ResourceRequest | 'not-found' | undefined {
  const parts = path.split('/').filter((p) => p !== '');
  let group: string;
  let version: string;
  let rest: string[];
  if (parts[0] === 'api' && parts.length >= 2) {
    group = '';
    version = parts[1] as string;
    rest = parts.slice(2);
  } else if (parts[0] === 'apis' && parts.length >= 3) {
    group = parts[1] as string;
    version = parts[2] as string;
    rest = parts.slice(3);
  } else return undefined;
  if (rest.length === 0) return undefined;
  let watch = false;
  if (rest[0] === 'watch') {
    watch = true;
    rest = rest.slice(1);
  }
  let namespace: string | undefined;
  if (rest[0] === 'namespaces' && rest.length >= 3 && !['status', 'finalize'].includes(rest[2] as string)) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const [plural, name, subresource, ...extra] = rest;
  if (plural === undefined || extra.length > 0) return 'not-found';
  const resource = findResource(group, version, plural);
  if (!resource) return 'not-found';
  if (namespace !== undefined && !resource.namespaced) return 'not-found';
  if (subresource !== undefined && !(subresource in resource.subresources)) return 'not-found';
  return {
    resource,
    ...(namespace !== undefined ? { namespace } : {}),
    ...(name !== undefined ? { name } : {}),
    ...(subresource !== undefined ? { subresource } : {}),
    watch,
  };
}

function sendJson(
  res: ServerResponse,
  code: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Content-Length': Buffer.byteLength(text),
    ...headers,
  });
  res.end(text);
}

function sendError(res: ServerResponse, error: ApiError): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, error.code, error.status, { ...error.headers });
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY)
      throw new ApiError({
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Request entity too large: limit is 3145728',
        reason: 'RequestEntityTooLarge',
        code: 413,
      });
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function parseBody(buffer: Buffer, contentType: string): unknown {
  if (contentType === PROTOBUF) return decodeProtobufBody(buffer);
  const text = buffer.toString('utf8');
  if (text.trim() === '') return undefined;
  try {
    return /yaml/.test(contentType) ? parseYaml(text) : JSON.parse(text);
  } catch (e) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`);
  }
}

function tokenMatches(header: string | undefined, token: string): boolean {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (!m) return false;
  const given = Buffer.from(m[1] as string);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function wantsTable(accept: string | undefined): boolean {
  return /as=Table/.test(accept ?? '') && /g=meta\.k8s\.io/.test(accept ?? '');
}

function fieldValidationOf(q: URLSearchParams): FieldValidation {
  const v = q.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw badRequest(`fieldValidation must be one of "Ignore", "Warn", or "Strict", got: ${v}`);
}

function writeOptions(q: URLSearchParams): WriteOptions {
  const dryRun = q.getAll('dryRun');
  if (dryRun.some((d) => d !== 'All')) throw badRequest(`Invalid dryRun value: ${dryRun.join(',')}`);
  return { dryRun: dryRun.length > 0, fieldValidation: fieldValidationOf(q) };
}

function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  if (!/^-?\d+$/.test(v)) throw badRequest(`invalid ${name}: ${v}`);
  return Number(v);
}

function warningHeader(warnings: readonly string[]): Record<string, string> {
  if (warnings.length === 0) return {};
  return { Warning: warnings.map((w) => `299 - ${JSON.stringify(w)}`).join(', ') };
}

function listKind(r: ResourceInfo): string {
  return `${r.kind}List`;
}

function stripTypeMeta(o: ApiObject): ApiObject {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest as ApiObject;
}

/** The request handlers of the lab API. */
export function createApiHandlers(deps: ApiServerDeps): {
  handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void>;
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void>;
} {
  const { registry, store } = deps;

  const present = (r: ResourceInfo, accept: string | undefined, q: URLSearchParams) => {
    if (!wantsTable(accept)) return undefined;
    const include = (q.get('includeObject') ?? 'Metadata') as IncludeObject;
    return (items: readonly ApiObject[], meta: Record<string, unknown>) => toTable(r, items, meta, include);
  };

  async function handleResource(
    req: IncomingMessage,
    res: ServerResponse,
    rr: ResourceRequest,
    q: URLSearchParams,
  ): Promise<void> {
    const r = rr.resource;
    const method = req.method ?? 'GET';
    const accept = req.headers.accept;
    const table = present(r, accept, q);
    // The API server warns on every use of a deprecated API (v1 Endpoints since 1.33, KEP-4974).
    if (r.kind === 'Endpoints')
      res.setHeader(
        'Warning',
        '299 - "v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"',
      );
    const namespace = r.namespaced ? rr.namespace : undefined;
    if (rr.subresource === 'exec') throw badRequest('Upgrade request required');
    const watch = rr.watch || q.get('watch') === 'true' || q.get('watch') === '1';
    if (method === 'GET' && (watch || rr.name === undefined)) {
      if (watch) {
        if (!r.verbs.includes('watch')) throw methodNotAllowed();
        const fieldSelector =
          rr.name !== undefined
            ? [q.get('fieldSelector'), `metadata.name=${rr.name}`].filter(Boolean).join(',')
            : (q.get('fieldSelector') ?? undefined);
        const dropAfterMs = deps.faults?.watchDropAfterMs();
        serveWatch(
          res,
          store,
          {
            resource: r,
            ...(namespace !== undefined ? { namespace } : {}),
            ...(q.get('labelSelector') !== null ? { labelSelector: q.get('labelSelector') as string } : {}),
            ...(fieldSelector !== undefined ? { fieldSelector } : {}),
            ...(q.get('resourceVersion') !== null
              ? { resourceVersion: q.get('resourceVersion') as string }
              : {}),
            allowWatchBookmarks: q.get('allowWatchBookmarks') === 'true',
            sendInitialEvents: q.get('sendInitialEvents') === 'true',
            ...(intParam(q, 'timeoutSeconds') !== undefined
              ? { timeoutSeconds: intParam(q, 'timeoutSeconds') as number }
              : {}),
            ...(table ? { present: (o: ApiObject) => table([o], {}) } : {}),
          },
          { ...deps.watch, ...(dropAfterMs !== undefined ? { dropAfterMs } : {}) },
        );
        return;
      }
      const list = registry.list(r, namespace, {
        ...(q.get('labelSelector') !== null ? { labelSelector: q.get('labelSelector') as string } : {}),
        ...(q.get('fieldSelector') !== null ? { fieldSelector: q.get('fieldSelector') as string } : {}),
        ...(intParam(q, 'limit') !== undefined ? { limit: intParam(q, 'limit') as number } : {}),
        ...(q.get('continue') ? { continue: q.get('continue') as string } : {}),
      });
      const meta = {
        resourceVersion: list.resourceVersion,
        ...(list.continue ? { continue: list.continue } : {}),
        ...(list.remainingItemCount !== undefined ? { remainingItemCount: list.remainingItemCount } : {}),
      };
      if (table) return sendJson(res, 200, table(list.items, meta));
      return sendJson(res, 200, {
        kind: listKind(r),
        apiVersion: apiVersionOf(r),
        metadata: meta,
        items: list.items.map(stripTypeMeta),
      });
    }
    if (method === 'GET') {
      const o = registry.get(r, namespace, rr.name as string);
      if (table) return sendJson(res, 200, table([o], { resourceVersion: o.metadata.resourceVersion }));
      return sendJson(res, 200, o);
    }
    const contentType =
      String(req.headers['content-type'] ?? 'application/json')
        .split(';')[0]
        ?.trim() ?? '';
    if (method === 'POST' && rr.name === undefined) {
      if (!r.verbs.includes('create')) throw methodNotAllowed();
      checkWriteContentType(contentType);
      const body = parseBody(await readBody(req), contentType);
      const result = registry.create(r, namespace, body, writeOptions(q));
      return sendJson(res, 201, result.object, warningHeader(result.warnings));
    }
    if (method === 'PUT' && rr.name !== undefined) {
      if (!r.verbs.includes('update')) throw methodNotAllowed();
      checkWriteContentType(contentType);
      const body = parseBody(await readBody(req), contentType);
      const result = registry.update(r, namespace, rr.name, body, writeOptions(q), rr.subresource);
      return sendJson(res, 200, result.object, warningHeader(result.warnings));
    }
    if (method === 'PATCH' && rr.name !== undefined) {
      if (!r.verbs.includes('patch')) throw methodNotAllowed();
      if (!(PATCH_TYPES as readonly string[]).includes(contentType)) {
        throw new ApiError({
          kind: 'Status',
          apiVersion: 'v1',
          metadata: {},
          status: 'Failure',
          message: `the body of the request was in an unknown format - accepted media types include: ${PATCH_TYPES.join(', ')}`,
          reason: 'UnsupportedMediaType',
          code: 415,
        });
      }
      const body = parseBody(await readBody(req), 'application/json');
      const result = registry.patch(
        r,
        namespace,
        rr.name,
        contentType as PatchType,
        body,
        writeOptions(q),
        rr.subresource,
      );
      return sendJson(res, 200, result.object, warningHeader(result.warnings));
    }
    if (method === 'DELETE') {
      const raw = parseBody(await readBody(req), contentType);
      const options = deleteOptions(raw, q);
      if (rr.name !== undefined) {
        if (!r.verbs.includes('delete')) throw methodNotAllowed();
        const result = registry.delete(r, namespace, rr.name, options);
        return sendJson(res, result.code, result.body);
      }
      if (!r.verbs.includes('deletecollection')) throw methodNotAllowed();
      const list = registry.list(r, namespace, {
        ...(q.get('labelSelector') !== null ? { labelSelector: q.get('labelSelector') as string } : {}),
        ...(q.get('fieldSelector') !== null ? { fieldSelector: q.get('fieldSelector') as string } : {}),
      });
      const deleted: unknown[] = [];
      for (const o of list.items) {
        try {
          const d = registry.delete(r, o.metadata.namespace, o.metadata.name, options);
          deleted.push(d.body);
        } catch (error) {
          if (!(error instanceof ApiError && error.code === 404)) throw error;
        }
      }
      return sendJson(res, 200, {
        kind: listKind(r),
        apiVersion: apiVersionOf(r),
        metadata: { resourceVersion: String(store.currentRevision()) },
        items: deleted
          .filter((d) => (d as { kind?: string }).kind === r.kind)
          .map((d) => stripTypeMeta(d as ApiObject)),
      });
    }
    throw methodNotAllowed();
  }

  async function handleRequest(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'https://lab');
    const path = url.pathname.replace(/\/+$/, '') || '/';
    const q = url.searchParams;
    const method = req.method ?? 'GET';
    try {
      if (!PUBLIC_PATHS.has(path) && !tokenMatches(req.headers.authorization, deps.token))
        throw unauthorized();
      const watch = q.get('watch') === 'true' || q.get('watch') === '1' || /\/watch\//.test(path);
      const injected = await deps.faults?.beforeRequest({ method, path, watch });
      if (injected) throw injected;
      await route(req, res, path, q, method);
    } catch (error) {
      const apiError =
        error instanceof ApiError
          ? error
          : new ApiError({
              kind: 'Status',
              apiVersion: 'v1',
              metadata: {},
              status: 'Failure',
              message: `Internal error occurred: ${(error as Error).message}`,
              reason: 'InternalError',
              details: { causes: [{ message: (error as Error).message }] },
              code: 500,
            });
      if (!(error instanceof ApiError))
        deps.log?.(`internal error on ${method} ${req.url}: ${(error as Error).stack}`);
      sendError(res, apiError);
    } finally {
      deps.log?.(`${method} ${req.url} ${res.statusCode} ${Math.round(performance.now() - started)}ms`);
    }
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    path: string,
    q: URLSearchParams,
    method: string,
  ): Promise<void> {
    const accept = req.headers.accept;
    const getOnly = () => {
      if (method !== 'GET') throw methodNotAllowed();
    };
    switch (path) {
      case '/version':
        getOnly();
        return sendJson(res, 200, SERVER_VERSION);
      case '/healthz':
      case '/livez':
      case '/readyz':
        getOnly();
        res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' });
        res.end('ok');
        return;
      case '/api':
        getOnly();
        if (wantsAggregated(accept)) return sendAggregated(res, true, accept);
        return sendJson(res, 200, apiVersions(deps.serverAddress()));
      case '/apis':
        getOnly();
        if (wantsAggregated(accept)) return sendAggregated(res, false, accept);
        return sendJson(res, 200, apiGroupList());
      case '/openapi/v3':
        getOnly();
        return sendJson(res, 200, openApiV3Index());
    }
    if (path.startsWith('/openapi/v3/')) {
      getOnly();
      const doc = openApiV3Lookup(path.slice('/openapi/v3/'.length));
      if (!doc) throw pathNotFound();
      return sendJson(res, 200, doc);
    }
    const groupMatch = /^\/apis\/([^/]+)$/.exec(path);
    if (groupMatch) {
      getOnly();
      const g = apiGroup(groupMatch[1] as string);
      if (!g) throw pathNotFound();
      return sendJson(res, 200, g);
    }
    const gvMatch = /^\/(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
    if (gvMatch) {
      getOnly();
      const list = gvMatch[1]
        ? apiResourceList('', gvMatch[1])
        : apiResourceList(gvMatch[2] as string, gvMatch[3] as string);
      if (!list) throw pathNotFound();
      return sendJson(res, 200, list);
    }
    const rr = parseResourcePath(path);
    if (rr === undefined || rr === 'not-found') throw pathNotFound();
    return handleResource(req, res, rr, q);
  }

  function sendAggregated(res: ServerResponse, core: boolean, accept: string | undefined): void {
    const v2 = /v=v2(?!beta)/.test(accept ?? '');
    const body = aggregatedDiscovery(core);
    const contentType = v2 ? AGGREGATED_V2 : AGGREGATED_V2.replace('v=v2', 'v=v2beta1');
    if (!v2) body.apiVersion = 'apidiscovery.k8s.io/v2beta1';
    const text = JSON.stringify(body);
    res.writeHead(200, {
      'Content-Type': contentType,
      'Content-Length': Buffer.byteLength(text),
      'Cache-Control': 'no-cache, private',
    });
    res.end(text);
  }

  async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://lab');
    const refuse = (e: ApiError) => {
      const body = JSON.stringify(e.status);
      socket.end(
        `HTTP/1.1 ${e.code} ${e.status.reason ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
      );
      socket.on('error', () => {});
    };
    try {
      if (!tokenMatches(req.headers.authorization, deps.token)) throw unauthorized();
      const injected = await deps.faults?.beforeRequest({
        method: req.method ?? 'GET',
        path: url.pathname,
        watch: false,
      });
      if (injected) throw injected;
      const rr = parseResourcePath(url.pathname);
      if (rr === undefined || rr === 'not-found' || rr.subresource !== 'exec' || rr.name === undefined)
        throw pathNotFound();
      const pods = resourceOfKind('Pod');
      const pod = registry.find(pods, rr.namespace, rr.name);
      if (!pod) throw notFound(pods, rr.name);
      if (!deps.exec) throw badRequest('exec is not available on this lab API');
      deps.log?.(`${req.method} ${req.url} upgrade`);
      await deps.exec(req, socket, head, pod);
    } catch (error) {
      if (error instanceof ApiError) refuse(error);
      else {
        deps.log?.(`exec failed: ${(error as Error).stack}`);
        socket.destroy();
      }
    }
  }

  return { handleRequest, handleUpgrade };
}

function methodNotAllowed(): ApiError {
  return new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: 'the server does not allow this method on the requested resource',
    reason: 'MethodNotAllowed',
    details: {},
    code: 405,
  });
}

function checkWriteContentType(contentType: string): void {
  if (['application/json', 'application/yaml', PROTOBUF, ''].includes(contentType)) return;
  throw new ApiError({
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Failure',
    message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml, ${PROTOBUF}`,
    reason: 'UnsupportedMediaType',
    code: 415,
  });
}

function deleteOptions(raw: unknown, q: URLSearchParams): DeleteOptions {
  const body = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
  const grace = q.get('gracePeriodSeconds') ?? body.gracePeriodSeconds;
  const policy = q.get('propagationPolicy') ?? body.propagationPolicy;
  const pre = (body.preconditions ?? {}) as Record<string, unknown>;
  const dryRun = q.getAll('dryRun').length > 0 || (Array.isArray(body.dryRun) && body.dryRun.length > 0);
  let orphan: string | undefined;
  if (body.orphanDependents === true || q.get('orphanDependents') === 'true') orphan = 'Orphan';
  return {
    ...(grace !== undefined && grace !== null ? { gracePeriodSeconds: Number(grace) } : {}),
    ...(policy !== undefined && policy !== null
      ? { propagationPolicy: String(policy) }
      : orphan
        ? { propagationPolicy: orphan }
        : {}),
    ...(pre.uid !== undefined || pre.resourceVersion !== undefined
      ? {
          preconditions: {
            ...(typeof pre.uid === 'string' ? { uid: pre.uid } : {}),
            ...(typeof pre.resourceVersion === 'string' ? { resourceVersion: pre.resourceVersion } : {}),
          },
        }
      : {}),
    ...(dryRun ? { dryRun: true } : {}),
  };
}
