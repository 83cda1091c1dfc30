// The lab API's REST semantics over HTTP, without a lab: each test names the apiserver behaviour it follows.
import { afterEach, beforeEach, describe, expect, test } from 'vitest';
import { type PlainApi, startPlainApi } from './testing/plainApi.ts';

let api: PlainApi;
beforeEach(async () => {
  api = await startPlainApi();
});
afterEach(async () => {
  await api.close();
});

const pod = (name: string, extra: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, labels: { app: name } },
  spec: {
    containers: [{ name: 'c', image: 'registry.k8s.io/e2e-test-images/agnhost:2.53', args: ['pause'] }],
  },
  ...extra,
});

async function json(r: Response): Promise<Record<string, unknown>> {
  return (await r.json()) as Record<string, unknown>;
}

async function namespace(name: string, labels: Record<string, string> = {}): Promise<void> {
  const r = await api.call('POST', '/api/v1/namespaces', { metadata: { name, labels } });
  expect(r.status).toBe(201);
}

describe('authentication and paths', () => {
  test('no bearer token: 401 (bearertoken authenticator); /version is public (system:public-info-viewer)', async () => {
    expect((await fetch(`${api.url}/api/v1/pods`)).status).toBe(401);
    expect((await fetch(`${api.url}/version`)).status).toBe(200);
  });

  test('an unknown resource is 404, a method a collection does not serve 405', async () => {
    expect((await api.call('GET', '/api/v1/widgets')).status).toBe(404);
    expect((await api.call('GET', '/apis/apps/v1/deployments')).status).toBe(404);
    const r = await api.call('PUT', '/api/v1/namespaces/default/pods', pod('a'));
    expect(r.status).toBe(405);
    expect(await json(r)).toMatchObject({ kind: 'Status', reason: 'MethodNotAllowed', code: 405 });
    // pkg/registry/core/service/storage: Services serve no deletecollection.
    expect((await api.call('DELETE', '/api/v1/namespaces/default/services')).status).toBe(405);
  });
});

