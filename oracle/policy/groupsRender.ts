/**
 * `podnet predict --format groups` (a table for people, refused past the size where it stops being read)
 * and `--format groups-json` (every class and connection, streamed in chunks).
 */
import { PodnetInputError } from '../../spec/errors.ts';
import type { Cluster } from '../../spec/model.ts';
import type { SemanticProfile } from '../../spec/profile.ts';
import { classPodKeys, type PodClass } from './classes.ts';
import type { PortProtocol } from './declaredPorts.ts';
import type { ClassConnection, PolicyGroups } from './groups.ts';
import { profileLine } from './profileLine.ts';

/** The most connections the table lists; past it, the hint points to groups-json and summary. */
const GROUPS_TABLE_LIMIT = 500;
/** How many member pods the table names per class. */
const NAMED_MEMBERS = 3;

const portText = (t: PortProtocol) => `${t.protocol}/${t.port}`;
const podsText = (c: PodClass) => `${c.members.length} pod${c.members.length === 1 ? '' : 's'}`;

function selfLine(groups: PolicyGroups): string {
  return groups.selfTraffic === 'policy'
    ? 'a pod to itself: decided by the policies, listed as "(each pod to itself)"'
    : `a pod to itself: ${groups.selfTraffic} for every pod (profile loopback=${groups.selfTraffic}), not listed`;
}

/** The groups as text: the classes with a few of their pods, then one line per connection. */
export function renderGroupsTable(
  cluster: Cluster,
  profile: SemanticProfile,
  groups: PolicyGroups,
  limit = GROUPS_TABLE_LIMIT,
): string {
  const connections: ClassConnection[] = [];
  let more = false;
  groups.forEachConnection((c) => {
    if (connections.length < limit) connections.push(c);
    else more = true;
  });
  if (more || groups.classes.length > limit) {
    throw new PodnetInputError(
      'PODNET_OUTPUT_TOO_LARGE',
      `the groups table would list more than ${limit} ${more ? 'connections' : 'groups'} (${groups.classes.length} groups of pods): too many to read`,
      {},
      '`--format summary` counts allowed and denied pairs per namespace pair and port; `--format groups-json` writes every group and connection',
    );
  }
  const out: string[] = [
    profileLine(profile),
    `${groups.classes.length} groups of pods the policies cannot tell apart; a group to itself means between two different pods of it`,
    selfLine(groups),
    'connections not listed are denied on every port; ? marks a port whose verdict is undefined (not judged)',
    '',
    'groups:',
  ];
  for (const c of groups.classes) {
    const named = classPodKeys(cluster, c, NAMED_MEMBERS).join(', ');
    const rest = c.members.length > NAMED_MEMBERS ? `, … ${c.members.length - NAMED_MEMBERS} more` : '';
    out.push(`  ${c.name} (${podsText(c)}): ${named}${rest}`);
  }
  out.push('', 'connections:');
  if (connections.length === 0) out.push('  none: every connection between pods is denied');
  for (const c of connections) {
    const ports = [...c.allowed.map(portText), ...c.undecided.map((t) => `?${portText(t)}`)].join(' ');
    const to = c.self ? '(each pod to itself)' : `${c.to.name} (${podsText(c.to)})`;
    out.push(`  ${c.from.name} (${podsText(c.from)}) => ${to} : ${ports}`);
  }
  return `${out.join('\n')}\n`;
}

/** About how many characters are gathered before each `write`. */
const CHUNK = 1 << 20;

/** `{"profile", "selfTraffic", "classes": [...], "connections": [...]}`, written in chunks. */
export function writeGroupsJson(
  cluster: Cluster,
  profile: SemanticProfile,
  groups: PolicyGroups,
  write: (text: string) => void,
  chunk = CHUNK,
): void {
  let buffer = `{\n  "profile": ${JSON.stringify(profile)},\n  "selfTraffic": ${JSON.stringify(groups.selfTraffic)},\n  "classes": [`;
  const push = (text: string) => {
    buffer += text;
    if (buffer.length >= chunk) {
      write(buffer);
      buffer = '';
    }
  };
  groups.classes.forEach((c, i) => {
    const entry = {
      id: c.id,
      name: c.name,
      namespace: c.namespace,
      labels: c.labels,
      hostNetwork: c.hostNetwork,
      ports: c.targets.map(portText),
      pods: classPodKeys(cluster, c),
    };
    push(`${i === 0 ? '' : ','}\n    ${JSON.stringify(entry)}`);
  });
  push(`${groups.classes.length === 0 ? '' : '\n  '}],\n  "connections": [`);
  let first = true;
  groups.forEachConnection((c) => {
    const entry = {
      from: c.from.id,
      to: c.to.id,
      ...(c.self ? { self: true } : {}),
      allowed: c.allowed.map(portText),
      undefined: c.undecided.map(portText),
      pairs: c.pairs,
    };
    push(`${first ? '' : ','}\n    ${JSON.stringify(entry)}`);
    first = false;
  });
  write(`${buffer}${first ? '' : '\n  '}]\n}\n`);
}
