/**
 * A throwaway network namespace holding one of each object the node-state parser must read: a vxlan
 * device with nolearning (flannel.1), an onlink route, a PERMANENT neighbour, an FDB entry with dst, a
 * bridge with a port (cni0), a TUN device (flannel0), a host-gw style route, a blackhole and a host route.
 * Used to capture the parser's fixtures and by the lab-tagged test that re-captures them. Needs root.
 */
import { randomBytes } from 'node:crypto';
import { execa } from 'execa';
import { collectRawNodeState, type RawNodeState } from './nodeStateCommands.ts';

/** Commands run inside the namespace, in order. */
const FIXTURE_SETUP: readonly (readonly string[])[] = [
  ['ip', 'link', 'set', 'lo', 'up'],
  ['ip', 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth0peer'],
  ['ip', 'link', 'set', 'eth0', 'mtu', '1500', 'up'],
  ['ip', 'link', 'set', 'eth0peer', 'up'],
  ['ip', 'addr', 'add', '192.168.50.2/24', 'dev', 'eth0'],
  ['ip', 'route', 'add', 'default', 'via', '192.168.50.1', 'dev', 'eth0'],
  [
    'ip',
    'link',
    'add',
    'flannel.1',
    'type',
    'vxlan',
    'id',
    '1',
    'local',
    '192.168.50.2',
    'dev',
    'eth0',
    'dstport',
    '8472',
    'nolearning',
  ],
  ['ip', 'link', 'set', 'flannel.1', 'address', '0e:11:22:33:44:01', 'mtu', '1450', 'up'],
  ['ip', 'addr', 'add', '10.244.0.0/32', 'dev', 'flannel.1'],
  ['ip', 'route', 'add', '10.244.1.0/24', 'via', '10.244.1.0', 'dev', 'flannel.1', 'onlink'],
  ['ip', 'neigh', 'add', '10.244.1.0', 'lladdr', '0e:11:22:33:44:02', 'dev', 'flannel.1', 'nud', 'permanent'],
  [
    'bridge',
    'fdb',
    'append',
    '0e:11:22:33:44:02',
    'dev',
    'flannel.1',
    'dst',
    '192.168.50.3',
    'self',
    'permanent',
  ],
  ['ip', 'neigh', 'add', '192.168.50.9', 'lladdr', '02:00:00:00:00:09', 'dev', 'eth0', 'nud', 'stale'],
  ['ip', 'link', 'add', 'cni0', 'type', 'bridge'],
  ['ip', 'link', 'set', 'cni0', 'mtu', '1450', 'up'],
  ['ip', 'addr', 'add', '10.244.0.1/24', 'dev', 'cni0'],
  ['ip', 'link', 'add', 'vethpod0', 'type', 'veth', 'peer', 'name', 'vethpod0p'],
  ['ip', 'link', 'set', 'vethpod0', 'master', 'cni0', 'up'],
  ['ip', 'tuntap', 'add', 'dev', 'flannel0', 'mode', 'tun'],
  ['ip', 'link', 'set', 'flannel0', 'mtu', '1472', 'up'],
  ['ip', 'addr', 'add', '10.245.0.0/32', 'dev', 'flannel0'],
  ['ip', 'route', 'add', '10.245.0.0/16', 'dev', 'flannel0'],
  ['ip', 'route', 'add', '10.244.2.0/24', 'via', '192.168.50.4', 'dev', 'eth0'],
  ['ip', 'route', 'add', 'blackhole', '10.244.9.0/24'],
  ['ip', 'route', 'add', '10.99.0.5', 'via', '192.168.50.1', 'dev', 'eth0'],
];

/** The subnet.env the fixture pretends flannel wrote. */
const FIXTURE_SUBNET_ENV = [
  'FLANNEL_NETWORK=10.244.0.0/16',
  'FLANNEL_SUBNET=10.244.0.1/24',
  'FLANNEL_MTU=1450',
  'FLANNEL_IPMASQ=true',
  '',
].join('\n');

export const FIXTURE_ANNOTATIONS: Readonly<Record<string, string>> = {
  'flannel.alpha.coreos.com/backend-data': '{"VNI":1,"VtepMAC":"0e:11:22:33:44:01"}',
  'flannel.alpha.coreos.com/backend-type': 'vxlan',
  'flannel.alpha.coreos.com/kube-subnet-manager': 'true',
  'flannel.alpha.coreos.com/public-ip': '192.168.50.2',
};

/** Builds the namespace, collects its raw state, and removes the namespace whatever happens. */
export async function captureFixtureNamespace(node = 'fixture-node'): Promise<RawNodeState> {
  const ns = `pnns${randomBytes(2).toString('hex')}-fix`;
  await execa('ip', ['netns', 'add', ns]);
  try {
    const inNs = async (argv: readonly string[]) =>
      (await execa('ip', ['netns', 'exec', ns, ...argv])).stdout;
    for (const step of FIXTURE_SETUP) await inNs(step);
    return await collectRawNodeState(node, inNs, {
      subnetEnv: FIXTURE_SUBNET_ENV,
      annotations: FIXTURE_ANNOTATIONS,
    });
  } finally {
    await execa('ip', ['netns', 'del', ns], { reject: false });
  }
}
