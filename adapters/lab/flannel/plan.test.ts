import { describe, expect, test } from 'vitest';
import { parseCidr } from '../ipv4.ts';
import { parseCidr6 } from '../ipv6.ts';
import { allocateLeases, allocateLeases6 } from '../leases.ts';
import { labNames } from '../names.ts';
import { readNetConf } from '../netConf.ts';
import { planNodes } from '../topology.ts';
import { planFlannel, subnetEnvText } from './plan.ts';

function nodes(segments: number[]) {
  const specs = segments.map((segment, i) => ({ name: `n${i}`, segment }));
  return planNodes(labNames('abcdef'), specs, allocateLeases(specs, parseCidr('10.244.0.0/16'), 24));
}

function dualNodes(segments: number[]) {
  const specs = segments.map((segment, i) => ({ name: `n${i}`, segment }));
  return planNodes(
    labNames('abcdef'),
    specs,
    allocateLeases(specs, parseCidr('10.244.0.0/16'), 24),
    allocateLeases6(specs, parseCidr6('fd00:10:244::/56'), 64),
  );
}

describe('flannel agent plan, IPv6 side (EnableIPv6; vxlan_network.go and route_network.go with the IPv6 lease)', () => {
  test('vxlan: flannel-v6.1 with <lease6>::/128, MTU capped at NIC − 70, per peer onlink route + neighbour + FDB to public-ipv6', () => {
    const [p0] = planFlannel(dualNodes([0, 0]), readNetConf(undefined, 'vxlan', 'dual'));
    expect(p0?.ipv6?.device).toMatchObject({
      name: 'flannel-v6.1',
      mtu: 1430,
      address: 'fd00:10:244::/128',
      local: 'fd00:192:168:100::10',
      mac: '0e:ab:cd:ef:00:06',
    });
    expect(p0?.ipv6?.routes).toEqual([
      { dst: 'fd00:10:244:1::/64', gateway: 'fd00:10:244:1::', dev: 'flannel-v6.1', onlink: true },
    ]);
    expect(p0?.ipv6?.neighbours).toEqual([
      { dst: 'fd00:10:244:1::', lladdr: '0e:ab:cd:ef:01:06', dev: 'flannel-v6.1' },
    ]);
    expect(p0?.ipv6?.fdb).toEqual([
      { mac: '0e:ab:cd:ef:01:06', dev: 'flannel-v6.1', dst: 'fd00:192:168:100::11' },
    ]);
    expect(subnetEnvText(p0?.subnetEnv ?? {})).toBe(
      'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.0.1/24\nFLANNEL_IPV6_NETWORK=fd00:10:244::/56\nFLANNEL_IPV6_SUBNET=fd00:10:244::1/64\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
    );
    expect(p0?.annotations['flannel.alpha.coreos.com/backend-v6-data']).toBe(
      '{"VNI":1,"VtepMAC":"0e:ab:cd:ef:00:06"}',
    );
    expect(p0?.annotations['flannel.alpha.coreos.com/public-ipv6']).toBe('fd00:192:168:100::10');
  });
  test('host-gw: an IPv6 route via the adjacent peer public-ipv6; flannel-v6-route-missing drops one on node 0 only', () => {
    const conf = readNetConf(undefined, 'host-gw', 'dual');
    const [p0, p1] = planFlannel(dualNodes([0, 0]), conf);
    expect(p0?.ipv6?.routes).toEqual([
      { dst: 'fd00:10:244:1::/64', gateway: 'fd00:192:168:100::11', dev: 'eth0', onlink: false },
    ]);
    expect(p0?.annotations['flannel.alpha.coreos.com/backend-v6-data']).toBe('null');
    const [f0, f1] = planFlannel(dualNodes([0, 0]), conf, ['flannel-v6-route-missing']);
    expect(f0?.ipv6?.routes).toEqual([]);
    expect(f1?.ipv6?.routes).toEqual(p1?.ipv6?.routes);
    expect(f0?.routes).toEqual(p0?.routes);
  });
  test('udp with an IPv6 side is refused, naming the field (pkg/subnet/kube/kube.go: udp leases are IPv4 only)', () => {
    expect(() => readNetConf(undefined, 'udp', 'dual')).toThrow(
      /Backend\.Type[\s\S]*udp backend has no IPv6/,
    );
  });
});

