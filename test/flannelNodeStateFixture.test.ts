// The flannel oracle against node state read from a real kernel: the parser's captured fixture is a vxlan
// node (flannel.1, onlink route, PERMANENT neighbour, FDB entry) plus objects flannel would not program.
// Rules: pkg/backend/vxlan/vxlan_network.go (per-peer route/neigh/FDB), pkg/subnet/subnet.go (subnet.env).
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { expect, test } from 'vitest';
import { parseNodeState } from '../adapters/common/nodeState/parseNodeState.ts';
import { compareNodeState } from '../oracle/flannel/compareNodeState.ts';
import { expectedNodeState } from '../oracle/flannel/expectedNodeState.ts';
import { parseNetConf } from '../oracle/flannel/parseNetConf.ts';
import { withAnnouncedVtepMacs } from '../oracle/flannel/vtepMac.ts';
import type { FlannelNodeInput } from '../spec/flannelExpectation.ts';

const dir = resolve(import.meta.dirname, '..', 'adapters', 'common', 'nodeState', 'fixtures');
const read = (name: string) => readFileSync(join(dir, name), 'utf8');

test('captured vxlan node: only the objects flannel would not program differ', () => {
  const observed = parseNodeState({
    node: 'fixture-node',
    ipLink: read('ip-link.json'),
    ipAddr: read('ip-addr.json'),
    ipRoute: read('ip-route.json'),
    ipNeigh: read('ip-neigh.json'),
    bridgeFdb: read('bridge-fdb.json'),
    subnetEnv: read('subnet.env'),
    annotations: JSON.parse(read('annotations.json')) as Record<string, string>,
  });
  const parsed = parseNetConf('{"Network":"10.244.0.0/16","Backend":{"Type":"vxlan"}}');
  if (!parsed.ok) throw new Error(parsed.error);
  const nodes: FlannelNodeInput[] = withAnnouncedVtepMacs(
    [
      {
        name: 'fixture-node',
        publicIP: '192.168.50.2',
        extInterface: { name: 'eth0', mtu: 1500 },
        segment: 0,
      },
      {
        name: 'peer',
        publicIP: '192.168.50.3',
        extInterface: { name: 'eth0', mtu: 1500 },
        segment: 0,
        vtepMac: '0e:11:22:33:44:02',
      },
    ],
    { 'fixture-node': observed },
  );
  expect(nodes[0]!.vtepMac).toBe('0e:11:22:33:44:01');
  const expected = expectedNodeState(parsed.config, 'fixture-node', nodes, {
    'fixture-node': '10.244.0.0/24',
    peer: '10.244.1.0/24',
  });
  // 10.244.2.0/24 (a host-gw style route) and the blackhole lie inside Network but are not flannel's vxlan
  // state; flannel0's route (10.245.0.0/16), the pod veth, eth0 and the underlay neighbour are outside it.
  expect(compareNodeState(expected, observed)).toEqual([
    {
      node: 'fixture-node',
      object: 'route',
      key: '10.244.2.0/24',
      expected: 'absent',
      observed: 'via 192.168.50.4 dev eth0',
    },
    {
      node: 'fixture-node',
      object: 'route',
      key: '10.244.9.0/24',
      expected: 'absent',
      observed: 'blackhole',
    },
  ]);
});
