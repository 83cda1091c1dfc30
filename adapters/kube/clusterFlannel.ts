/**
 * What a live cluster's flannel runs, read and never changed: the net-conf.json of the ConfigMap that
 * flannel's own manifest deploys (`Documentation/kube-flannel.yml` in flannel-io/flannel: ConfigMap
 * `kube-flannel-cfg`, key `net-conf.json`, mounted at /etc/kube-flannel/ for flanneld's default
 * `--net-config-path`; namespace `kube-flannel` since v0.20, `kube-system` before), and the nodes that
 * hold a lease (`spec.podCIDR`, which the kube subnet manager leases). Distributions that embed flannel
 * without that ConfigMap (k3s, for one) are reported as such: the flannel area is then unsupported.
 * The release flannel runs is read from the image tag of the DaemonSet beside the ConfigMap
 * (kube-flannel.yml: DaemonSet `kube-flannel-ds`, container `kube-flannel`,
 * `ghcr.io/flannel-io/flannel:v0.28.9`); when it cannot be read, the result says why.
 */
import type { CoreV1Api, V1DaemonSet, V1Node } from '@kubernetes/client-node';
import { parseCidr } from '../../spec/manifests/cidr.ts';
import type { FlannelNetConf } from '../../spec/scenario.ts';
import type { ClusterFlannel, ClusterFlannelVersion } from '../../spec/target.ts';
import { type AppsApi, apiError, isForbidden, isNotFound } from './clients.ts';
import type { RealNode } from './nodeMapping.ts';
import { realNodeOf } from './nodeMapping.ts';

/** Where kube-flannel.yml puts its ConfigMap, newest layout first. */
const FLANNEL_CONFIG_MAPS: readonly (readonly [namespace: string, name: string])[] = [
  ['kube-flannel', 'kube-flannel-cfg'],
  ['kube-system', 'kube-flannel-cfg'],
];

const NET_CONF_KEY = 'net-conf.json';

type Core = Pick<CoreV1Api, 'readNamespacedConfigMap'>;

/** The net-conf.json text and where it came from, or why there is none. */
export async function readFlannelNetConf(
  core: Core,
  server: string,
): Promise<
  | { ok: true; netConf: FlannelNetConf; text: string; source: string; namespace: string }
  | { ok: false; reason: string }
> {
  const forbidden: string[] = [];
  for (const [namespace, name] of FLANNEL_CONFIG_MAPS) {
    const where = `ConfigMap ${namespace}/${name}`;
    let data: Record<string, string> | undefined;
    try {
      data = (await core.readNamespacedConfigMap({ namespace, name })).data;
    } catch (error) {
      if (isNotFound(error)) continue;
      if (isForbidden(error)) {
        forbidden.push(where);
        continue;
      }
      throw apiError(`read ${where}`, server, error);
    }
    const text = data?.[NET_CONF_KEY];
    if (text === undefined) return { ok: false, reason: `${where} has no ${NET_CONF_KEY} key` };
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      return { ok: false, reason: `${where}: ${NET_CONF_KEY} is not JSON (${(error as Error).message})` };
    }
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed))
      return { ok: false, reason: `${where}: ${NET_CONF_KEY} is not a JSON object` };
    return { ok: true, netConf: parsed as FlannelNetConf, text, source: where, namespace };
  }
  const tried = FLANNEL_CONFIG_MAPS.map(([ns, n]) => `${ns}/${n}`).join(' or ');
  return {
    ok: false,
    reason:
      forbidden.length > 0
        ? `not allowed to read ${forbidden.join(', ')}: the flannel check needs get on that ConfigMap`
        : `no flannel ConfigMap (${tried}): flannel is not deployed from kube-flannel.yml here`,
  };
}

/**
 * The cluster's flannel as the flannel area checks it: every node that holds a lease must be one where
 * podnet runs pods (a probe pod and a reader per node), since each node's routes name every other lease.
 */
