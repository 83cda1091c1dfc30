// The node-state parser on outputs captured from a real namespace (fixtures/, made by captureFixtures.ts
// with iproute2 6.1), plus the ip -j quirks: `dst: "default"`, host routes without a prefix, flags arrays
// with `onlink`, neighbour `state: ["PERMANENT"]`, fdb `state: "permanent"` with `dst`, linkinfo.info_data.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { PodnetTargetError } from '../../../spec/errors.ts';
import { captureFixtureNamespace, FIXTURE_ANNOTATIONS } from './fixtureNamespace.ts';
import type { RawNodeState } from './nodeStateCommands.ts';
import { NODE_STATE_COMMANDS } from './nodeStateCommands.ts';
import { parseNodeState } from './parseNodeState.ts';
import { parseSubnetEnv } from './parseSubnetEnv.ts';

const dir = join(import.meta.dirname, 'fixtures');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');
const RAW: RawNodeState = {
  node: 'fixture-node',
  ipLink: read('ip-link.json'),
  ipAddr: read('ip-addr.json'),
  ipRoute: read('ip-route.json'),
  ipNeigh: read('ip-neigh.json'),
  bridgeFdb: read('bridge-fdb.json'),
  subnetEnv: read('subnet.env'),
  annotations: JSON.parse(read('annotations.json')) as Record<string, string>,
};

function checkParsed(state: ReturnType<typeof parseNodeState>) {
  const link = (name: string) => state.links.find((l) => l.name === name);
  expect(link('flannel.1')).toEqual({
    name: 'flannel.1',
    kind: 'vxlan',
    mtu: 1450,
    mac: '0e:11:22:33:44:01',
    up: true,
    vxlan: { id: 1, port: 8472, local: '192.168.50.2', learning: false, dev: 'eth0' },
  });
  expect(link('cni0')).toMatchObject({ kind: 'bridge', mtu: 1450, up: true });
  expect(link('flannel0')).toEqual({ name: 'flannel0', kind: 'tun', mtu: 1472, up: true });
  expect(link('lo')?.kind).toBe('device');
  expect(link('vethpod0p')?.up).toBe(false);

  expect(state.addresses).toContainEqual({
    dev: 'flannel.1',
    family: 'inet',
    local: '10.244.0.0',
    prefixLength: 32,
  });
  expect(state.addresses).toContainEqual({
    dev: 'cni0',
    family: 'inet',
    local: '10.244.0.1',
    prefixLength: 24,
  });
  expect(state.addresses).toContainEqual({
    dev: 'flannel0',
    family: 'inet',
    local: '10.245.0.0',
    prefixLength: 32,
  });

  const route = (dst: string) => state.routes.find((r) => r.dst === dst);
  expect(route('default')).toEqual({ dst: 'default', gateway: '192.168.50.1', dev: 'eth0', onlink: false });
  expect(route('10.244.1.0/24')).toEqual({
    dst: '10.244.1.0/24',
    gateway: '10.244.1.0',
    dev: 'flannel.1',
    onlink: true,
  });
  expect(route('10.244.2.0/24')).toEqual({
    dst: '10.244.2.0/24',
    gateway: '192.168.50.4',
    dev: 'eth0',
    onlink: false,
  });
  expect(route('10.245.0.0/16')).toEqual({ dst: '10.245.0.0/16', dev: 'flannel0', onlink: false });
  expect(route('10.244.9.0/24')).toEqual({ dst: '10.244.9.0/24', onlink: false, type: 'blackhole' });
  expect(route('10.99.0.5/32')?.gateway).toBe('192.168.50.1');

  // The kernel lists neighbours in hash order, which differs between captures: compare as a set.
  expect([...state.neighbours].sort((a, b) => a.dst.localeCompare(b.dst))).toEqual([
    { dst: '10.244.1.0', lladdr: '0e:11:22:33:44:02', dev: 'flannel.1', permanent: true },
    { dst: '192.168.50.9', lladdr: '02:00:00:00:00:09', dev: 'eth0', permanent: false },
  ]);
  expect(state.fdb.filter((f) => f.dev === 'flannel.1')).toEqual([
    { mac: '0e:11:22:33:44:02', dev: 'flannel.1', dst: '192.168.50.3', permanent: true },
  ]);
  expect(state.fdb.some((f) => f.dev === 'vethpod0' && f.dst === undefined)).toBe(true);
}

describe('parseNodeState on captured fixtures', () => {
  test('links, addresses, routes, neighbours and FDB entries', () => {
    checkParsed(parseNodeState(RAW));
  });

  test('subnet.env and annotations', () => {
    const s = parseNodeState(RAW);
    expect(s.subnetEnv).toEqual({
      FLANNEL_NETWORK: '10.244.0.0/16',
      FLANNEL_SUBNET: '10.244.0.1/24',
      FLANNEL_MTU: '1450',
      FLANNEL_IPMASQ: 'true',
    });
    expect(s.annotations).toEqual(FIXTURE_ANNOTATIONS);
  });

  test('no subnet.env → subnetEnv absent; empty outputs → empty lists', () => {
    const s = parseNodeState({
      node: 'n',
      ipLink: '',
      ipAddr: '[]',
      ipRoute: '',
      ipNeigh: '',
      bridgeFdb: '',
    });
    expect(s).toEqual({
      node: 'n',
      links: [],
      addresses: [],
      routes: [],
      neighbours: [],
      fdb: [],
      annotations: {},
    });
  });

  test('output that is not JSON is a target error naming node and command', () => {
    const bad = () => parseNodeState({ ...RAW, ipRoute: 'default via 10.0.0.1 dev eth0' });
    expect(bad).toThrow(PodnetTargetError);
    expect(bad).toThrow(/node "fixture-node": `ip -j route show` did not print JSON/);
  });

  test('IPv6 host routes get /128', () => {
    const s = parseNodeState({ ...RAW, ipRoute: '[{"dst":"fd00::5","dev":"eth0","flags":[]}]' });
    expect(s.routes).toEqual([{ dst: 'fd00::5/128', dev: 'eth0', onlink: false }]);
  });
});

describe('parseSubnetEnv', () => {
  test('KEY=value lines; comments, blanks and quotes handled', () => {
    expect(parseSubnetEnv('# flannel\nFLANNEL_MTU=1450\n\nFLANNEL_NETWORK="10.1.0.0/16"\nbroken\n')).toEqual({
      FLANNEL_MTU: '1450',
      FLANNEL_NETWORK: '10.1.0.0/16',
    });
  });
});

test('NODE_STATE_COMMANDS are the JSON forms of ip and bridge', () => {
  expect(Object.values(NODE_STATE_COMMANDS).every((argv) => argv.includes('-j'))).toBe(true);
  expect(NODE_STATE_COMMANDS.ipLink).toEqual(['ip', '-j', '-d', 'link', 'show']);
});

test('re-captured live from a fresh namespace, the parser reads the same objects', {
  tags: ['lab'],
}, async () => {
  checkParsed(parseNodeState(await captureFixtureNamespace()));
});
