/**
 * Node namespaces: eth0 on an underlay segment, forwarding on, br_netfilter's call-iptables on,
 * `cni0` at `<lease>.1`, the flannel backend's devices/routes/FDB, flannel's iptables rules,
 * subnet.env and the node's annotations in the state folder.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { addressValue } from '../../spec/ipNum.ts';
import { inNetns, ipBatch, run } from './exec.ts';
import type { FaultName } from './faults.ts';
import { hostgwIpLines } from './flannel/hostgw.ts';
import { flannelRules } from './flannel/masquerade.ts';
import { BRIDGE, type NodeFlannelPlan, subnetEnvText } from './flannel/plan.ts';
import { ensureTunexec, startForwarder, udpDeviceLines, udpRouteLines } from './flannel/udp.ts';
import { vxlanFdbLines, vxlanIpLines } from './flannel/vxlan.ts';
import { formatCidr, hostOf, macOfIPv4 } from './ipv4.ts';
import { formatCidr6, hostOf6 } from './ipv6.ts';
import type { LabNames } from './names.ts';
import type { LabNetConf } from './netConf.ts';
import type { LabPaths } from './state.ts';
import { type LabNode, ROUTER_HOST, SEGMENT6_PREFIX_LENGTH, segmentHost, segmentHost6 } from './topology.ts';

export interface NodeBuildContext {
  readonly names: LabNames;
  readonly paths: LabPaths;
  readonly conf: LabNetConf;
  readonly faults: readonly FaultName[];
}

/** Builds every node (namespaces already exist); resolves with the pids of processes started (udp forwarders). */
export async function buildNodes(
  ctx: NodeBuildContext,
  nodes: readonly LabNode[],
  plans: readonly NodeFlannelPlan[],
): Promise<number[]> {
  await ipBatch(
    ctx.names.underlay,
    nodes.flatMap((n) => [
      `link add ${n.netns} type veth peer name eth0 netns ${n.netns}`,
      `link set ${n.netns} master ${ctx.names.segmentBridge(n.segment)} up`,
    ]),
  );
  const tunexec = ctx.conf.backend === 'udp' ? await ensureTunexec(ctx.paths.root) : undefined;
  const pids = await Promise.all(
    nodes.map((n, i) => buildNode(ctx, n, plans[i] as NodeFlannelPlan, tunexec)),
  );
  return pids.flat();
}

async function buildNode(
  ctx: NodeBuildContext,
  node: LabNode,
  plan: NodeFlannelPlan,
  tunexec: string | undefined,
): Promise<number[]> {
  const v4 = node.ip !== undefined && node.lease ? { ip: node.ip, lease: node.lease } : undefined;
  const v6 = node.ipv6;
  // An explicit address: a bridge left to itself takes its lowest port's MAC and changes it when that pod
  // goes, and the pods beside it, still holding the old gateway MAC, lose every cross-node connection.
  const bridgeMac = v4
    ? macOfIPv4(hostOf(v4.lease, 1))
    : macOfIPv6Gateway(hostOf6((v6 as NonNullable<LabNode['ipv6']>).lease, 1));
  const lines = [
    'link set lo up',
    ...(v4 ? [`addr add ${v4.ip}/24 dev eth0`] : []),
    'link set eth0 up',
    ...(v4 ? [`route add default via ${segmentHost(node.segment, ROUTER_HOST)}`] : []),
    `link add ${BRIDGE} address ${bridgeMac} mtu ${plan.mtu} type bridge`,
    ...(v4 ? [`addr add ${hostOf(v4.lease, 1)}/${v4.lease.prefixLength} dev ${BRIDGE}`] : []),
    `link set ${BRIDGE} up`,
  ];
  if (v6) {
    // The IPv6 side: eth0 on the ULA underlay, cni0 at <lease6>::1 (the CNI bridge's gateway), no DAD.
    lines.push(
      `addr add ${v6.ip}/${SEGMENT6_PREFIX_LENGTH} dev eth0 nodad`,
      `route add ::/0 via ${segmentHost6(node.segment, ROUTER_HOST)}`,
      `addr add ${hostOf6(v6.lease, 1)}/${v6.lease.prefixLength} dev ${BRIDGE} nodad`,
    );
  }
  if (ctx.conf.backend === 'vxlan') lines.push(...vxlanIpLines(plan));
  else if (ctx.conf.backend === 'host-gw') lines.push(...hostgwIpLines(plan));
  else lines.push(...udpDeviceLines(plan));
  await ipBatch(node.netns, lines);
  const fdb = vxlanFdbLines(plan);
  const dir = ctx.paths.nodeDir(node.index);
  await Promise.all([
    fdb.length > 0 ? run(inNetns(node.netns, ['bridge', '-batch', '-']), `${fdb.join('\n')}\n`) : undefined,
    run(
      inNetns(node.netns, [
        'sysctl',
        '-q',
        '-w',
        ...(v4
          ? ['net.ipv4.ip_forward=1', 'net.bridge.bridge-nf-call-iptables=1', 'net.ipv4.conf.all.rp_filter=0']
          : []),
        ...(v6
          ? [
              'net.ipv6.conf.all.forwarding=1',
              'net.bridge.bridge-nf-call-ip6tables=1',
              'net.ipv6.conf.all.accept_dad=0',
              'net.ipv6.conf.default.accept_dad=0',
            ]
          : []),
      ]),
    ),
    v4
      ? run(
          inNetns(node.netns, ['iptables-restore', '--noflush']),
          flannelRules(ctx.conf.networkText, formatCidr(v4.lease), ctx.faults),
        )
      : undefined,
    v6 && ctx.conf.ipv6
      ? run(
          inNetns(node.netns, ['ip6tables-restore', '--noflush']),
          flannelRules(ctx.conf.ipv6.networkText, formatCidr6(v6.lease), ctx.faults, 6),
        )
      : undefined,
    mkdir(dir, { recursive: true }).then(() =>
      Promise.all([
        writeFile(join(dir, 'subnet.env'), subnetEnvText(plan.subnetEnv)),
        writeFile(join(dir, 'annotations.json'), `${JSON.stringify(plan.annotations, null, 2)}\n`),
      ]),
    ),
  ]);
  if (tunexec && v4 && plan.device?.kind === 'tun') {
    const pid = await startForwarder({
      tunexec,
      netns: node.netns,
      device: plan.device.name,
      listen: v4.ip,
      port: ctx.conf.port,
      peers: plan.udpPeers,
      prefix: ctx.names.prefix,
      logFile: ctx.paths.log(`udp-${node.index}`),
    });
    await ipBatch(node.netns, udpRouteLines(plan));
    return [pid];
  }
  return [];
}

/**
 * cni0's MAC in an IPv6-only lab (no IPv4 gateway to derive it from, as macOfIPv4 does): `0a:58` and the
 * gateway's last four bytes, stable for the lab's life. Unique where it matters: each node's own bridge.
 */
function macOfIPv6Gateway(gateway: string): string {
  const value = addressValue(gateway, 6) ?? 0n;
  const bytes = [24n, 16n, 8n, 0n].map((shift) => Number((value >> shift) & 0xffn));
  return ['0a', '58', ...bytes.map((b) => b.toString(16).padStart(2, '0'))].join(':');
}