describe('create', () => {
  test('defaults as the API server applies them (core/v1/defaults.go, pod strategy, admission)', async () => {
    await namespace('x');
    const r = await api.call('POST', '/api/v1/namespaces/x/pods', {
      ...pod('a'),
      spec: { containers: [{ name: 'c', image: 'agnhost', ports: [{ containerPort: 80 }] }] },
    });
    expect(r.status).toBe(201);
    const o = await json(r);
    const meta = o.metadata as Record<string, unknown>;
    expect(meta.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(meta.creationTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(Number(meta.resourceVersion)).toBeGreaterThan(0);
    expect(meta.generation).toBe(1);
    const spec = o.spec as Record<string, unknown>;
    expect(spec).toMatchObject({
      restartPolicy: 'Always',
      dnsPolicy: 'ClusterFirst',
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
      serviceAccountName: 'default',
    });
    const c = (spec.containers as Record<string, unknown>[])[0];
    expect(c).toMatchObject({ imagePullPolicy: 'Always', terminationMessagePath: '/dev/termination-log' });
    expect(((c?.ports ?? []) as Record<string, unknown>[])[0]).toEqual({
      containerPort: 80,
      protocol: 'TCP',
    });
    expect(o.status).toEqual({ phase: 'Pending', qosClass: 'BestEffort' });
  });

  test('namespaces get kubernetes.io/metadata.name, the kubernetes finalizer and phase Active', async () => {
    const r = await api.call('POST', '/api/v1/namespaces', {
      metadata: { name: 'team', labels: { a: 'b' } },
    });
    const o = await json(r);
    expect((o.metadata as Record<string, unknown>).labels).toEqual({
      a: 'b',
      'kubernetes.io/metadata.name': 'team',
    });
    expect(o.spec).toEqual({ finalizers: ['kubernetes'] });
    expect(o.status).toEqual({ phase: 'Active' });
  });

  test('NetworkPolicy: policyTypes and port protocol defaulted (networking/v1/defaults.go)', async () => {
    await namespace('x');
    const r = await api.call('POST', '/apis/networking.k8s.io/v1/namespaces/x/networkpolicies', {
      metadata: { name: 'p' },
      spec: { podSelector: {}, egress: [{ ports: [{ port: 53 }] }] },
    });
    expect(r.status).toBe(201);
    const spec = (await json(r)).spec as Record<string, unknown>;
    expect(spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(spec.egress).toEqual([{ ports: [{ port: 53, protocol: 'TCP' }] }]);
  });

  test('an invalid object is 422 Invalid with one cause per field (field.ErrorList as NewInvalid renders it)', async () => {
    await namespace('x');
    const r = await api.call('POST', '/api/v1/namespaces/x/pods', {
      metadata: { name: 'Bad_Name' },
      spec: { containers: [{ name: 'c', ports: [{ containerPort: 70000, protocol: 'tcp' }] }] },
    });
    expect(r.status).toBe(422);
    const s = await json(r);
    expect(s).toMatchObject({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422 });
    const details = s.details as {
      kind: string;
      name: string;
      causes: { reason: string; field: string; message: string }[];
    };
    expect(details.kind).toBe('Pod');
    expect(details.name).toBe('Bad_Name');
    const byField = new Map(details.causes.map((c) => [c.field, c]));
    expect(byField.get('metadata.name')?.reason).toBe('FieldValueInvalid');
    expect(byField.get('metadata.name')?.message).toMatch(/^Invalid value: "Bad_Name": /);
    expect(byField.get('spec.containers[0].ports[0].containerPort')?.message).toMatch(
      /^Invalid value: 70000: must be between 1 and 65535/,
    );
    expect(byField.get('spec.containers[0].ports[0].protocol')).toMatchObject({
      reason: 'FieldValueNotSupported',
      message: 'Unsupported value: "tcp": supported values: "SCTP", "TCP", "UDP"',
    });
    expect(byField.get('spec.containers[0].image')).toMatchObject({
      reason: 'FieldValueRequired',
      message: 'Required value',
    });
    expect(s.message).toMatch(/^Pod "Bad_Name" is invalid: \[metadata\.name: Invalid value/);
  });

  test('container env names and resource quantities are validated (validateEnv, ValidateResourceRequirements)', async () => {
    await namespace('x');
    const r = await api.call('POST', '/api/v1/namespaces/x/pods', {
      metadata: { name: 'a' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'agnhost',
            env: [
              { name: 'A=B', value: '1' },
              { name: 'OK', value: '2' },
            ],
            resources: { requests: { cpu: '2', memory: 'lots' }, limits: { cpu: '500m' } },
          },
        ],
      },
    });
    expect(r.status).toBe(422);
    const fields = ((await json(r)).details as { causes: { field: string }[] }).causes.map((c) => c.field);
    expect(fields).toEqual(
      expect.arrayContaining([
        'spec.containers[0].env[0].name',
        'spec.containers[0].resources.requests[memory]',
        'spec.containers[0].resources.requests',
      ]),
    );
    expect(fields).not.toContain('spec.containers[0].env[1].name');
    const ok = await api.call('POST', '/api/v1/namespaces/x/pods', {
      metadata: { name: 'b' },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'agnhost',
            resources: { requests: { cpu: '100m', memory: '64Mi' }, limits: { cpu: 1, memory: '1Gi' } },
          },
        ],
      },
    });
    expect(ok.status).toBe(201);
  });

  test('NetworkPolicy validation: ipBlock beside another peer is Forbidden, a bad policyType NotSupported', async () => {
    await namespace('x');
    const r = await api.call('POST', '/apis/networking.k8s.io/v1/namespaces/x/networkpolicies', {
      metadata: { name: 'p' },
      spec: {
        podSelector: {},
        policyTypes: ['ingress'],
        ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }],
      },
    });
    expect(r.status).toBe(422);
    const causes = ((await json(r)).details as { causes: { reason: string; field: string }[] }).causes;
    expect(causes).toContainEqual(
      expect.objectContaining({ field: 'spec.policyTypes[0]', reason: 'FieldValueNotSupported' }),
    );
    expect(causes).toContainEqual(
      expect.objectContaining({ field: 'spec.ingress[0].from[0]', reason: 'FieldValueForbidden' }),
    );
  });

  test('an existing name is 409 AlreadyExists; a missing namespace 404; a terminating one 403', async () => {
    await namespace('x');
    expect((await api.call('POST', '/api/v1/namespaces/x/pods', pod('a'))).status).toBe(201);
    const again = await api.call('POST', '/api/v1/namespaces/x/pods', pod('a'));
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ reason: 'AlreadyExists', message: 'pods "a" already exists' });
    const missing = await api.call('POST', '/api/v1/namespaces/nope/pods', pod('a'));
    expect(missing.status).toBe(404);
    expect(await json(missing)).toMatchObject({ reason: 'NotFound', message: 'namespaces "nope" not found' });
    expect((await api.call('DELETE', '/api/v1/namespaces/x')).status).toBe(200);
    const terminating = await api.call('POST', '/api/v1/namespaces/x/pods', pod('b'));
    expect(terminating.status).toBe(403);
    expect(await json(terminating)).toMatchObject({
      reason: 'Forbidden',
      message:
        'pods "b" is forbidden: unable to create new content in namespace x because it is being terminated',
    });
  });

  test('unknown fields: 400 with fieldValidation=Strict, a Warning header by default (Warn)', async () => {
    await namespace('x');
    const body = { ...pod('a'), spec: { containers: [{ name: 'c', image: 'i', foo: 1 }], containerz: [] } };
    const strict = await api.call('POST', '/api/v1/namespaces/x/pods?fieldValidation=Strict', body);
    expect(strict.status).toBe(400);
    expect((await json(strict)).message).toBe(
      'strict decoding error: unknown field "spec.containers[0].foo", unknown field "spec.containerz"',
    );
    const warn = await api.call('POST', '/api/v1/namespaces/x/pods', body);
    expect(warn.status).toBe(201);
    expect(warn.headers.get('warning')).toContain('unknown field \\"spec.containerz\\"');
    expect(JSON.stringify(await json(warn))).not.toContain('containerz');
  });

  test('a value of the wrong JSON type is 400, as Go decoding reports it', async () => {
    await namespace('x');
    const r = await api.call('POST', '/api/v1/namespaces/x/pods', {
      ...pod('a'),
      spec: { containers: [{ name: 'c', image: 'i', ports: [{ containerPort: '80' }] }] },
    });
    expect(r.status).toBe(400);
    expect((await json(r)).message).toBe(
      'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field ContainerPort.spec.containers.ports.containerPort of type int32',
    );
  });

  test('generateName: a name from the base and 5 random characters (names.SimpleNameGenerator)', async () => {
    await namespace('x');
    const o = await json(
      await api.call('POST', '/api/v1/namespaces/x/pods', { ...pod(''), metadata: { generateName: 'web-' } }),
    );
    expect((o.metadata as { name: string }).name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  test('Services get a ClusterIP from the lab range; a taken or foreign one is 422 (ipallocator)', async () => {
    await namespace('x');
    const svc = (name: string, clusterIP?: string) => ({
      metadata: { name },
      spec: { selector: { app: 'a' }, ports: [{ port: 80 }], ...(clusterIP ? { clusterIP } : {}) },
    });
    const a = await json(await api.call('POST', '/api/v1/namespaces/x/services', svc('a')));
    const spec = a.spec as { clusterIP: string; clusterIPs: string[]; ports: unknown[] };
    expect(spec.clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(spec.clusterIPs).toEqual([spec.clusterIP]);
    expect(spec.ports).toEqual([{ port: 80, protocol: 'TCP', targetPort: 80 }]);
    const taken = await api.call('POST', '/api/v1/namespaces/x/services', svc('b', spec.clusterIP));
    expect(taken.status).toBe(422);
    expect((await json(taken)).message).toContain('provided IP is already allocated');
    const foreign = await api.call('POST', '/api/v1/namespaces/x/services', svc('c', '10.0.0.1'));
    expect(foreign.status).toBe(422);
    expect((await json(foreign)).message).toContain('The range of valid IPs is 10.96.0.0/16');
  });

  test('ipFamilyPolicy/ipFamilies on this single-stack IPv4 cluster as alloc.go initIPFamilyFields decides', async () => {
    await namespace('x');
    const svc = (name: string, families: Record<string, unknown>) =>
      api.call('POST', '/api/v1/namespaces/x/services', {
        metadata: { name },
        spec: { selector: { app: 'a' }, ports: [{ port: 80 }], ...families },
      });
    // PreferDualStack falls back to the one family the cluster has; the policy is kept as written.
    const prefer = await json(await svc('prefer', { ipFamilyPolicy: 'PreferDualStack' }));
    expect(prefer.spec).toMatchObject({ ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4'] });
    const require = await svc('require', { ipFamilyPolicy: 'RequireDualStack' });
    expect(require.status).toBe(422);
    expect((await json(require)).message).toContain(
      'spec.ipFamilyPolicy: Invalid value: "RequireDualStack": this cluster is not configured for dual-stack services',
    );
    const v6 = await svc('v6', { ipFamilies: ['IPv6'] });
    expect(v6.status).toBe(422);
    expect((await json(v6)).message).toContain(
      'spec.ipFamilies[0]: Invalid value: "IPv6": not configured on this cluster',
    );
    const both = await svc('both', { ipFamilies: ['IPv4', 'IPv6'] });
    expect(both.status).toBe(422);
    expect((await json(both)).message).toContain(
      "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
    );
    const twice = await svc('twice', { ipFamilyPolicy: 'PreferDualStack', ipFamilies: ['IPv4', 'IPv4'] });
    expect(twice.status).toBe(422);
    const listed = await json(await api.call('GET', '/api/v1/namespaces/x/services'));
    expect((listed.items as { metadata: { name: string } }[]).map((i) => i.metadata.name)).toEqual([
      'prefer',
    ]);
  });
});

describe('read', () => {
  test('lists filter by label and field selectors, page with limit/continue, and carry a resourceVersion', async () => {
    await namespace('x');
    for (const n of ['a', 'b', 'c'])
      await api.call(
        'POST',
        '/api/v1/namespaces/x/pods',
        pod(n, { metadata: { name: n, labels: { app: n, tier: n === 'c' ? 'db' : 'web' } } }),
      );
    const names = async (q: string) =>
      (
        (await json(await api.call('GET', `/api/v1/namespaces/x/pods?${q}`))).items as {
          metadata: { name: string };
        }[]
      ).map((p) => p.metadata.name);
    expect(await names('labelSelector=tier%3Dweb')).toEqual(['a', 'b']);
    expect(await names('labelSelector=tier%20notin%20(web)')).toEqual(['c']);
    expect(await names('labelSelector=!nolabel,app')).toEqual(['a', 'b', 'c']);
    expect(await names('fieldSelector=metadata.name%3Db')).toEqual(['b']);
    expect(await names('fieldSelector=status.phase!%3DRunning')).toEqual(['a', 'b', 'c']);
    const page = await json(await api.call('GET', '/api/v1/namespaces/x/pods?limit=2'));
    expect(page.kind).toBe('PodList');
    const meta = page.metadata as { continue: string; remainingItemCount: number; resourceVersion: string };
    expect(meta.remainingItemCount).toBe(1);
    expect(Number(meta.resourceVersion)).toBeGreaterThan(0);
    const rest = await json(
      await api.call('GET', `/api/v1/namespaces/x/pods?limit=2&continue=${meta.continue}`),
    );
    expect((rest.items as unknown[]).length).toBe(1);
    const bad = await api.call('GET', '/api/v1/pods?fieldSelector=spec.foo%3Dbar');
    expect(bad.status).toBe(400);
    expect((await json(bad)).message).toBe('field label not supported: spec.foo');
  });

  // api-concepts.md "Retrieving large results sets in chunks"; storage/continue.go (the token);
  // etcd3/store.go GetList (later pages at the first page's revision); etcd3/errors.go (410 after compaction).
  test('limit/continue: pages at one revision, remainingItemCount without selectors, 410 Expired past the history', async () => {
    await namespace('x');
    for (const n of ['a', 'b', 'c', 'd', 'e']) await api.call('POST', '/api/v1/namespaces/x/pods', pod(n));
    const list = async (q: string) => {
      const r = await api.call('GET', `/api/v1/namespaces/x/pods?${q}`);
      const body = await json(r);
      const meta = body.metadata as {
        continue?: string;
        remainingItemCount?: number;
        resourceVersion?: string;
      };
      const names = ((body.items ?? []) as { metadata: { name: string } }[]).map((p) => p.metadata.name);
      return { status: r.status, body, meta, names };
    };
    const first = await list('limit=2');
    expect(first.names).toEqual(['a', 'b']);
    expect(first.meta.remainingItemCount).toBe(3);
    const revision = Number(first.meta.resourceVersion);
    expect(JSON.parse(Buffer.from(first.meta.continue ?? '', 'base64url').toString())).toEqual({
      v: 'meta.k8s.io/v1',
      rv: revision,
      start: 'x/b\u0000',
    });
    // Changes after the first page do not show in its later pages: they are read at its revision.
    await api.call('POST', '/api/v1/namespaces/x/pods', pod('bb'));
    await api.call('DELETE', '/api/v1/namespaces/x/pods/d?gracePeriodSeconds=0');
    const second = await list(`limit=2&continue=${first.meta.continue}`);
    expect(second.names).toEqual(['c', 'd']);
    expect(Number(second.meta.resourceVersion)).toBe(revision);
    const third = await list(`limit=2&continue=${second.meta.continue}`);
    expect(third.names).toEqual(['e']);
    expect(third.meta.continue).toBeUndefined();
    // With a selector the server does not count what is left.
    expect((await list('limit=1&labelSelector=app')).meta.remainingItemCount).toBeUndefined();
    // A token older than the history: 410 Expired, with a token that finishes the list at the current revision.
    api.store.compact();
    const gone = await list(`limit=2&continue=${second.meta.continue}`);
    expect(gone.status).toBe(410);
    expect(gone.body).toMatchObject({ kind: 'Status', reason: 'Expired', code: 410 });
    expect(gone.body.message).toMatch(
      /^The provided continue parameter is too old to display a consistent list result/,
    );
    const rest = await list(`limit=5&continue=${gone.meta.continue}`);
    expect(rest.names).toEqual(['e']);
    const restart = await list(`limit=2&continue=${(await list('limit=1')).meta.continue}`);
    expect(restart.names).toEqual(['b', 'bb']);
    // storage/continue.go DecodeContinue: a token of another version is refused.
    const foreign = Buffer.from(JSON.stringify({ v: 'x', rv: 1, start: 'a' })).toString('base64url');
    const bad = await list(`limit=2&continue=${foreign}`);
    expect(bad.status).toBe(400);
    expect(bad.body.message).toMatch(
      /^continue key is not valid: server does not recognize this encoded version/,
    );
  });

  test('as=Table: server-side printing with the pod columns kubectl get shows (printers.go printPod)', async () => {
    await namespace('x');
    await api.call('POST', '/api/v1/namespaces/x/pods', pod('a'));
    const t = await json(
      await api.call('GET', '/api/v1/namespaces/x/pods', undefined, {
        Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
      }),
    );
    expect(t.kind).toBe('Table');
    expect(
      (t.columnDefinitions as { name: string; priority: number }[]).map((c) => `${c.name}:${c.priority}`),
    ).toEqual([
      'Name:0',
      'Ready:0',
      'Status:0',
      'Restarts:0',
      'Age:0',
      'IP:1',
      'Node:1',
      'Nominated Node:1',
      'Readiness Gates:1',
    ]);
    const row = (t.rows as { cells: unknown[]; object: { kind: string } }[])[0];
    expect(row?.cells.slice(0, 4)).toEqual(['a', '0/1', 'Pending', '0']);
    expect(row?.cells.slice(5)).toEqual(['<none>', '<none>', '<none>', '<none>']);
    expect(row?.object.kind).toBe('PartialObjectMetadata');
  });

  test('a missing object is 404 NotFound naming the resource', async () => {
    const r = await api.call('GET', '/apis/networking.k8s.io/v1/namespaces/default/networkpolicies/nope');
    expect(r.status).toBe(404);
    expect(await json(r)).toMatchObject({
      reason: 'NotFound',
      message: 'networkpolicies.networking.k8s.io "nope" not found',
      details: { name: 'nope', group: 'networking.k8s.io', kind: 'networkpolicies' },
    });
  });
});

describe('update and patch', () => {
  test('JSON merge patch (kubectl label), JSON patch (client-node), strategic merge patch of labels', async () => {
    await namespace('x');
    await api.call('POST', '/api/v1/namespaces/x/pods', pod('a'));
    const merge = await api.call(
      'PATCH',
      '/api/v1/namespaces/x/pods/a',
      { metadata: { labels: { tier: 'web' } } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(merge.status).toBe(200);
    expect(((await json(merge)).metadata as { labels: unknown }).labels).toEqual({ app: 'a', tier: 'web' });
    const jsonPatch = await api.call(
      'PATCH',
      '/api/v1/namespaces/x/pods/a',
      [{ op: 'replace', path: '/metadata/labels', value: { only: 'this' } }],
      {
        'Content-Type': 'application/json-patch+json',
      },
    );
    expect(((await json(jsonPatch)).metadata as { labels: unknown }).labels).toEqual({ only: 'this' });
    const smp = await api.call(
      'PATCH',
      '/api/v1/namespaces/x/pods/a',
      { metadata: { labels: { only: null, x: 'y' } } },
      {
        'Content-Type': 'application/strategic-merge-patch+json',
      },
    );
    expect(((await json(smp)).metadata as { labels: unknown }).labels).toEqual({ x: 'y' });
    const failing = await api.call(
      'PATCH',
      '/api/v1/namespaces/x/pods/a',
      [{ op: 'replace', path: '/metadata/nope/x', value: 1 }],
      {
        'Content-Type': 'application/json-patch+json',
      },
    );
    expect(failing.status).toBe(422);
    const apply = await api.call(
      'PATCH',
      '/api/v1/namespaces/x/pods/a',
      {},
      { 'Content-Type': 'application/apply-patch+yaml' },
    );
    expect(apply.status).toBe(415);
  });

  test('a pod spec is immutable but for images (ValidatePodUpdate); a stale resourceVersion is 409', async () => {
    await namespace('x');
    const created = await json(await api.call('POST', '/api/v1/namespaces/x/pods', pod('a')));
    const changed = await api.call(
      'PATCH',
      '/api/v1/namespaces/x/pods/a',
      { spec: { restartPolicy: 'Never' } },
      {
        'Content-Type': 'application/merge-patch+json',
      },
    );
    expect(changed.status).toBe(422);
    expect((await json(changed)).message).toContain(
      'spec: Forbidden: pod updates may not change fields other than',
    );
    const stale = {
      ...created,
      metadata: { ...(created.metadata as object), resourceVersion: '1', labels: { z: 'z' } },
    };
    const conflict = await api.call('PUT', '/api/v1/namespaces/x/pods/a', stale);
    expect(conflict.status).toBe(409);
    expect((await json(conflict)).message).toBe(
      'Operation cannot be fulfilled on pods "a": the object has been modified; please apply your changes to the latest version and try again',
    );
  });

  test('writes to the main resource keep status; /status changes only status', async () => {
    await namespace('x');
    const created = await json(await api.call('POST', '/api/v1/namespaces/x/pods', pod('a')));
    const withStatus = { ...created, status: { phase: 'Running' } };
    const main = await json(await api.call('PUT', '/api/v1/namespaces/x/pods/a', withStatus));
    expect((main.status as { phase: string }).phase).toBe('Pending');
    const sub = await json(
      await api.call('PUT', '/api/v1/namespaces/x/pods/a/status', {
        ...main,
        status: { phase: 'Running' },
        metadata: { ...(main.metadata as object), labels: { changed: 'no' } },
      }),
    );
    expect((sub.status as { phase: string }).phase).toBe('Running');
    expect((sub.metadata as { labels: unknown }).labels).toEqual({ app: 'a' });
  });
});

describe('delete', () => {
  test('a scheduled pod is Terminating for its grace period; gracePeriodSeconds=0 removes it now (CheckGracefulDelete)', async () => {
    await namespace('x');
    await api.call(
      'POST',
      '/api/v1/namespaces/x/pods',
      pod('a', { spec: { nodeName: 'node-1', containers: [{ name: 'c', image: 'i' }] } }),
    );
    const r = await api.call('DELETE', '/api/v1/namespaces/x/pods/a');
    expect(r.status).toBe(200);
    const o = await json(r);
    const meta = o.metadata as { deletionTimestamp: string; deletionGracePeriodSeconds: number };
    expect(meta.deletionGracePeriodSeconds).toBe(30);
    const left = Date.parse(meta.deletionTimestamp) - Date.now();
    expect(left).toBeGreaterThan(25_000);
    expect((await api.call('GET', '/api/v1/namespaces/x/pods/a')).status).toBe(200);
    expect((await api.call('DELETE', '/api/v1/namespaces/x/pods/a?gracePeriodSeconds=0')).status).toBe(200);
    expect((await api.call('GET', '/api/v1/namespaces/x/pods/a')).status).toBe(404);
  });

  test('an unscheduled pod goes at once; preconditions that do not match are 409', async () => {
    await namespace('x');
    const created = await json(await api.call('POST', '/api/v1/namespaces/x/pods', pod('a')));
    const uid = (created.metadata as { uid: string }).uid;
    const wrong = await api.call('DELETE', '/api/v1/namespaces/x/pods/a', {
      preconditions: { uid: 'other' },
    });
    expect(wrong.status).toBe(409);
    expect((await json(wrong)).message).toBe(
      `Operation cannot be fulfilled on pods "a": Precondition failed: UID in precondition: other, UID in object meta: ${uid}`,
    );
    const staleRv = await api.call('DELETE', '/api/v1/namespaces/x/pods/a', {
      preconditions: { resourceVersion: '1' },
    });
    expect(staleRv.status).toBe(409);
    expect((await api.call('DELETE', '/api/v1/namespaces/x/pods/a', { preconditions: { uid } })).status).toBe(
      200,
    );
    expect((await api.call('GET', '/api/v1/namespaces/x/pods/a')).status).toBe(404);
  });

  test('other kinds return a Success Status; immortal namespaces are 403; a bad propagationPolicy is 422', async () => {
    await namespace('x');
    await api.call('POST', '/apis/networking.k8s.io/v1/namespaces/x/networkpolicies', {
      metadata: { name: 'p' },
      spec: { podSelector: {} },
    });
    const r = await json(
      await api.call('DELETE', '/apis/networking.k8s.io/v1/namespaces/x/networkpolicies/p'),
    );
    expect(r).toMatchObject({
      kind: 'Status',
      status: 'Success',
      details: { name: 'p', group: 'networking.k8s.io', kind: 'networkpolicies' },
    });
    const def = await api.call('DELETE', '/api/v1/namespaces/default');
    expect(def.status).toBe(403);
    expect((await json(def)).message).toBe(
      'namespaces "default" is forbidden: this namespace may not be deleted',
    );
    expect((await api.call('DELETE', '/api/v1/namespaces/x?propagationPolicy=Sideways')).status).toBe(422);
  });

  test('a deleted namespace is Terminating with its finalizer until the namespace controller empties it', async () => {
    await namespace('x');
    const r = await json(await api.call('DELETE', '/api/v1/namespaces/x'));
    expect((r.status as { phase: string }).phase).toBe('Terminating');
    expect((r.metadata as { deletionTimestamp?: string }).deletionTimestamp).toBeDefined();
    expect(r.spec).toEqual({ finalizers: ['kubernetes'] });
  });
});
