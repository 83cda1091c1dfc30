/**
 * Pods: a namespace each with a veth into its node's `cni0`, IPs handed out host-local style (`.2`, `.3`, …,
 * not reused until the range wraps), a default route via `.1`, and a pod agent. hostNetwork pods live in
 * their node's namespace and carry its IP.
 */

import { PodnetTargetError } from '../../spec/errors.ts';
import type { ObjectKey } from '../../spec/model.ts';
import { ipBatch } from './exec.ts';
import { BRIDGE } from './flannel/plan.ts';
import { cidrSize, hostOf } from './ipv4.ts';
import { hostOf6 } from './ipv6.ts';
import type { LabNames } from './names.ts';
import type { LabAgent } from './podAgent/labAgent.ts';
import type { LabPaths } from './state.ts';
import type { LabNode } from './topology.ts';

/**
 * What one listener of a pod answers, when the pod's agent must answer as the pod's real server would
 * (the lab API serves agnhost's replies) instead of `<ns>/<pod> <source>`: `tcp-raw` writes the text and
 * closes, `udp` answers every datagram with it, `http` answers every HTTP request with it.
 */
export interface PodReply {
  readonly port: number;
  readonly protocol: 'TCP' | 'UDP';
  readonly mode: 'tcp-raw' | 'udp' | 'http';
  readonly text: string;
}

export interface LabPod {
  readonly key: ObjectKey;
  readonly node: LabNode;
  readonly hostNetwork: boolean;
  /** The pod's own namespace, or its node's for hostNetwork pods. */
  readonly netns: string;
  /** The primary address: IPv4, or IPv6 in an IPv6-only lab (a hostNetwork pod's is its node's). */
  readonly ip: string;
  /** The IPv6 address of a dual-stack lab's pod (hostNetwork: its node's public-ipv6); `Realized.podIPs` is `[ip, ip6]`. */
  readonly ip6?: string;
  readonly veth?: string;
  readonly tcp: readonly number[];
  readonly udp: readonly number[];
  /** Given replies: the agent serves exactly these listeners (and not `tcp`/`udp`). */
  readonly replies?: readonly PodReply[];
  /** The lab's own name for the pod (`p1c`, its agent source): from its index, never from its namespace or name. */
  readonly fileName: string;
  /** A fingerprint of what requires re-creating the pod when it changes (node, hostNetwork, ports, replies). */
  readonly shape: string;
}

/** host-local's round-robin allocator for one node's lease (IPv4; the IPv6 lease in an IPv6-only lab). */
export class HostLocalRange {
  private next = 2;
  private readonly size: number;
  /** Address → host number of the addresses handed out. */
  private readonly used = new Map<string, number>();
  /** Host numbers ever handed out, and the addresses handed out again since the last `takeRecycled`. */
  private readonly everUsed = new Set<number>();
  private recycled: string[] = [];
  private readonly hostOf: (offset: number) => string;
  constructor(private readonly node: LabNode) {
    const v4 = node.lease;
    const v6 = node.ipv6?.lease;
    if (v4) {
      this.size = cidrSize(v4);
      this.hostOf = (offset) => hostOf(v4, offset);
    } else if (v6) {
      // A /64 has more host numbers than a lab holds pods: the round robin wraps at 2^16.
      this.size = 2 ** Math.min(16, 128 - v6.prefixLength);
      this.hostOf = (offset) => hostOf6(v6, offset);
    } else {
      throw new Error(`node ${node.name} has no lease`);
    }
  }
  allocate(): string {
    const taken = new Set(this.used.values());
    for (let tries = 0; tries < this.size; tries++) {
      const offset = this.next;
      this.next = this.next + 1 >= this.size - 1 ? 2 : this.next + 1;
      if (!taken.has(offset)) {
        const ip = this.hostOf(offset);
        this.used.set(ip, offset);
        if (this.everUsed.has(offset)) this.recycled.push(ip);
        this.everUsed.add(offset);
        return ip;
      }
    }
    throw new PodnetTargetError(
      'PODNET_LAB_IPAM',
      `node ${this.node.name}: no free pod address in its lease`,
    );
  }
  release(ip: string): void {
    this.used.delete(ip);
  }
  /** The addresses handed out again (an earlier pod held them) since the last call. */
  takeRecycled(): string[] {
    const r = this.recycled;
    this.recycled = [];
    return r;
  }
  /**
   * The IPv6 address that goes with an IPv4 one from this range (dual-stack): the same host number in the
   * node's IPv6 lease (host-local's second range hands out `::2`, `::3`, … in the same round-robin order).
   */
  ipv6For(ip: string): string | undefined {
    const v6 = this.node.ipv6;
    const offset = this.used.get(ip);
    return v6 && this.node.lease && offset !== undefined ? hostOf6(v6.lease, offset) : undefined;
  }
}

