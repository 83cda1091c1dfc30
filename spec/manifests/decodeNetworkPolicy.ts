/**
 * A networking.k8s.io/v1 NetworkPolicy, validated as pkg/apis/networking/validation/validation.go
 * (ValidateNetworkPolicySpec, ValidateNetworkPolicyPeer, ValidateNetworkPolicyPort, ValidateIPBlock)
 * and defaulted as pkg/apis/networking/v1/defaults.go. Unknown fields are errors, as with
 * `kubectl apply --validate=strict` (kubectl's default): a typo such as `namespaceselector` would
 * otherwise silently widen a rule.
 */

import {
  type IPBlock,
  type NetworkPolicy,
  type NetworkPolicyPeer,
  type NetworkPolicyPort,
  type NetworkPolicyRule,
  type PolicyType,
  PROTOCOLS,
  type Protocol,
} from '../model.ts';
import { quoteValue } from '../quote.ts';
import { isStrictSubset, parseCidr } from './cidr.ts';
import { decodeMetadata } from './decodeMetadata.ts';
import type { Decoder } from './decoder.ts';
import { decodeSelector } from './decodeSelector.ts';
import { defaultPolicyTypes, defaultProtocol } from './defaults.ts';
import type { FieldPath } from './manifestObject.ts';
import { dns1123SubdomainProblems, portNameProblems, portNumberProblems } from './names.ts';

const SPEC_KEYS = ['podSelector', 'ingress', 'egress', 'policyTypes'];
const PEER_KEYS = ['podSelector', 'namespaceSelector', 'ipBlock'];
const PORT_KEYS = ['protocol', 'port', 'endPort'];

export function decodeNetworkPolicy(d: Decoder): NetworkPolicy | undefined {
  const meta = decodeMetadata(d, dns1123SubdomainProblems, true);
  d.knownKeys(['spec'], SPEC_KEYS);
  // podSelector is optional: absent means the empty selector, every pod of the namespace
  // (staging/src/k8s.io/api/networking/v1/types.go NetworkPolicySpec.PodSelector).
  const podSelector = d.has(['spec', 'podSelector']) ? decodeSelector(d, ['spec', 'podSelector']) : {};
  const ingress = decodeRules(d, 'ingress', 'from');
  const egress = decodeRules(d, 'egress', 'to');
  const policyTypes = decodePolicyTypes(d);
  if (meta === undefined) return undefined;
  return {
    namespace: meta.namespace,
    name: meta.name,
    podSelector,
    policyTypes: defaultPolicyTypes(policyTypes, egress),
    ...(policyTypes === undefined || policyTypes.length === 0 ? { policyTypesDefaulted: true } : {}),
    ...(ingress !== undefined ? { ingress } : {}),
    ...(egress !== undefined ? { egress } : {}),
  };
}

function decodePolicyTypes(d: Decoder): PolicyType[] | undefined {
  const path = ['spec', 'policyTypes'];
  const raw = d.list(path);
  if (raw === undefined) return undefined;
  if (raw.length > 2) {
    d.fail(
      path,
      'PODNET_INVALID_POLICY_TYPES',
      'may not specify more than two policyTypes',
      'use [Ingress], [Egress] or [Ingress, Egress]',
    );
    return undefined;
  }
  const types: PolicyType[] = [];
  raw.forEach((_, i) => {
    const t = d.string([...path, i]);
    if (t === undefined) return;
    if (t !== 'Ingress' && t !== 'Egress') {
      d.fail(
        [...path, i],
        'PODNET_INVALID_POLICY_TYPES',
        `unsupported value ${quoteValue(t)}`,
        'use Ingress or Egress (case-sensitive)',
      );
      return;
    }
    types.push(t);
  });
  return types;
}

function decodeRules(
  d: Decoder,
  direction: 'ingress' | 'egress',
  peersKey: 'from' | 'to',
): NetworkPolicyRule[] | undefined {
  const path = ['spec', direction];
  const raw = d.list(path);
  if (raw === undefined) return undefined;
  return raw.map((_, i) => {
    const rp = [...path, i];
    d.knownKeys(rp, [peersKey, 'ports']);
    if (d.has(rp) && d.object(rp) === undefined) return {};
    const peersRaw = d.list([...rp, peersKey]);
    const portsRaw = d.list([...rp, 'ports']);
    const peers = peersRaw?.map((_, j) => decodePeer(d, [...rp, peersKey, j]));
    const ports = portsRaw?.map((_, j) => decodePort(d, [...rp, 'ports', j]));
    return { ...(peers !== undefined ? { peers } : {}), ...(ports !== undefined ? { ports } : {}) };
  });
}

