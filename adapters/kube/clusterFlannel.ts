/**
 * What a live cluster's flannel runs, read and never changed: the net-conf.json of the ConfigMap that
 * flannel's own manifest deploys (`Documentation/kube-flannel.yml` in flannel-io/flannel: ConfigMap
 * `kube-flannel-cfg`, key `net-conf.json`, mounted at /etc/kube-flannel/ for flanneld's default
 * `--net-config-path`; namespace `kube-flannel` since v0.20, `kube-system` before), and the nodes that
 * hold a lease (`spec.podCIDR`, which the kube subnet manager leases). Distributions that embed flannel
 * without that ConfigMap (k3s, for one) are reported as such: the flannel area is then unsupported.
 */
import type { CoreV1Api, V1Node } from '@kubernetes/client-node';
import { parseCidr } from '../../spec/manifests/cidr.ts';
import type { FlannelNetConf } from '../../spec/scenario.ts';
import type { ClusterFlannel } from '../../spec/target.ts';
import { apiError, isForbidden, isNotFound } from './clients.ts';
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
): Promise<{ ok: true; netConf: FlannelNetConf; source: string } | { ok: false; reason: string }> {
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
    return { ok: true, netConf: parsed as FlannelNetConf, source: where };
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
  netConf: { netConf: FlannelNetConf; source: string },
  allNodes: readonly V1Node[],
  usable: readonly RealNode[],
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
    source: netConf.source,
    nodes: leased.length,
    nodeMask: parseCidr(first.podCIDR!)?.prefixLength ?? Number.NaN,
  };
}
