/**
 * What the API server fills in on create, before validation: the versioned defaults of
 * pkg/apis/core/v1/defaults.go (SetDefaults_Pod, _PodSpec, _Container, _Probe, _HTTPGetAction,
 * _ContainerPort, _Service, _Namespace) and pkg/apis/networking/v1/defaults.go (SetDefaults_NetworkPolicy,
 * _NetworkPolicyPort), what each kind's strategy sets in PrepareForCreate (pod status Pending with its QoS
 * class, namespace finalizer `kubernetes` and phase Active, generation 1), what the default admission plugins
 * add to pods (ServiceAccount: serviceAccountName `default`; DefaultTolerationSeconds: not-ready/unreachable
 * tolerations for 300 s; Priority: priority 0), and the object meta the registry stamps
 * (staging/src/k8s.io/apiserver/pkg/registry/rest/create.go FillObjectMetaSystemFields: uid,
 * creationTimestamp; names from generateName as names.SimpleNameGenerator makes them).
 */
import { randomInt, randomUUID } from 'node:crypto';
import { NAMESPACE_NAME_LABEL } from '../../spec/model.ts';
import type { ApiObject } from './store.ts';

type Obj = Record<string, unknown>;

function obj(parent: Obj, key: string): Obj {
  const v = parent[key];
  if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
  const fresh: Obj = {};
  parent[key] = fresh;
  return fresh;
}

function list(parent: Obj, key: string): Obj[] {
  const v = parent[key];
  return Array.isArray(v) ? (v.filter((x) => typeof x === 'object' && x !== null) as Obj[]) : [];
}

function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === '') o[key] = value;
}

/** An RFC 3339 time at second precision, as metav1.Time serializes. */
export function apiTime(ms: number = Date.now()): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** names.SimpleNameGenerator: 5 characters from an alphabet without vowels and look-alikes. */
export function generatedName(base: string): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  let suffix = '';
  for (let i = 0; i < 5; i++) suffix += alphabet[randomInt(alphabet.length)];
  return `${base.slice(0, 63 - 5)}${suffix}`;
}

/** uid, creationTimestamp, generation; resourceVersion is the store's. */
export function stampCreate(o: ApiObject, generation: boolean): void {
  const meta = o.metadata;
  meta.uid = randomUUID();
  meta.creationTimestamp = apiTime();
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  delete meta.selfLink;
  if (generation) meta.generation = 1;
  else delete meta.generation;
}

function defaultProbe(p: Obj | undefined): void {
  if (!p) return;
  setDefault(p, 'timeoutSeconds', 1);
  setDefault(p, 'periodSeconds', 10);
  setDefault(p, 'successThreshold', 1);
  setDefault(p, 'failureThreshold', 3);
  const http = p.httpGet as Obj | undefined;
  if (http && typeof http === 'object') {
    setDefault(http, 'path', '/');
    setDefault(http, 'scheme', 'HTTP');
  }
}

