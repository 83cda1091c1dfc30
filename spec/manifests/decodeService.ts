/**
 * A v1 Service: selector, ports, session affinity and ClusterIP, checked as
 * pkg/apis/core/validation/validation.go ValidateService does and defaulted as pkg/apis/core/v1/defaults.go.
 */

import { serviceFamilyFieldProblems } from '../ipFamily.ts';
import type { IPFamilyPolicy, Service, ServiceIPFamily, ServicePort, SessionAffinity } from '../model.ts';
import { IP_FAMILY_POLICIES } from '../model.ts';
import { quoteValue } from '../quote.ts';
import { parseIPv4, parseIPv6 } from './cidr.ts';
import { decodeLabels, decodeMetadata } from './decodeMetadata.ts';
import { decodeProtocol } from './decodeNetworkPolicy.ts';
import type { Decoder } from './decoder.ts';
import {
  defaultAffinityTimeout,
  defaultProtocol,
  defaultSessionAffinity,
  defaultTargetPort,
} from './defaults.ts';
import { dns1035LabelProblems, dns1123LabelProblems, portNameProblems, portNumberProblems } from './names.ts';

/** The Service types the API accepts (core/validation supportedServiceType). */
const SERVICE_TYPES = ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'] as const;
type ServiceType = (typeof SERVICE_TYPES)[number];

function decodeServiceType(d: Decoder): ServiceType {
  const raw = d.string(['spec', 'type']);
  if (raw === undefined || raw === '') return 'ClusterIP';
  if ((SERVICE_TYPES as readonly string[]).includes(raw)) return raw as ServiceType;
  d.fail(
    ['spec', 'type'],
    'PODNET_INVALID_SERVICE',
    `unsupported value ${quoteValue(raw)}`,
    `use one of ${SERVICE_TYPES.join(', ')}`,
  );
  return 'ClusterIP';
}

function isIP(text: string): boolean {
  return parseIPv4(text) !== undefined || parseIPv6(text) !== undefined;
}

/**
 * spec.clusterIP and spec.clusterIPs, as ValidateService / validateServiceClusterIPs check them: each an
 * IP, or `None` (headless) in the first place only; clusterIPs[0] equals clusterIP; at most two, of two
 * families; none for ExternalName; headless only for type ClusterIP. Returns the primary ClusterIP.
 */
function decodeClusterIPs(d: Decoder, type: ServiceType): string | undefined {
  const clusterIP = d.string(['spec', 'clusterIP']);
  const list = d.list(['spec', 'clusterIPs']);
  const ips = (list ?? []).map((_, i) => d.string(['spec', 'clusterIPs', i]));
  if (clusterIP !== undefined && clusterIP !== '' && clusterIP !== 'None' && !isIP(clusterIP)) {
    d.fail(
      ['spec', 'clusterIP'],
      'PODNET_INVALID_IP',
      `${quoteValue(clusterIP)} is not an IP address`,
      'write an IP address, `None` for a headless Service, or leave it out for the cluster to choose',
    );
  }
  ips.forEach((ip, i) => {
    if (ip === undefined) return;
    if (ip === 'None' ? i > 0 : !isIP(ip)) {
      d.fail(
        ['spec', 'clusterIPs', i],
        'PODNET_INVALID_IP',
        ip === 'None' ? '`None` may only be the first value' : `${quoteValue(ip)} is not an IP address`,
      );
    }
  });
  if (ips.length > 2) d.fail(['spec', 'clusterIPs'], 'PODNET_INVALID_IP', 'may hold at most two addresses');
  const [first, second] = ips;
  if (first !== undefined && second !== undefined && isIP(first) && isIP(second)) {
    if ((parseIPv4(first) === undefined) === (parseIPv4(second) === undefined)) {
      d.fail(
        ['spec', 'clusterIPs', 1],
        'PODNET_INVALID_IP',
        'the two addresses must be of different families',
      );
    }
  }
  if (clusterIP !== undefined && clusterIP !== '' && first !== undefined && first !== clusterIP) {
    d.fail(
      ['spec', 'clusterIPs', 0],
      'PODNET_INVALID_IP',
      `must equal spec.clusterIP (${quoteValue(clusterIP)})`,
    );
  }
  const primary = clusterIP !== undefined && clusterIP !== '' ? clusterIP : first;
  if (type === 'ExternalName' && primary !== undefined && primary !== '') {
    d.fail(['spec', 'clusterIP'], 'PODNET_INVALID_SERVICE', 'may not be set for type ExternalName');
  }
  if (primary === 'None' && type !== 'ClusterIP') {
    d.fail(['spec', 'clusterIP'], 'PODNET_INVALID_SERVICE', `may not be None for type ${type}`);
  }
  return primary;
}

/**
 * spec.ipFamilyPolicy and spec.ipFamilies, as ValidateService checks them (core/validation validateIPFamilies:
 * supported values, at most two, none twice; neither for ExternalName). Which families the cluster then
 * gives is the target's to decide (spec/ipFamily.ts serviceFamiliesOn, after alloc.go).
 */