describe('flannel agent plan', () => {
  test('vxlan: flannel.1, <lease>.0/32, MTU 1450, per peer onlink route + neighbour + FDB (vxlan_network.go; docs/research/flannel.md §5.1)', () => {
    const [p0] = planFlannel(nodes([0, 0]), readNetConf(undefined));
    expect(p0?.device).toMatchObject({
      name: 'flannel.1',
      kind: 'vxlan',
      mtu: 1450,
      address: '10.244.0.0/32',
      port: 8472,
      vni: 1,
    });
    expect(p0?.routes).toEqual([
      { dst: '10.244.1.0/24', gateway: '10.244.1.0', dev: 'flannel.1', onlink: true },
    ]);
    expect(p0?.neighbours).toEqual([{ dst: '10.244.1.0', lladdr: '0e:ab:cd:ef:01:01', dev: 'flannel.1' }]);
    expect(p0?.fdb).toEqual([{ mac: '0e:ab:cd:ef:01:01', dev: 'flannel.1', dst: '192.168.100.11' }]);
    expect(p0?.annotations['flannel.alpha.coreos.com/backend-data']).toBe(
      '{"VNI":1,"VtepMAC":"0e:ab:cd:ef:00:01"}',
    );
  });
  test('vxlan DirectRouting: a same-segment peer gets a plain route via its public IP, no neighbour/FDB', () => {
    const conf = readNetConf({ Network: '10.244.0.0/16', Backend: { Type: 'vxlan', DirectRouting: true } });
    const [p0] = planFlannel(nodes([0, 1, 0]), conf);
    expect(p0?.routes).toContainEqual({
      dst: '10.244.2.0/24',
      gateway: '192.168.100.12',
      dev: 'eth0',
      onlink: false,
    });
    expect(p0?.fdb.map((f) => f.dst)).toEqual(['192.168.101.11']);
  });
  test('host-gw: a route via the peer public IP, none for a peer on another segment (hostgw.go; docs/research/flannel.md §5.2)', () => {
    const [p0] = planFlannel(nodes([0, 1, 0]), readNetConf(undefined, 'host-gw'));
    expect(p0?.routes).toEqual([
      { dst: '10.244.2.0/24', gateway: '192.168.100.12', dev: 'eth0', onlink: false },
    ]);
    expect(p0?.subnetEnv.FLANNEL_MTU).toBe('1500');
  });
  test('udp: flannel0, MTU ext−28, one route for the Network, empty backend-type (udp_network_amd64.go; docs/research/flannel.md §3.1, §5.3)', () => {
    const [p0] = planFlannel(nodes([0, 0]), readNetConf(undefined, 'udp'));
    expect(p0?.device).toMatchObject({ name: 'flannel0', kind: 'tun', mtu: 1472 });
    expect(p0?.routes).toEqual([{ dst: '10.244.0.0/16', dev: 'flannel0', onlink: false }]);
    expect(p0?.annotations['flannel.alpha.coreos.com/backend-type']).toBe('');
    expect(p0?.udpPeers).toEqual([{ subnet: '10.244.1.0/24', ip: '192.168.100.11', port: 8285 }]);
  });
  test('subnet.env has flannel key order and FLANNEL_SUBNET = lease.1 (subnet.go WriteSubnetFile)', () => {
    const [p0] = planFlannel(nodes([0]), readNetConf(undefined));
    expect(subnetEnvText(p0?.subnetEnv ?? {})).toBe(
      'FLANNEL_NETWORK=10.244.0.0/16\nFLANNEL_SUBNET=10.244.0.1/24\nFLANNEL_MTU=1450\nFLANNEL_IPMASQ=true\n',
    );
  });
  test('a net-conf without Backend means udp (docs/research/flannel.md §10.1)', () => {
    expect(readNetConf({ Network: '10.1.0.0/16' }).backend).toBe('udp');
  });
});
