/**
 * The batched probe: ONE `kubectl exec` per source pod runs a small POSIX-sh script (busybox ash in
 * agnhost's image) that fans out all of that pod's probes concurrently and prints one line per probe.
 *
 * Nothing from the scenario is ever spliced into the script text: the script is a constant, and the
 * probes travel as positional arguments (`sh -c SCRIPT podnet-probe AGNHOST NC TIMEOUT WAIT PAR id host
 * port proto mode …`), each one argv entry, and are validated before they are passed.
 *
 * Modes: `c` runs `agnhost connect` (the verdict: connected, REFUSED, TIMEOUT, DNS, OTHER); `r` reads the
 * server's reply (`nc`; serve-hostname answers with the pod's hostname, which names the backend that
 * answered) and is classified from that one connection alone (classifyReply): a second connection to
 * tell refused from timeout would be a second balancing decision when the host is a ClusterIP, and could
 * reach another backend than the first (the lab API found this: the lb area counted a refused first
 * connection as served by whichever backend the second one reached).
 *
 * Output lines: `PODNET<TAB>id<TAB>exit<TAB>c|r<TAB>text` (tabs and newlines in text become spaces), then
 * `PODNET-END<TAB>count`. A missing line or end marker means the exec broke: those probes are `error`.
 */
import { PodnetTargetError } from '../../spec/errors.ts';
import { PROTOCOLS, type Protocol } from '../../spec/model.ts';

export type ProbeMode = 'c' | 'r';

export interface ScriptProbe {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly protocol: Protocol;
  readonly mode: ProbeMode;
}

export interface ScriptSettings {
  /** Path of agnhost inside the pod (`/agnhost`). */
  readonly agnhost: string;
  /** The netcat used for replies (`nc`: netcat-openbsd in agnhost's image). */
  readonly nc: string;
  /** Per-probe connect timeout. */
  readonly timeoutMs: number;
  /** Probes in flight inside the pod at once. */
  readonly parallel: number;
}

/**
 * `one ID HOST PORT PROTO MODE`: one probe, one output line. Reads `$A` (agnhost), `$N` (netcat), `$T`
 * (agnhost's timeout) and `$W` (netcat's wait) set by the script around it. `flat` turns tabs, newlines
 * and carriage returns in the answer `$o` into blanks, forking `tr` only when there is one (most answers
 * are empty or one line: a process less per probe).
 */
const ONE_PROBE = `TB=$(printf '\\t'); CR=$(printf '\\r'); NL='
'
flat() {
  case "$o" in *"$TB"*|*"$NL"*|*"$CR"*) o=$(printf '%s' "$o" | tr '\\t\\n\\r' '   ') ;; esac
}
one() {
  case "$2" in *:*) d="[$2]:$3" ;; *) d="$2:$3" ;; esac
  if [ "$5" = r ]; then
    if [ "$4" = udp ]; then o=$(printf 'hostname\\n' | "$N" -u -w "$W" "$2" "$3" 2>&1)
    else o=$("$N" -v -w "$W" "$2" "$3" </dev/null 2>&1); fi
    c=$?
    flat
    printf 'PODNET\\t%s\\t%s\\tr\\t%s\\n' "$1" "$c" "$o"
    return
  fi
  o=$("$A" connect "$d" --timeout="$T" --protocol="$4" 2>&1); c=$?
  flat
  printf 'PODNET\\t%s\\t%s\\tc\\t%s\\n' "$1" "$c" "$o"
}
`;

/** Runs the probes in `$@` (groups of five), `$P` at once, then prints the end marker with `$n` and `$1`. */
const FAN_OUT = `n=0; k=0
while [ "$#" -ge 5 ]; do
  one "$1" "$2" "$3" "$4" "$5" &
  shift 5; n=$((n+1)); k=$((k+1))
  if [ "$k" -ge "$P" ]; then wait; k=0; fi
done
wait
`;

/** The constant script. `$1..$5` are settings; then groups of five describe the probes. */
export const PROBE_SCRIPT = `A="$1"; N="$2"; T="$3"; W="$4"; P="$5"; shift 5
${ONE_PROBE}${FAN_OUT}printf 'PODNET-END\\t%s\\n' "$n"
`;

/**
 * The session script (probeSessions.ts): one long-lived `kubectl exec -i` per source pod reads one batch
 * per stdin line, `BATCH T W P id host port proto mode …`, runs it like PROBE_SCRIPT and ends it with
 * `PODNET-END<TAB>count<TAB>BATCH`. The line's words are split by the shell with globbing off (`set -f`)
 * and only ever used as quoted arguments; every word is checked before it is written (sessionLine).
 */
export const SESSION_SCRIPT = `set -f; A="$1"; N="$2"
${ONE_PROBE}while read -r b T W P rest; do
  set -- $rest
${FAN_OUT}  printf 'PODNET-END\\t%s\\t%s\\n' "$n" "$b"
done
`;