function decodeFamilies(d: Decoder, type: ServiceType): Pick<Service, 'ipFamilyPolicy' | 'ipFamilies'> {
  const policyRaw = d.string(['spec', 'ipFamilyPolicy']);
  let ipFamilyPolicy: IPFamilyPolicy | undefined;
  if (policyRaw !== undefined && policyRaw !== '') {
    if ((IP_FAMILY_POLICIES as readonly string[]).includes(policyRaw))
      ipFamilyPolicy = policyRaw as IPFamilyPolicy;
    else
      d.fail(
        ['spec', 'ipFamilyPolicy'],
        'PODNET_INVALID_SERVICE',
        `unsupported value ${quoteValue(policyRaw)}`,
        `use one of ${IP_FAMILY_POLICIES.join(', ')}`,
      );
  }
  const ipFamilies: ServiceIPFamily[] = [];
  (d.list(['spec', 'ipFamilies']) ?? []).forEach((_, i) => {
    const f = d.string(['spec', 'ipFamilies', i]);
    if (f === 'IPv4' || f === 'IPv6') ipFamilies.push(f);
    else
      d.fail(
        ['spec', 'ipFamilies', i],
        'PODNET_INVALID_SERVICE',
        `unsupported value ${quoteValue(f ?? '')}`,
        'use IPv4 or IPv6',
      );
  });
  for (const [path, message] of serviceFamilyFieldProblems(ipFamilies))
    d.fail(path, 'PODNET_INVALID_SERVICE', message);
  if (type === 'ExternalName') {
    for (const field of ['ipFamilyPolicy', 'ipFamilies'] as const)
      if (d.has(['spec', field]))
        d.fail(['spec', field], 'PODNET_INVALID_SERVICE', 'may not be set for ExternalName services');
  }
  return {
    ...(ipFamilyPolicy !== undefined ? { ipFamilyPolicy } : {}),
    ...(ipFamilies.length > 0 ? { ipFamilies } : {}),
  };
}

/** Largest sessionAffinityConfig.clientIP.timeoutSeconds the API accepts (1 day). */
const MAX_AFFINITY_TIMEOUT_SECONDS = 86400;

export function decodeService(d: Decoder): Service | undefined {
  const meta = decodeMetadata(d, dns1035LabelProblems, true);
  const type = decodeServiceType(d);
  const clusterIP = decodeClusterIPs(d, type);
  const families = decodeFamilies(d, type);
  const selector = decodeLabels(d, ['spec', 'selector']);
  const portsRaw = d.list(['spec', 'ports']) ?? [];
  if (portsRaw.length === 0 && type !== 'ExternalName' && clusterIP !== 'None') {
    d.fail(
      ['spec', 'ports'],
      'PODNET_FIELD_REQUIRED',
      'a Service needs at least one port',
      'add `ports: [{port: 80}]`',
    );
  }
  const seen = new Set<string>();
  const ports: ServicePort[] = portsRaw.map((_, i) => {
    const pp = ['spec', 'ports', i];
    const name = d.string([...pp, 'name']);
    if (name !== undefined && name !== '') {
      for (const p of dns1123LabelProblems(name))
        d.fail([...pp, 'name'], 'PODNET_INVALID_NAME', `invalid port name ${quoteValue(name)}: ${p}`);
      if (seen.has(name))
        d.fail(
          [...pp, 'name'],
          'PODNET_DUPLICATE_NAME',
          `duplicate port name ${quoteValue(name)}`,
          'give each Service port its own name',
        );
      seen.add(name);
    } else if (portsRaw.length > 1) {
      d.fail(
        [...pp, 'name'],
        'PODNET_FIELD_REQUIRED',
        'a port name is required when a Service has several ports',
        'add `name:` to each port',
      );
    }
    const port = d.integer([...pp, 'port'], true) ?? 0;
    if (d.has([...pp, 'port']))
      for (const p of portNumberProblems(port))
        d.fail([...pp, 'port'], 'PODNET_INVALID_PORT', `${port} ${p}`);
    const protocol = defaultProtocol(decodeProtocol(d, [...pp, 'protocol']));
    const target = d.intOrString([...pp, 'targetPort']);
    if (typeof target === 'number' && target !== 0) {
      for (const p of portNumberProblems(target))
        d.fail([...pp, 'targetPort'], 'PODNET_INVALID_PORT', `${target} ${p}`);
    } else if (typeof target === 'string' && target !== '') {
      for (const p of portNameProblems(target)) {
        d.fail(
          [...pp, 'targetPort'],
          'PODNET_INVALID_PORT',
          `${quoteValue(target)} is not a valid named port (IANA_SVC_NAME): ${p}`,
          'use a number without quotes, or the name of a container port',
        );
      }
    }
    return { ...(name ? { name } : {}), protocol, port, targetPort: defaultTargetPort(port, target) };
  });
  const affinityRaw = d.string(['spec', 'sessionAffinity']);
  let affinity: SessionAffinity | undefined;
  if (affinityRaw !== undefined && affinityRaw !== '') {
    if (affinityRaw === 'None' || affinityRaw === 'ClientIP') affinity = affinityRaw;
    else
      d.fail(
        ['spec', 'sessionAffinity'],
        'PODNET_INVALID_AFFINITY',
        `unsupported value ${quoteValue(affinityRaw)}`,
        'use None or ClientIP',
      );
  }
  const timeoutPath = ['spec', 'sessionAffinityConfig', 'clientIP', 'timeoutSeconds'];
  const timeout = d.integer(timeoutPath);
  if (timeout !== undefined && (timeout < 1 || timeout > MAX_AFFINITY_TIMEOUT_SECONDS)) {
    d.fail(
      timeoutPath,
      'PODNET_INVALID_AFFINITY',
      `${timeout} must be between 1 and ${MAX_AFFINITY_TIMEOUT_SECONDS}`,
    );
  }
  if (meta === undefined) return undefined;
  return {
    namespace: meta.namespace,
    name: meta.name,
    ...(selector !== undefined ? { selector } : {}),
    ports,
    sessionAffinity: defaultSessionAffinity(affinity),
    affinityTimeoutSeconds: defaultAffinityTimeout(timeout),
    ...(clusterIP !== undefined && clusterIP !== '' && clusterIP !== 'None' ? { clusterIP } : {}),
    ...families,
  };
}