function decodePeer(d: Decoder, path: FieldPath): NetworkPolicyPeer {
  d.knownKeys(path, PEER_KEYS);
  if (d.object(path, true) === undefined) return {};
  const podSelector = d.has([...path, 'podSelector'])
    ? decodeSelector(d, [...path, 'podSelector'])
    : undefined;
  const namespaceSelector = d.has([...path, 'namespaceSelector'])
    ? decodeSelector(d, [...path, 'namespaceSelector'])
    : undefined;
  const ipBlock = d.has([...path, 'ipBlock']) ? decodeIPBlock(d, [...path, 'ipBlock']) : undefined;
  const count = [podSelector, namespaceSelector, d.has([...path, 'ipBlock']) ? true : undefined].filter(
    (x) => x !== undefined,
  ).length;
  // ValidateNetworkPolicyPeer: "must specify a peer" / "may not specify both ipBlock and another peer".
  if (count === 0) {
    d.fail(
      path,
      'PODNET_INVALID_PEER',
      'must specify a peer: podSelector, namespaceSelector or ipBlock',
      'to allow every peer, leave out `from`/`to` entirely; `- {}` is not a peer',
    );
  } else if (count > 1 && d.has([...path, 'ipBlock'])) {
    d.fail(
      path,
      'PODNET_INVALID_PEER',
      'may not specify both ipBlock and another peer',
      'split it into two list items (`- ipBlock: …` and `- podSelector: …`): peers in one list are ORed',
    );
  }
  return {
    ...(podSelector !== undefined ? { podSelector } : {}),
    ...(namespaceSelector !== undefined ? { namespaceSelector } : {}),
    ...(ipBlock !== undefined ? { ipBlock } : {}),
  };
}

function decodeIPBlock(d: Decoder, path: FieldPath): IPBlock | undefined {
  d.knownKeys(path, ['cidr', 'except']);
  if (d.object(path) === undefined) return undefined;
  const cidr = d.string([...path, 'cidr']);
  if (cidr === undefined || cidr === '') {
    if (cidr === '' || !d.has([...path, 'cidr'])) {
      d.fail(
        [...path, 'cidr'],
        'PODNET_FIELD_REQUIRED',
        'required value is missing',
        'write a CIDR such as `10.0.0.0/16`',
      );
    }
    return undefined;
  }
  const parsed = parseCidr(cidr);
  if (parsed === undefined) {
    d.fail(
      [...path, 'cidr'],
      'PODNET_INVALID_CIDR',
      `${quoteValue(cidr)} is not a valid CIDR`,
      'write an address and a prefix length, e.g. 10.9.8.0/24 or 2001:db8::/64',
    );
  }
  const exceptRaw = d.list([...path, 'except']);
  const except: string[] = [];
  exceptRaw?.forEach((_, i) => {
    const ep = [...path, 'except', i];
    const e = d.string(ep);
    if (e === undefined) return;
    except.push(e);
    const pe = parseCidr(e);
    if (pe === undefined) {
      d.fail(
        ep,
        'PODNET_INVALID_CIDR',
        `${quoteValue(e)} is not a valid CIDR`,
        'write an address and a prefix length, e.g. 10.9.8.0/24',
      );
      return;
    }
    if (parsed !== undefined && !isStrictSubset(pe, parsed)) {
      d.fail(
        ep,
        'PODNET_EXCEPT_OUTSIDE_CIDR',
        `${quoteValue(e)} must be a strict subset of cidr ${quoteValue(cidr)}`,
        'an except range must lie inside cidr and be smaller than it; remove it or widen cidr',
      );
    }
  });
  return { cidr, ...(exceptRaw !== undefined ? { except } : {}) };
}

function decodePort(d: Decoder, path: FieldPath): NetworkPolicyPort {
  d.knownKeys(path, PORT_KEYS);
  if (d.has(path)) d.object(path);
  const protocol = decodeProtocol(d, [...path, 'protocol']);
  const port = d.intOrString([...path, 'port']);
  const endPort = d.integer([...path, 'endPort']);
  if (typeof port === 'number') {
    for (const p of portNumberProblems(port))
      d.fail([...path, 'port'], 'PODNET_INVALID_PORT', `${port} ${p}`);
    if (endPort !== undefined) {
      if (endPort < port) {
        d.fail(
          [...path, 'endPort'],
          'PODNET_INVALID_END_PORT',
          `endPort ${endPort} must be greater than or equal to port ${port}`,
          'endPort is the inclusive upper end of the range starting at port',
        );
      }
      for (const p of portNumberProblems(endPort))
        d.fail([...path, 'endPort'], 'PODNET_INVALID_PORT', `${endPort} ${p}`);
    }
  } else if (typeof port === 'string') {
    if (endPort !== undefined) {
      d.fail(
        [...path, 'endPort'],
        'PODNET_INVALID_END_PORT',
        'endPort may not be specified when port is non-numeric',
        'a port range needs a numeric port; list the named ports one by one instead',
      );
    }
    for (const p of portNameProblems(port)) {
      d.fail(
        [...path, 'port'],
        'PODNET_INVALID_PORT',
        `${quoteValue(port)} is not a valid named port (IANA_SVC_NAME): ${p}`,
        'use a port number without quotes, or the name of a container port such as `http`',
      );
    }
  } else if (endPort !== undefined) {
    d.fail(
      [...path, 'endPort'],
      'PODNET_INVALID_END_PORT',
      'endPort may not be specified when port is not specified',
      'add `port:` as the start of the range',
    );
  }
  return {
    protocol: defaultProtocol(protocol),
    ...(port !== undefined ? { port } : {}),
    ...(endPort !== undefined ? { endPort } : {}),
  };
}

/** TCP, UDP or SCTP; absent is undefined (the caller defaults it). */
export function decodeProtocol(d: Decoder, path: FieldPath): Protocol | undefined {
  const p = d.string(path);
  if (p === undefined) return undefined;
  if (!(PROTOCOLS as readonly string[]).includes(p)) {
    d.fail(
      path,
      'PODNET_INVALID_PROTOCOL',
      `unsupported protocol ${quoteValue(p)}`,
      'use TCP, UDP or SCTP (upper case)',
    );
    return undefined;
  }
  return p as Protocol;
}
