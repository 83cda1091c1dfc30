// kube-proxy's mode from its /proxyMode endpoint or its ConfigMap (KubeProxyConfiguration);
// docs/research/lb.md §2-§4: iptables/nftables pick uniformly at random, ipvs rr cycles.
import { describe, expect, test } from 'vitest';
import { parseKubeProxyConfig, parseProxyModeReply, proxyModesOf } from './proxyMode.ts';

describe('proxy mode', () => {
  test('/proxyMode replies', () => {
    expect(parseProxyModeReply('iptables')).toBe('iptables');
    expect(parseProxyModeReply('ipvs\n')).toBe('ipvs');
    expect(parseProxyModeReply('nftables')).toBe('nftables');
    expect(parseProxyModeReply('404 page not found')).toBeUndefined();
  });
  test('ConfigMap config.conf: empty mode is iptables on Linux; ipvs scheduler defaults to rr', () => {
    expect(parseKubeProxyConfig('kind: KubeProxyConfiguration\nmode: ""\n')).toEqual({ mode: 'iptables' });
    expect(parseKubeProxyConfig('mode: ipvs\nipvs:\n  scheduler: ""\n')).toEqual({
      mode: 'ipvs',
      ipvsScheduler: 'rr',
    });
    expect(parseKubeProxyConfig('mode: ipvs\nipvs:\n  scheduler: lc\n')).toEqual({
      mode: 'ipvs',
      ipvsScheduler: 'lc',
    });
    expect(parseKubeProxyConfig('mode: kernelspace\n')).toBeUndefined();
  });
  test('modelled behaviour', () => {
    expect(proxyModesOf({ mode: 'iptables', source: 'proxyMode endpoint' })).toEqual(['random']);
    expect(proxyModesOf({ mode: 'nftables', source: 'proxyMode endpoint' })).toEqual(['random']);
    expect(proxyModesOf({ mode: 'ipvs', ipvsScheduler: 'rr', source: 'kube-proxy ConfigMap' })).toEqual([
      'round-robin',
    ]);
    expect(proxyModesOf({ mode: 'ipvs', ipvsScheduler: 'lc', source: 'kube-proxy ConfigMap' })).toEqual([]);
    expect(proxyModesOf(undefined)).toEqual([]);
  });
});