/** imagePullPolicy: Always for `:latest` or no tag, else IfNotPresent (SetDefaults_Container). */
function defaultPullPolicy(image: unknown): string {
  if (typeof image !== 'string') return 'IfNotPresent';
  const withoutDigest = image.split('@')[0] as string;
  const lastPart = withoutDigest.split('/').pop() as string;
  const tag = lastPart.includes(':') ? lastPart.split(':').pop() : undefined;
  if (image.includes('@')) return 'IfNotPresent';
  return tag === undefined || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  setDefault(c, 'terminationMessagePath', '/dev/termination-log');
  setDefault(c, 'terminationMessagePolicy', 'File');
  setDefault(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  if (c.resources === undefined) c.resources = {};
  for (const p of list(c, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    // SetDefaults_Pod: with hostNetwork, a container port's hostPort defaults to it.
    if (hostNetwork && p.hostPort === undefined) p.hostPort = p.containerPort;
  }
  defaultProbe(c.readinessProbe as Obj | undefined);
  defaultProbe(c.livenessProbe as Obj | undefined);
  defaultProbe(c.startupProbe as Obj | undefined);
}

function defaultPod(pod: ApiObject): void {
  const spec = obj(pod, 'spec');
  const hostNetwork = spec.hostNetwork === true;
  setDefault(spec, 'restartPolicy', 'Always');
  setDefault(spec, 'dnsPolicy', 'ClusterFirst');
  setDefault(spec, 'terminationGracePeriodSeconds', 30);
  setDefault(spec, 'schedulerName', 'default-scheduler');
  if (spec.securityContext === undefined) spec.securityContext = {};
  setDefault(spec, 'enableServiceLinks', true);
  // Admission: ServiceAccount, Priority, DefaultTolerationSeconds.
  setDefault(spec, 'serviceAccountName', 'default');
  spec.serviceAccount = spec.serviceAccountName;
  setDefault(spec, 'priority', 0);
  setDefault(spec, 'preemptionPolicy', 'PreemptLowerPriority');
  const tolerations = list(spec, 'tolerations');
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    const tolerates = tolerations.some(
      (t) =>
        (t.key === key || (t.key === undefined && t.operator === 'Exists')) &&
        (t.effect === undefined || t.effect === 'NoExecute'),
    );
    if (!tolerates)
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  spec.tolerations = tolerations;
  for (const c of [...list(spec, 'initContainers'), ...list(spec, 'containers')])
    defaultContainer(c, hostNetwork);
  // Strategy PrepareForCreate: status reset to Pending with the QoS class (no requests/limits: BestEffort).
  pod.status = { phase: 'Pending', qosClass: qosClassOf(list(spec, 'containers')) };
}

/** pkg/apis/core/helper/qos GetPodQOS, reduced to what a container's resources say. */
function qosClassOf(containers: readonly Obj[]): string {
  const resources = containers.map((c) => (c.resources ?? {}) as Obj);
  const any = resources.some(
    (r) =>
      Object.keys((r.requests ?? {}) as Obj).length > 0 || Object.keys((r.limits ?? {}) as Obj).length > 0,
  );
  if (!any) return 'BestEffort';
  const guaranteed = resources.every((r) => {
    const limits = (r.limits ?? {}) as Obj;
    const requests = (r.requests ?? {}) as Obj;
    return ['cpu', 'memory'].every(
      (k) => limits[k] !== undefined && (requests[k] === undefined || requests[k] === limits[k]),
    );
  });
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function defaultService(svc: ApiObject): void {
  const spec = obj(svc, 'spec');
  setDefault(spec, 'type', 'ClusterIP');
  setDefault(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const clientIP = obj(obj(spec, 'sessionAffinityConfig'), 'clientIP');
    setDefault(clientIP, 'timeoutSeconds', 10800);
  }
  for (const p of list(spec, 'ports')) {
    setDefault(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type !== 'ExternalName') {
    setDefault(spec, 'internalTrafficPolicy', 'Cluster');
    if (spec.ipFamilies === undefined) spec.ipFamilies = ['IPv4'];
    setDefault(spec, 'ipFamilyPolicy', 'SingleStack');
  }
  svc.status = { loadBalancer: {} };
}

function defaultNamespace(ns: ApiObject): void {
  const meta = ns.metadata;
  const labels = (meta.labels ?? {}) as Record<string, string>;
  meta.labels = { ...labels, [NAMESPACE_NAME_LABEL]: meta.name };
  // Namespace strategy PrepareForCreate: the `kubernetes` finalizer is required, the phase is Active.
  const spec = obj(ns, 'spec');
  const finalizers = Array.isArray(spec.finalizers) ? (spec.finalizers as unknown[]) : [];
  spec.finalizers = finalizers.includes('kubernetes') ? finalizers : [...finalizers, 'kubernetes'];
  ns.status = { phase: 'Active' };
}

function defaultNetworkPolicy(np: ApiObject): void {
  const spec = obj(np, 'spec');
  if (spec.podSelector === undefined) spec.podSelector = {};
  for (const rules of [list(spec, 'ingress'), list(spec, 'egress')]) {
    for (const r of rules) for (const p of list(r, 'ports')) setDefault(p, 'protocol', 'TCP');
  }
  const types = spec.policyTypes;
  if (!Array.isArray(types) || types.length === 0) {
    spec.policyTypes =
      Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
  }
}

function defaultEndpointSlice(slice: ApiObject): void {
  for (const p of list(slice, 'ports')) setDefault(p, 'protocol', 'TCP');
}

function defaultEndpoints(ep: ApiObject): void {
  for (const subset of list(ep, 'subsets'))
    for (const p of list(subset, 'ports')) setDefault(p, 'protocol', 'TCP');
}

/** Applies the kind's defaults in place. */
export function applyDefaults(kind: string, o: ApiObject): void {
  switch (kind) {
    case 'Pod':
      defaultPod(o);
      break;
    case 'Service':
      defaultService(o);
      break;
    case 'Namespace':
      defaultNamespace(o);
      break;
    case 'NetworkPolicy':
      defaultNetworkPolicy(o);
      break;
    case 'EndpointSlice':
      defaultEndpointSlice(o);
      break;
    case 'Endpoints':
      defaultEndpoints(o);
      break;
  }
}

/** Kinds whose strategy sets metadata.generation (and bumps it on spec changes). */
export const GENERATION_KINDS: ReadonlySet<string> = new Set(['Pod', 'NetworkPolicy', 'EndpointSlice']);
