// Manifests rendered for generated scenarios validate against the Kubernetes OpenAPI types that
// client-node 1.4 generates (attribute maps of V1Namespace, V1Pod, V1Service, V1NetworkPolicy; required
// fields read from the generated .d.ts), plus the API's own name and label rules.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, test } from 'vitest';
import { scenarioArb } from '../../../generators/scenario.ts';
import { withSyntheticAddresses } from '../../../generators/syntheticAddresses.ts';
import {
  dns1123LabelProblems,
  labelValueProblems,
  portNameProblems,
  qualifiedNameProblems,
} from '../../../spec/manifests/names.ts';
import type { LabelSelector, Pod } from '../../../spec/model.ts';
import { NAMESPACE_NAME_LABEL } from '../../../spec/model.ts';
import { realizeCluster } from '../../../spec/resolve.ts';
import { modelAttributes } from '../apiJson.ts';
import { RUN_LABEL } from '../names.ts';
import type { RenderContext } from './index.ts';
import { renderCluster, renderNamespace, renderPod, renderPolicy, renderReaderPod } from './index.ts';

const MODELS = join(
  dirname(createRequire(import.meta.url).resolve('@kubernetes/client-node')),
  'gen',
  'models',
);
const requiredCache = new Map<string, string[]>();

/** Required properties of a model: those the generated .d.ts declares without `?`. */
function requiredOf(type: string): string[] {
  let r = requiredCache.get(type);
  if (!r) {
    const text = readFileSync(join(MODELS, `${type}.d.ts`), 'utf8');
    r = [...text.matchAll(/^ {4}'(\w+)': /gm)].map((m) => m[1] as string);
    requiredCache.set(type, r);
  }
  return r;
}

