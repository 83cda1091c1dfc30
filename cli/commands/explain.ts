/** `podnet explain`: the verdict of one probe and its reasons in plain words. */

import { compileFast, parseIP, profileLine } from '../../oracle/policy/index.ts';
import { PodnetInputError } from '../../spec/errors.ts';
import { loadClusterFromPaths } from '../../spec/manifests/load.ts';
import { loadProfile } from '../../spec/manifests/profileFile.ts';
import type { Protocol } from '../../spec/model.ts';
import { parseCommandArgs, stringListOption, stringOption } from '../args.ts';
import type { CliIO } from '../io.ts';

const HELP = `Usage: podnet explain -f PATH... --from NS/POD --to NS/POD|IP --port N[/PROTO] [--profile FILE]

Prints the verdict of a new connection from a pod to a pod (or to an IP address) and why: which
policies isolate each end, and which policy, rule, peer and port allowed it, or why none did.

Options:
  -f, --filename PATH   manifest file or directory; repeatable
  --from NS/POD         the source pod
  --to NS/POD|IP        the destination pod, or an address (outside the pods: only egress applies)
  --port N[/PROTO]      destination port and protocol (TCP, UDP or SCTP; default TCP), e.g. 6379/TCP
  --profile FILE        semantic profile overriding the defaults
`;

function required(value: string | undefined, name: string, example: string): string {
  if (value === undefined || value === '') {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--${name} is required`,
      {},
      `for example \`--${name} ${example}\``,
    );
  }
  return value;
}

/** `80`, `80/udp` → port and protocol. */
export function parsePortOption(text: string): { port: number; protocol: Protocol } {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/i.exec(text);
  const port = m ? Number(m[1]) : Number.NaN;
  if (!m || port < 1 || port > 65535) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--port must be a port number 1-65535 with an optional /TCP, /UDP or /SCTP, got "${text}"`,
      {},
      'for example `--port 6379/TCP`',
    );
  }
  return { port, protocol: (m[2]?.toUpperCase() ?? 'TCP') as Protocol };
}

function podKey(text: string, name: string): string {
  if (!/^[^/\s]+\/[^/\s]+$/.test(text)) {
    throw new PodnetInputError(
      'PODNET_BAD_ARGUMENT',
      `--${name} must be NAMESPACE/POD${name === 'to' ? ' or an IP address' : ''}, got "${text}"`,
      {},
      'for example `default/frontend`',
    );
  }
  return text;
}

export async function run(argv: readonly string[], io: CliIO): Promise<number> {
  const args = parseCommandArgs('explain', argv, {
    filename: { type: 'string', short: 'f', multiple: true },
    profile: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    port: { type: 'string' },
  });
  if (args.values.help === true) {
    io.stdout(HELP);
    return 0;
  }
  const from = podKey(required(stringOption(args, 'from'), 'from', 'default/frontend'), 'from');
  const toText = required(stringOption(args, 'to'), 'to', 'default/db-0');
  const to = parseIP(toText) ? { ip: toText } : podKey(toText, 'to');
  const { port, protocol } = parsePortOption(required(stringOption(args, 'port'), 'port', '6379/TCP'));
  const profile = loadProfile(stringOption(args, 'profile'));
  const cluster = await loadClusterFromPaths(stringListOption(args, 'filename'));
  const decision = compileFast(cluster, profile).explain({ from, to, port, protocol });
  io.stdout(`${decision.explanation.lines.join('\n')}\n${profileLine(profile)}\n`);
  return 0;
}
