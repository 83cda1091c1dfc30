/**
 * kube-proxy's mode, found rather than assumed: its metrics endpoint answers `GET /proxyMode` on
 * 127.0.0.1:10249 (read from a hostNetwork pod on the node), else its ConfigMap (kube-system/kube-proxy,
 * key config.conf, `mode:`; an empty mode means iptables on Linux). iptables and nftables pick a backend
 * uniformly at random; ipvs with the default `rr` scheduler cycles round-robin (docs/research/lb.md §2-§4).
 */
import { parse } from 'yaml';
import type { ProxyMode } from '../../spec/target.ts';

export type KubeProxyMode = 'iptables' | 'ipvs' | 'nftables';

export interface ProxyFacts {
  readonly mode: KubeProxyMode;
  readonly ipvsScheduler?: string;
  readonly source: 'proxyMode endpoint' | 'kube-proxy ConfigMap';
}

/** The body of `/proxyMode` (`iptables`, `ipvs`, `nftables`), or undefined for anything else. */
export function parseProxyModeReply(body: string): KubeProxyMode | undefined {
  const m = body.trim();
  return m === 'iptables' || m === 'ipvs' || m === 'nftables' ? m : undefined;
}

/** The kube-proxy ConfigMap's config.conf (KubeProxyConfiguration YAML). */
export function parseKubeProxyConfig(
  text: string,
): { mode: KubeProxyMode; ipvsScheduler?: string } | undefined {
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    return undefined;
  }
  if (typeof doc !== 'object' || doc === null) return undefined;
  const conf = doc as { mode?: unknown; ipvs?: { scheduler?: unknown } };
  const raw = typeof conf.mode === 'string' ? conf.mode : '';
  const mode = raw === '' ? 'iptables' : parseProxyModeReply(raw);
  if (!mode) return undefined;
  const scheduler =
    typeof conf.ipvs?.scheduler === 'string' && conf.ipvs.scheduler !== '' ? conf.ipvs.scheduler : undefined;
  return { mode, ...(mode === 'ipvs' ? { ipvsScheduler: scheduler ?? 'rr' } : {}) };
}

/** The load-balancing behaviour podnet's oracle models for a kube-proxy mode. */
export function proxyModesOf(facts: ProxyFacts | undefined): ProxyMode[] {
  if (!facts) return [];
  if (facts.mode === 'ipvs')
    return facts.ipvsScheduler === undefined || facts.ipvsScheduler === 'rr' ? ['round-robin'] : [];
  return ['random'];
}