const ID = /^[A-Za-z0-9_.:-]{1,64}$/;
const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;

/** Throws unless the probe is safe and meaningful as script arguments (ids, IP literals, ports). */
function checkScriptProbe(p: ScriptProbe): void {
  const bad = (what: string) =>
    new PodnetTargetError('PODNET_KUBE_BAD_PROBE', `probe ${JSON.stringify(p.id)}: ${what}`);
  if (!ID.test(p.id)) throw bad('the id must be 1-64 characters of [A-Za-z0-9_.:-]');
  if (!IPV4.test(p.host) && !(p.host.includes(':') && IPV6.test(p.host)))
    throw bad(`host "${p.host}" is not an IP address`);
  if (!Number.isInteger(p.port) || p.port < 1 || p.port > 65535) throw bad(`port ${p.port} is out of range`);
  if (!PROTOCOLS.includes(p.protocol))
    throw bad(`protocol ${JSON.stringify(p.protocol)} is not TCP, UDP or SCTP`);
  if (p.mode !== 'c' && p.mode !== 'r') throw bad(`mode ${JSON.stringify(p.mode)} is not c or r`);
}

/** agnhost's `--timeout` takes a Go duration; netcat's `-w` whole seconds (at least 1). */
export function timeoutArgs(timeoutMs: number): { agnhost: string; ncWait: string } {
  const ms = Math.max(1, Math.round(timeoutMs));
  return { agnhost: `${ms}ms`, ncWait: String(Math.max(1, Math.ceil(ms / 1000))) };
}

/** The argv that runs the batch inside a pod: `/bin/sh -c SCRIPT podnet-probe settings… probes…`. */
export function probeScriptArgv(probes: readonly ScriptProbe[], settings: ScriptSettings): string[] {
  const t = timeoutArgs(settings.timeoutMs);
  const argv = [
    '/bin/sh',
    '-c',
    PROBE_SCRIPT,
    'podnet-probe',
    settings.agnhost,
    settings.nc,
    t.agnhost,
    t.ncWait,
    String(Math.max(1, settings.parallel)),
  ];
  for (const p of probes) {
    checkScriptProbe(p);
    argv.push(p.id, p.host, String(p.port), p.protocol.toLowerCase(), p.mode);
  }
  return argv;
}

/**
 * The stdin line that runs `probes` as batch `batch` in a session (SESSION_SCRIPT), newline-terminated.
 * Every word is checked (checkScriptProbe, and the settings are numbers), so no word holds a blank, a
 * newline or a glob character.
 */
export function sessionLine(
  batch: number,
  probes: readonly ScriptProbe[],
  settings: Omit<ScriptSettings, 'agnhost' | 'nc'>,
): string {
  if (!Number.isSafeInteger(batch) || batch < 0)
    throw new PodnetTargetError('PODNET_KUBE_BAD_PROBE', `batch number ${batch} is not a natural number`);
  const t = timeoutArgs(settings.timeoutMs);
  const words = [String(batch), t.agnhost, t.ncWait, String(Math.max(1, Math.floor(settings.parallel)))];
  for (const p of probes) {
    checkScriptProbe(p);
    words.push(p.id, p.host, String(p.port), p.protocol.toLowerCase(), p.mode);
  }
  return `${words.join(' ')}\n`;
}

/** One parsed output line. */
interface ScriptLine {
  readonly id: string;
  readonly exitCode: number;
  readonly kind: 'c' | 'r';
  readonly text: string;
}

export interface ParsedScriptOutput {
  readonly lines: ReadonlyMap<string, ScriptLine>;
  /** The count in the end marker; undefined when the marker is missing (the exec was cut short). */
  readonly endCount?: number;
  /** Lines that were neither a probe line nor the end marker. */
  readonly noise: readonly string[];
}

/** Parses the batch's stdout; tolerant of noise (a shell's warnings) and of a missing end marker. */
export function parseScriptOutput(stdout: string): ParsedScriptOutput {
  const lines = new Map<string, ScriptLine>();
  const noise: string[] = [];
  let endCount: number | undefined;
  for (const raw of stdout.split('\n')) {
    const line = raw.replace(/\r$/, '');
    if (line === '') continue;
    const parts = line.split('\t');
    if (parts[0] === 'PODNET' && parts.length >= 5) {
      const [, id, code, kind] = parts;
      const exitCode = Number(code);
      if (id !== undefined && Number.isInteger(exitCode) && (kind === 'c' || kind === 'r')) {
        lines.set(id, { id, exitCode, kind, text: parts.slice(4).join(' ').trim() });
        continue;
      }
    }
    if (parts[0] === 'PODNET-END' && parts[1] !== undefined && /^\d+$/.test(parts[1])) {
      endCount = Number(parts[1]);
      continue;
    }
    noise.push(line);
  }
  return { lines, ...(endCount !== undefined ? { endCount } : {}), noise };
}
