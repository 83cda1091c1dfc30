/**
 * A v1 Pod: the parts podnet uses (labels, node, hostNetwork, containers and their ports, IPs, readiness),
 * checked as pkg/apis/core/validation/validation.go (ValidatePodName, validateContainers,
 * validateContainerPorts) does.
 */

import type { Container, ContainerPort, Pod } from '../model.ts';
import { quoteValue } from '../quote.ts';
import { parseIPv4, parseIPv6 } from './cidr.ts';
import { decodeMetadata } from './decodeMetadata.ts';
import { decodeProtocol } from './decodeNetworkPolicy.ts';
import type { Decoder } from './decoder.ts';
import { defaultProtocol } from './defaults.ts';
import {
  dns1123LabelProblems,
  dns1123SubdomainProblems,
  portNameProblems,
  portNumberProblems,
} from './names.ts';

export function decodePod(d: Decoder): Pod | undefined {
  const meta = decodeMetadata(d, dns1123SubdomainProblems, true);
  const nodeName = d.string(['spec', 'nodeName']);
  // validation.go ValidatePodSpec: a non-empty spec.nodeName must be a node name (ValidateNodeName:
  // DNS-1123 subdomain). It also names lab paths and links, so it is checked here, once.
  if (nodeName !== undefined && nodeName !== '') {
    for (const p of dns1123SubdomainProblems(nodeName))
      d.fail(['spec', 'nodeName'], 'PODNET_INVALID_NAME', `invalid node name ${quoteValue(nodeName)}: ${p}`);
  }
  const hostNetwork = d.boolean(['spec', 'hostNetwork']) ?? false;
  const containersRaw = d.list(['spec', 'containers']);
  if (containersRaw === undefined || containersRaw.length === 0) {
    d.fail(
      ['spec', 'containers'],
      'PODNET_FIELD_REQUIRED',
      'a pod needs at least one container',
      'add `containers: [{name: main, image: …}]`',
    );
  }
  const seenContainers = new Set<string>();
  const containers: Container[] = (containersRaw ?? []).map((_, i) => {
    const cp = ['spec', 'containers', i];
    const name = d.string([...cp, 'name'], true) ?? '';
    if (name !== '') {
      for (const p of dns1123LabelProblems(name))
        d.fail([...cp, 'name'], 'PODNET_INVALID_NAME', `invalid container name ${quoteValue(name)}: ${p}`);
      if (seenContainers.has(name))
        d.fail(
          [...cp, 'name'],
          'PODNET_DUPLICATE_NAME',
          `duplicate container name ${quoteValue(name)}`,
          'give each container of a pod its own name',
        );
      seenContainers.add(name);
    }
    const seenPortNames = new Set<string>();
    const ports: ContainerPort[] = (d.list([...cp, 'ports']) ?? []).map((_, j) => {
      const pp = [...cp, 'ports', j];
      const portName = d.string([...pp, 'name']);
      if (portName !== undefined && portName !== '') {
        const problems = portNameProblems(portName);
        for (const p of problems) {
          d.fail(
            [...pp, 'name'],
            'PODNET_INVALID_PORT',
            `${quoteValue(portName)} is not a valid port name (IANA_SVC_NAME): ${p}`,
            'use up to 15 lower-case letters, digits and hyphens, e.g. `http`',
          );
        }
        if (problems.length === 0 && seenPortNames.has(portName)) {
          d.fail(
            [...pp, 'name'],
            'PODNET_DUPLICATE_NAME',
            `duplicate port name ${quoteValue(portName)}`,
            'port names must be unique',
          );
        }
        seenPortNames.add(portName);
      }
      const containerPort = d.integer([...pp, 'containerPort'], true);
      if (containerPort !== undefined) {
        for (const p of portNumberProblems(containerPort))
          d.fail([...pp, 'containerPort'], 'PODNET_INVALID_PORT', `${containerPort} ${p}`);
      }
      const protocol = defaultProtocol(decodeProtocol(d, [...pp, 'protocol']));
      return { ...(portName ? { name: portName } : {}), containerPort: containerPort ?? 0, protocol };
    });
    return { name, ports };
  });
  const ips = decodePodIPs(d);
  const ready = decodeReady(d);
  if (meta === undefined) return undefined;
  return {
    namespace: meta.namespace,
    name: meta.name,
    labels: meta.labels,
    ...(nodeName !== undefined && nodeName !== '' ? { nodeName } : {}),
    hostNetwork,
    containers,
    ips,
    ready,
  };
}

/** status.podIPs[].ip, else status.podIP (older servers fill only podIP). */
function decodePodIPs(d: Decoder): string[] {
  const ips: string[] = [];
  const list = d.list(['status', 'podIPs']);
  list?.forEach((_, i) => {
    const ip = d.string(['status', 'podIPs', i, 'ip']);
    if (ip !== undefined) ips.push(ip);
  });
  if (ips.length === 0) {
    const ip = d.string(['status', 'podIP']);
    if (ip !== undefined && ip !== '') ips.push(ip);
  }
  ips.forEach((ip, i) => {
    if (parseIPv4(ip) === undefined && parseIPv6(ip) === undefined) {
      d.fail(
        list ? ['status', 'podIPs', i, 'ip'] : ['status', 'podIP'],
        'PODNET_INVALID_IP',
        `${quoteValue(ip)} is not an IP address`,
      );
    }
  });
  return ips;
}

/**
 * A pod with a status (a `kubectl get` dump) is ready iff it has the condition Ready=True; a pending pod
 * without conditions is not. A pod written without status (a manifest to apply) counts as ready.
 */
function decodeReady(d: Decoder): boolean {
  const status = d.object(['status']);
  if (status === undefined || Object.keys(status).length === 0) return true;
  const conditions = d.list(['status', 'conditions']) ?? [];
  return conditions.some(
    (_, i) =>
      d.get(['status', 'conditions', i, 'type']) === 'Ready' &&
      d.get(['status', 'conditions', i, 'status']) === 'True',
  );
}
