/**
 * OpenAPI v3, as far as kubectl needs it. `kubectl create/apply` validate with `--validate=strict` by
 * default; their validator (staging/src/k8s.io/kubectl/pkg/cmd/util/factory_client_access.go Validator)
 * first asks the server whether it validates fields itself, by looking in `/openapi/v3` for the group
 * version's PATCH operation of the kind carrying the `fieldValidation` query parameter
 * (staging/src/k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go supportsQueryParamV3). When it
 * does, kubectl skips client-side schema validation and sends `?fieldValidation=Strict`, and this server
 * rejects unknown fields itself (schema.ts). So the documents list every resource's operations with their
 * `x-kubernetes-group-version-kind` and parameters; `/openapi/v2` is not served (404), which kubectl only
 * falls back to when v3 is missing.
 */
import { createHash } from 'node:crypto';
import { SERVER_VERSION } from './discovery.ts';
import { groupVersions, RESOURCES, type ResourceInfo } from './resources.ts';

function gvPath(group: string, version: string): string {
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

const QUERY = (name: string, description: string) => ({
  name,
  in: 'query',
  description,
  schema: { type: 'string', uniqueItems: true },
});

const WRITE_PARAMS = [
  QUERY('dryRun', 'When present, indicates that modifications should not be persisted.'),
  QUERY(
    'fieldManager',
    'fieldManager is a name associated with the actor or entity that is making these changes.',
  ),
  QUERY(
    'fieldValidation',
    'fieldValidation instructs the server on how to handle objects in the request containing unknown or duplicate fields.',
  ),
];

function operations(r: ResourceInfo): Record<string, unknown> {
  const gvk = { group: r.group, version: r.version, kind: r.kind };
  const base = `/${gvPath(r.group, r.version)}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
  const op = (action: string, params: unknown[] = []) => ({
    operationId: `${action}${r.kind}`,
    parameters: params,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk,
  });
  return {
    [base]: { get: op('list'), post: op('post', WRITE_PARAMS), delete: op('deletecollection') },
    [`${base}/{name}`]: {
      get: op('get'),
      put: op('put', WRITE_PARAMS),
      patch: op('patch', [...WRITE_PARAMS, QUERY('force', 'Force is going to "force" Apply requests.')]),
      delete: op('delete', [
        QUERY('gracePeriodSeconds', 'The duration in seconds before the object should be deleted.'),
      ]),
    },
  };
}

/** The document for one group version, or undefined when it is not served. */
function openApiV3Document(group: string, version: string): Record<string, unknown> | undefined {
  const resources = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (resources.length === 0) return undefined;
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: SERVER_VERSION.gitVersion },
    paths: Object.assign({}, ...resources.map(operations)),
    components: { schemas: {} },
  };
}

function hashOf(group: string, version: string): string {
  return createHash('sha512')
    .update(JSON.stringify(openApiV3Document(group, version)))
    .digest('hex')
    .slice(0, 128)
    .toUpperCase();
}

/** `/openapi/v3`: one entry per served group version, with its document's URL. */
export function openApiV3Index(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const { group, version } of groupVersions()) {
    const path = gvPath(group, version);
    paths[path] = { serverRelativeURL: `/openapi/v3/${path}?hash=${hashOf(group, version)}` };
  }
  return { paths };
}

/** The group version of an `/openapi/v3/<path>` request, if served. */
export function openApiV3Lookup(path: string): Record<string, unknown> | undefined {
  const m = /^(?:api\/(v1)|apis\/([^/]+)\/([^/]+))$/.exec(path);
  if (!m) return undefined;
  return m[1] ? openApiV3Document('', m[1]) : openApiV3Document(m[2] as string, m[3] as string);
}
