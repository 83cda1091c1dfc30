/**
 * The effective net-conf as `podnet flannel validate` shows it: the flannel release it was read as,
 * flannel's field names, defaults filled in, and the subnet parameters only where the subnet manager uses
 * them (etcd; kube takes node podCIDRs).
 */
import type { EffectiveNetConf } from '../../spec/flannelExpectation.ts';

export interface NetConfSummary {
  readonly valid: true;
  /** The flannel release the file was read as. */
  readonly flannelVersion: string;
  readonly subnetManager: EffectiveNetConf['subnetManager'];
  readonly backend: string;
  /** True when Backend was absent and flannel's code fell back to udp. */
  readonly backendDefaulted: boolean;
  /** Present when backendDefaulted: flannel's code says udp, its docs say vxlan. */
  readonly backendDefaultNote?: string;
  readonly backendOptions: Readonly<Record<string, number | boolean>>;
  readonly enableIPv4: boolean;
  readonly enableIPv6: boolean;
  readonly enableNFTables: boolean;
  readonly network?: string;
  readonly ipv6Network?: string;
  readonly subnetLen?: number;
  readonly subnetMin?: string;
  readonly subnetMax?: string;
  readonly subnetCount?: number;
  readonly ipv6SubnetLen?: number;
  readonly ipv6SubnetMin?: string;
  readonly ipv6SubnetMax?: string;
  readonly notes: readonly string[];
}

/** The summary object (JSON output) of an effective config. */
export function netConfSummary(config: EffectiveNetConf): NetConfSummary {
  const { type, ...options } = config.backend;
  const defaultNote = config.backendDefaulted
    ? config.notes.find((n) => n.startsWith('Backend is absent'))
    : undefined;
  const optional = <K extends keyof EffectiveNetConf>(key: K) =>
    config[key] !== undefined ? { [key]: config[key] } : {};
  return {
    valid: true,
    flannelVersion: config.flannelVersion,
    subnetManager: config.subnetManager,
    backend: type,
    backendDefaulted: config.backendDefaulted,
    ...(defaultNote ? { backendDefaultNote: defaultNote } : {}),
    backendOptions: options as Record<string, number | boolean>,
    enableIPv4: config.enableIPv4,
    enableIPv6: config.enableIPv6,
    enableNFTables: config.enableNFTables,
    ...optional('network'),
    ...optional('ipv6Network'),
    ...optional('subnetLen'),
    ...optional('subnetMin'),
    ...optional('subnetMax'),
    ...optional('subnetCount'),
    ...optional('ipv6SubnetLen'),
    ...optional('ipv6SubnetMin'),
    ...optional('ipv6SubnetMax'),
    notes: config.notes,
  };
}

/** The summary as aligned text lines. */
export function netConfSummaryLines(summary: NetConfSummary): string[] {
  const rows: [string, string][] = [
    [
      'Backend',
      summary.backendDefaulted
        ? `${summary.backend} (Backend is absent: flannel's code defaults to udp, although its docs say vxlan)`
        : summary.backend,
    ],
  ];
  for (const [k, v] of Object.entries(summary.backendOptions)) rows.push([`  ${k}`, String(v)]);
  const add = (label: string, value: unknown) => {
    if (value !== undefined) rows.push([label, String(value)]);
  };
  add('Network', summary.network);
  add('IPv6Network', summary.ipv6Network);
  add('EnableIPv4', summary.enableIPv4);
  add('EnableIPv6', summary.enableIPv6);
  add('EnableNFTables', summary.enableNFTables);
  add('SubnetLen', summary.subnetLen);
  add('SubnetMin', summary.subnetMin);
  add('SubnetMax', summary.subnetMax);
  add('subnets', summary.subnetCount);
  add('IPv6SubnetLen', summary.ipv6SubnetLen);
  add('IPv6SubnetMin', summary.ipv6SubnetMin);
  add('IPv6SubnetMax', summary.ipv6SubnetMax);
  const width = Math.max(...rows.map(([l]) => l.length));
  const lines = rows.map(([l, v]) => `  ${l.padEnd(width)}  ${v}`);
  if (summary.notes.length > 0) lines.push('', 'notes:', ...summary.notes.map((n) => `  - ${n}`));
  return lines;
}