/** A pod's addresses by family: its primary `ip` is IPv4 unless its node has no IPv4 lease (IPv6-only lab). */
export function podAddresses(p: LabPod): { readonly v4?: string; readonly v6?: string } {
  if (p.node.lease === undefined) return { v6: p.ip };
  return { v4: p.ip, ...(p.ip6 !== undefined ? { v6: p.ip6 } : {}) };
}

export interface PodBuildContext {
  readonly names: LabNames;
  readonly paths: LabPaths;
  readonly mtu: number;
  /** The lab has an IPv6 side: agents listen on both families. */
  readonly dualStack?: boolean;
}

/** Wires the given pods' links and addresses (their namespaces and nodes already exist). */
export async function wirePodLinks(ctx: PodBuildContext, pods: readonly LabPod[]): Promise<void> {
  const byNode = new Map<string, LabPod[]>();
  for (const p of pods) {
    if (p.hostNetwork) continue;
    const list = byNode.get(p.node.netns) ?? [];
    list.push(p);
    byNode.set(p.node.netns, list);
  }
  await Promise.all(
    [...byNode].map(([nodeNs, list]) =>
      ipBatch(
        nodeNs,
        list.flatMap((p) => [
          `link add ${p.veth} mtu ${ctx.mtu} type veth peer name eth0 mtu ${ctx.mtu} netns ${p.netns}`,
          `link set ${p.veth} master ${BRIDGE} up`,
          // flannel's CNI config sets hairpinMode: a pod can reach itself through its Service.
          `link set ${p.veth} type bridge_slave hairpin on`,
        ]),
      ),
    ),
  );
  await Promise.all(
    pods
      .filter((p) => !p.hostNetwork)
      .map((p) => {
        const { v4, v6 } = podAddresses(p);
        const lease = p.node.lease;
        const lease6 = p.node.ipv6?.lease;
        return ipBatch(p.netns, [
          'link set lo up',
          ...(v4 && lease ? [`addr add ${v4}/${lease.prefixLength} dev eth0`] : []),
          ...(v6 && lease6 ? [`addr add ${v6}/${lease6.prefixLength} dev eth0 nodad`] : []),
          'link set eth0 up',
          ...(v4 && lease ? [`route add default via ${hostOf(lease, 1)}`] : []),
          ...(v6 && lease6 ? [`route add ::/0 via ${hostOf6(lease6, 1)}`] : []),
        ]);
      }),
  );
}

/** Opens the pods' servers in the lab agent; only their namespaces need to exist (0.0.0.0, or :: for both families). */
export async function startPodAgents(
  ctx: PodBuildContext,
  agent: LabAgent,
  pods: readonly LabPod[],
): Promise<void> {
  await agent.addSources(
    pods.map((p) => ({
      name: p.fileName,
      key: p.key,
      netns: p.netns,
      tcp: p.tcp,
      udp: p.udp,
      ...(p.replies ? { replies: p.replies } : {}),
      ...(ctx.dualStack ? { dualStack: true } : {}),
    })),
  );
}