/** Walks a value against an OpenAPI model type; returns every problem with its path. */
function validate(value: unknown, type: string, path: string, problems: string[]): void {
  const array = /^Array<(.+)>$/.exec(type);
  if (array) {
    if (!Array.isArray(value)) problems.push(`${path}: expected an array for ${type}`);
    else for (const [i, v] of value.entries()) validate(v, array[1] as string, `${path}[${i}]`, problems);
    return;
  }
  const map = /^\{ \[key: string\]: (.+); \}$/.exec(type);
  if (map) {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      problems.push(`${path}: expected a map`);
    else for (const [k, v] of Object.entries(value)) validate(v, map[1] as string, `${path}.${k}`, problems);
    return;
  }
  switch (type) {
    case 'string':
      if (typeof value !== 'string') problems.push(`${path}: expected string, got ${typeof value}`);
      return;
    case 'number':
      if (typeof value !== 'number' || !Number.isFinite(value)) problems.push(`${path}: expected number`);
      return;
    case 'boolean':
      if (typeof value !== 'boolean') problems.push(`${path}: expected boolean`);
      return;
    case 'IntOrString':
      if (typeof value !== 'string' && !(typeof value === 'number' && Number.isInteger(value)))
        problems.push(`${path}: expected int-or-string`);
      return;
    case 'any':
      return;
  }
  const attributes = modelAttributes(type);
  if (!attributes) {
    problems.push(`${path}: unknown model type ${type}`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: expected an object of ${type}`);
    return;
  }
  const byName = new Map(attributes.map((a) => [a.name, a]));
  for (const [k, v] of Object.entries(value)) {
    const a = byName.get(k);
    if (!a) problems.push(`${path}.${k}: not a field of ${type}`);
    else if (v !== undefined) validate(v, a.type, `${path}.${k}`, problems);
  }
  for (const r of requiredOf(type)) {
    if ((value as Record<string, unknown>)[r] === undefined)
      problems.push(`${path}.${r}: required by ${type}, missing`);
  }
}

function metadataProblems(
  meta: { name?: string; labels?: Record<string, string> } | undefined,
  path: string,
): string[] {
  const out: string[] = [];
  out.push(...dns1123LabelProblems(meta?.name ?? '').map((p) => `${path}.name: ${p}`));
  for (const [k, v] of Object.entries(meta?.labels ?? {})) {
    out.push(...qualifiedNameProblems(k).map((p) => `${path}.labels key ${k}: ${p}`));
    out.push(...labelValueProblems(v).map((p) => `${path}.labels.${k}: ${p}`));
  }
  return out;
}

const CTX: RenderContext = {
  runId: 'a1b2c3',
  image: 'registry.k8s.io/e2e-test-images/agnhost:2.53',
  nodeFor: (n) => (n === undefined ? undefined : `real-${n}`),
};

describe('rendered manifests against the Kubernetes OpenAPI types (client-node 1.4 models)', () => {
  test('every object of generated scenarios: known fields, required fields, right types, valid names', () => {
    fc.assert(
      fc.property(scenarioArb({ size: 'medium' }), (scenario) => {
        const { cluster: withAddresses, realized } = withSyntheticAddresses(
          scenario.cluster,
          scenario.netConf,
        );
        const cluster = realizeCluster(withAddresses, realized);
        const r = renderCluster(cluster, CTX);
        const problems: string[] = [];
        for (const o of r.namespaces) {
          validate(o, 'V1Namespace', `Namespace ${o.metadata?.name}`, problems);
          problems.push(...metadataProblems(o.metadata, 'metadata'));
        }
        for (const o of r.pods) {
          const where = `Pod ${o.metadata?.namespace}/${o.metadata?.name}`;
          validate(o, 'V1Pod', where, problems);
          problems.push(...metadataProblems(o.metadata, `${where} metadata`));
          const names = (o.spec?.containers ?? []).map((c) => c.name);
          if (new Set(names).size !== names.length) problems.push(`${where}: duplicate container names`);
          const portNames = (o.spec?.containers ?? []).flatMap((c) =>
            (c.ports ?? []).flatMap((p) => (p.name ? [p.name] : [])),
          );
          if (new Set(portNames).size !== portNames.length) problems.push(`${where}: duplicate port names`);
          for (const n of portNames)
            problems.push(...portNameProblems(n).map((p) => `${where} port ${n}: ${p}`));
          if (o.spec?.hostname !== undefined)
            problems.push(...dns1123LabelProblems(o.spec.hostname).map((p) => `${where} hostname: ${p}`));
        }
        for (const o of r.services) validate(o, 'V1Service', `Service ${o.metadata?.name}`, problems);
        for (const o of r.policies)
          validate(o, 'V1NetworkPolicy', `NetworkPolicy ${o.metadata?.name}`, problems);
        expect(problems).toEqual([]);
        // Ownership: every object carries the run label.
        for (const o of [...r.namespaces, ...r.pods, ...r.services, ...r.policies])
          expect(o.metadata?.labels?.[RUN_LABEL]).toBe('a1b2c3');
      }),
      { numRuns: 150, seed: 20261126 },
    );
  });

  test('the validator itself rejects an unknown field, a wrong type and a missing required field', () => {
    const problems: string[] = [];
    validate(
      {
        metadata: { name: 'a' },
        spec: { containers: [{ image: 'x', ports: [{ containerPort: '80' }] }], bogus: 1 },
      },
      'V1Pod',
      'p',
      problems,
    );
    expect(problems).toContain('p.spec.bogus: not a field of V1PodSpec');
    expect(problems).toContain('p.spec.containers[0].ports[0].containerPort: expected number');
    expect(problems).toContain('p.spec.containers[0].name: required by V1Container, missing');
  });

  test('the reader pod validates too, and mounts /run/flannel read-only without creating it', () => {
    const pod = renderReaderPod('kind-worker', CTX);
    const problems: string[] = [];
    validate(pod, 'V1Pod', 'reader', problems);
    expect(problems).toEqual([]);
    expect(pod.spec?.hostNetwork).toBe(true);
    expect(pod.spec?.nodeName).toBe('kind-worker');
    expect(pod.spec?.volumes?.[0]?.hostPath).toEqual({ path: '/run/flannel', type: 'Directory' });
    expect(pod.spec?.containers[0]?.volumeMounts?.[0]?.readOnly).toBe(true);
    // On a node without flannel nothing is mounted (the pod would otherwise never start).
    const plain = renderReaderPod('kind-worker', CTX, { flannel: false });
    expect(plain.spec?.volumes).toBeUndefined();
    expect(plain.spec?.containers[0]?.volumeMounts).toBeUndefined();
  });
});

const POD: Pod = {
  namespace: 'x',
  name: 'a',
  labels: { pod: 'a' },
  nodeName: 'node-2',
  hostNetwork: false,
  containers: [
    {
      name: 'c0',
      ports: [
        { name: 'http', containerPort: 80, protocol: 'TCP' },
        { containerPort: 81, protocol: 'UDP' },
      ],
    },
    { name: 'c1', ports: [{ name: 'serve-81-sctp', containerPort: 81, protocol: 'SCTP' }] },
  ],
  ips: [],
  ready: true,
};

describe('what is rendered (upstream fixture shape: one agnhost container per (port, protocol))', () => {
  test('a pod: pinned to the real node, serve-hostname --tcp/--udp, porter for SCTP, scenario port names kept', () => {
    const pod = renderPod(POD, CTX);
    expect(pod.metadata).toMatchObject({ name: 'a', namespace: 'podnet-a1b2c3-x' });
    expect(pod.metadata?.labels).toMatchObject({
      pod: 'a',
      [RUN_LABEL]: 'a1b2c3',
      'app.kubernetes.io/managed-by': 'podnet',
    });
    expect(pod.spec?.nodeName).toBe('real-node-2');
    expect(pod.spec?.hostname).toBe('x-a');
    expect(pod.spec?.containers.map((c) => [c.name, c.args, c.ports])).toEqual([
      [
        'cont-80-tcp',
        ['serve-hostname', '--tcp', '--http=false', '--port', '80'],
        [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
      ],
      [
        'cont-81-udp',
        ['serve-hostname', '--udp', '--http=false', '--port', '81'],
        [{ containerPort: 81, protocol: 'UDP' }],
      ],
      ['cont-81-sctp', ['porter'], [{ name: 'serve-81-sctp', containerPort: 81, protocol: 'SCTP' }]],
    ]);
    expect(pod.spec?.containers[2]?.env).toEqual([{ name: 'SERVE_SCTP_PORT_81', value: 'x-a' }]);
  });

  test('a pod the scenario marks not ready gets a readiness probe that always fails', () => {
    const pod = renderPod({ ...POD, ready: false }, CTX);
    for (const c of pod.spec?.containers ?? [])
      expect(c.readinessProbe?.exec?.command).toEqual(['/bin/sh', '-c', 'exit 1']);
  });

  test('a namespace is podnet-<run>-<name>; kubernetes.io/metadata.name is left to the API server', () => {
    const ns = renderNamespace({ name: 'y', labels: { ns: 'y', [NAMESPACE_NAME_LABEL]: 'y' } }, CTX);
    expect(ns.metadata?.name).toBe('podnet-a1b2c3-y');
    expect(ns.metadata?.labels).toEqual({
      ns: 'y',
      [RUN_LABEL]: 'a1b2c3',
      'app.kubernetes.io/managed-by': 'podnet',
      'podnet.io/namespace': 'y',
    });
  });

  test('scenario labels under podnet.io/ are refused (they would blur ownership)', () => {
    expect(() => renderNamespace({ name: 'y', labels: { 'podnet.io/run': 'ffffff' } }, CTX)).toThrow(
      /reserved/,
    );
    expect(() => renderPod({ ...POD, labels: { 'app.kubernetes.io/managed-by': 'me' } }, CTX)).toThrow(
      /reserved/,
    );
  });

  // Upstream e2e "default ns label NotIn (egress)" (network_policy.go): selecting namespaces by
  // kubernetes.io/metadata.name must name the real namespaces on a live cluster.
  test('namespaceSelectors on kubernetes.io/metadata.name are rewritten to real names; other selectors are kept', () => {
    const nsSelector = (namespaceSelector: LabelSelector) =>
      renderPolicy(
        {
          namespace: 'x',
          name: 'p',
          podSelector: {},
          policyTypes: ['Ingress'],
          ingress: [{ peers: [{ namespaceSelector }] }],
        },
        CTX,
      ).spec?.ingress?.[0]?._from?.[0]?.namespaceSelector;
    expect(
      nsSelector({ matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: ['y'] }] }),
    ).toEqual({
      matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'NotIn', values: ['podnet-a1b2c3-y'] }],
    });
    expect(nsSelector({ matchLabels: { [NAMESPACE_NAME_LABEL]: 'z', ns: 'z' } })).toEqual({
      matchLabels: { [NAMESPACE_NAME_LABEL]: 'podnet-a1b2c3-z', ns: 'z' },
    });
    expect(nsSelector({ matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'Exists' }] })).toEqual({
      matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'Exists' }],
    });
    expect(nsSelector({ matchLabels: { ns: 'y' } })).toEqual({ matchLabels: { ns: 'y' } });
  });

  test('a policy lands in the real namespace with ingress peers under `_from` (client-node serializes it as `from`)', () => {
    const p = renderPolicy(
      {
        namespace: 'x',
        name: 'allow',
        podSelector: { matchLabels: { pod: 'a' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            peers: [{ namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: 'y' } }, podSelector: {} }],
            ports: [{ protocol: 'TCP', port: 80 }],
          },
        ],
      },
      CTX,
    );
    expect(p.metadata?.namespace).toBe('podnet-a1b2c3-x');
    expect(p.spec?.ingress?.[0]?._from?.[0]?.namespaceSelector?.matchLabels?.[NAMESPACE_NAME_LABEL]).toBe(
      'podnet-a1b2c3-y',
    );
  });
});