export function clusterFlannelOf(
  netConf: { netConf: FlannelNetConf; text: string; source: string },
  allNodes: readonly V1Node[],
  usable: readonly RealNode[],
  flannelVersion: ClusterFlannelVersion,
): ClusterFlannel {
  const leased = allNodes.map(realNodeOf).filter((n) => n.podCIDR !== undefined);
  if (leased.length === 0)
    return { ok: false, reason: 'no node has a spec.podCIDR: flannel runs without the kube subnet manager' };
  const usableNames = new Set(usable.map((n) => n.name));
  const out = leased.filter((n) => !usableNames.has(n.name)).map((n) => n.name);
  if (out.length > 0) {
    return {
      ok: false,
      reason: `node(s) ${out.join(', ')} hold a lease but podnet cannot run pods there (not Ready, unschedulable, tainted NoExecute or outside --node-selector); the flannel check needs every leased node`,
    };
  }
  if (usable.length !== leased.length) {
    const bare = usable.filter((n) => n.podCIDR === undefined).map((n) => n.name);
    return { ok: false, reason: `node(s) ${bare.join(', ')} have no spec.podCIDR (no flannel lease)` };
  }
  // kube-controller-manager leases every node with one --node-cidr-mask-size; the first node's tells it
  // (a node leased with another mask then breaks the lease rule, as it should).
  const first = [...leased].sort((a, b) => (a.name < b.name ? -1 : 1))[0] as RealNode;
  return {
    ok: true,
    netConf: netConf.netConf,
    netConfText: netConf.text,
    source: netConf.source,
    flannelVersion,
    nodes: leased.length,
    nodeMask: parseCidr(first.podCIDR!)?.prefixLength ?? Number.NaN,
  };
}

/** A release at the start of an image tag: `v0.26.1`, `0.26.1`, `v0.20.2-k3s1.23` (the rest is a build suffix). */
const TAG_RELEASE = /^v?([0-9]+\.[0-9]+\.[0-9]+)(.*)$/;

/** The flannel daemon's image in a DaemonSet: a container (not an init container) whose image is `…/flannel`. */
function flannelImageOf(ds: V1DaemonSet): string | undefined {
  const containers = ds.spec?.template?.spec?.containers ?? [];
  return containers.map((c) => c.image ?? '').find((image) => repositoryOf(image).endsWith('flannel'));
}

/** `ghcr.io/flannel-io/flannel:v0.26.1@sha256:…` → `ghcr.io/flannel-io/flannel`. */
function repositoryOf(image: string): string {
  const name = image.split('@')[0] as string;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(0, colon) : name;
}

/** The tag of an image reference, or undefined when it has none (a digest alone, or `latest` implied). */
function tagOf(image: string): string | undefined {
  const name = image.split('@')[0] as string;
  const slash = name.lastIndexOf('/');
  const colon = name.lastIndexOf(':');
  return colon > slash ? name.slice(colon + 1) : undefined;
}

/**
 * The release of the flannel the cluster runs, from the image of the DaemonSet(s) in flannel's namespace
 * (`namespace`, where its ConfigMap was found); never an error: a reason when the tag cannot tell.
 */
export async function readFlannelVersion(apps: AppsApi, namespace: string): Promise<ClusterFlannelVersion> {
  let daemonSets: V1DaemonSet[];
  try {
    daemonSets = (await apps.listNamespacedDaemonSet({ namespace })).items;
  } catch (error) {
    const why = isForbidden(error)
      ? `not allowed to list DaemonSets in ${namespace} (the version check needs list on daemonsets there)`
      : isNotFound(error)
        ? 'the API server serves no apps/v1 DaemonSets'
        : `listing DaemonSets in ${namespace} failed (${(error as Error).message})`;
    return { found: false, reason: why };
  }
  const images = daemonSets.flatMap((ds) => {
    const image = flannelImageOf(ds);
    return image ? [{ ds: ds.metadata?.name ?? '?', image }] : [];
  });
  if (images.length === 0)
    return { found: false, reason: `no DaemonSet in ${namespace} runs a flannel image` };
  const versions = images.map(({ ds, image }) => {
    const tag = tagOf(image);
    const m = tag === undefined ? null : TAG_RELEASE.exec(tag);
    return { ds, image, tag, version: m ? `v${m[1]}` : undefined };
  });
  const first = versions[0] as (typeof versions)[number];
  if (first.version === undefined) {
    return {
      found: false,
      reason: `the image ${first.image} (DaemonSet ${namespace}/${first.ds}) names no release${first.tag ? ` (tag "${first.tag}")` : ' (no tag)'}`,
    };
  }
  const others = versions.filter((v) => v.version !== first.version);
  if (others.length > 0) {
    return {
      found: false,
      reason: `flannel DaemonSets in ${namespace} run different images: ${versions.map((v) => `${v.ds} ${v.image}`).join(', ')}`,
    };
  }
  return {
    found: true,
    version: first.version,
    source: `the image tag of DaemonSet ${namespace}/${first.ds} (${first.image})`,
  };
}
