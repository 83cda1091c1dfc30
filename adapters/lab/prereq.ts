/** Checks that this machine can build a lab, with one clear message per missing piece (exit code 3). */
import { existsSync } from 'node:fs';
import { PodnetTargetError } from '../../spec/errors.ts';
import { inNetns, ipBatch, run, tryRun } from './exec.ts';

let checked = false;

async function has(binary: string, versionArg: string): Promise<boolean> {
  return tryRun([binary, versionArg]);
}

/** Throws PodnetTargetError naming what is missing. Runs the checks once per process. */
export async function checkPrerequisites(probeNetns: string): Promise<void> {
  if (checked) return;
  if (typeof process.getuid === 'function' && process.getuid() !== 0) {
    throw new PodnetTargetError(
      'PODNET_LAB_NOT_ROOT',
      'the embedded lab needs root: it creates network namespaces, links and iptables rules',
      'run podnet as root (sudo), or point it at a live cluster with --target kube',
    );
  }
  const tools = [
    ['ip', '-V', 'iproute2'],
    ['bridge', '-V', 'iproute2'],
    ['iptables', '--version', 'iptables'],
    ['iptables-restore', '--version', 'iptables'],
    ['nsenter', '--version', 'util-linux'],
  ] as const;
  const present = await Promise.all(tools.map(([bin, arg]) => has(bin, arg)));
  tools.forEach(([bin, , pkg], i) => {
    if (!present[i]) {
      throw new PodnetTargetError(
        'PODNET_LAB_TOOL_MISSING',
        `\`${bin}\` is missing`,
        `install ${pkg} (apt-get install ${pkg})`,
      );
    }
  });
  if (!existsSync('/proc/self/ns/net')) {
    throw new PodnetTargetError('PODNET_LAB_KERNEL', 'this kernel has no network namespaces (CONFIG_NET_NS)');
  }
  await tryRun(['ip', 'netns', 'del', probeNetns]);
  try {
    await ipBatch(undefined, [`netns add ${probeNetns}`]);
  } catch (e) {
    throw new PodnetTargetError(
      'PODNET_LAB_KERNEL',
      'cannot create a network namespace',
      'check CONFIG_NET_NS and that /run/netns is writable',
      { cause: e },
    );
  }
  try {
    const features: [feature: string, device: string, line: string][] = [
      ['veth', 'pnchk0', 'link add pnchk0 type veth peer name pnchk1'],
      ['bridge', 'pnchk2', 'link add pnchk2 type bridge'],
      ['vxlan', 'pnchk3', 'link add pnchk3 type vxlan id 42 dstport 8472 nolearning'],
      ['tun', 'pnchk4', 'tuntap add dev pnchk4 mode tun'],
    ];
    // One batch when everything is there; one by one only to name what is missing.
    const allThere = await ipBatch(
      probeNetns,
      features.map(([, , line]) => line),
    ).then(
      () => true,
      () => false,
    );
    for (const [feature, device, line] of allThere ? [] : features) {
      await tryRun(['ip', '-n', probeNetns, 'link', 'del', device]);
      try {
        await ipBatch(probeNetns, [line]);
      } catch (e) {
        await tryRun(['modprobe', feature]);
        try {
          await ipBatch(probeNetns, [line]);
        } catch {
          throw new PodnetTargetError(
            'PODNET_LAB_KERNEL',
            `this kernel cannot create ${feature} links`,
            `load the ${feature} module (modprobe ${feature})`,
            { cause: e },
          );
        }
      }
    }
    const bnf = await run(inNetns(probeNetns, ['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables'])).catch(
      async () => {
        await tryRun(['modprobe', 'br_netfilter']);
        return run(inNetns(probeNetns, ['cat', '/proc/sys/net/bridge/bridge-nf-call-iptables'])).catch(
          () => undefined,
        );
      },
    );
    if (bnf === undefined) {
      throw new PodnetTargetError(
        'PODNET_LAB_KERNEL',
        'br_netfilter is not available: bridged pod traffic would bypass iptables',
        'modprobe br_netfilter',
      );
    }
  } finally {
    await tryRun(['ip', 'netns', 'del', probeNetns]);
  }
  checked = true;
}
