/**
 * Classifies what `agnhost connect` printed. Its messages (test/images/agnhost/connect/connect.go,
 * kubernetes/kubernetes @ a0d8ee7) start with a fixed prefix: exit 0 and no output when connected;
 * `TIMEOUT` (TCP: bare `TIMEOUT`; UDP: `TIMEOUT: <err>`), `REFUSED` (TCP bare; UDP `REFUSED: <err>`),
 * `DNS: <err>`, `OTHER: <err>` (e.g. `dial tcp 10.0.0.1:80: connect: no route to host`), `UNKNOWN: <err>`.
 * Drop versus reject is TIMEOUT versus REFUSED. An ICMP reject that surfaces as "no route to host"
 * (iptables `REJECT --reject-with icmp-host-prohibited`) is a reject too, as the lab's agent counts it.
 * Everything else (DNS, UNKNOWN, an unknown OTHER, a UDP server that sent zero bytes) says nothing about
 * the network's verdict and is `error`: inconclusive, retried, never a block.
 */
import type { ProbeOutcome } from '../../spec/verdict.ts';

type AgnhostClass = 'connected' | 'REFUSED' | 'TIMEOUT' | 'DNS' | 'OTHER' | 'UNKNOWN' | 'unparsed';

/** Errno texts (Go's syscall strings) of an active network-level rejection. */
const REJECT_TEXTS = [
  'no route to host',
  'network is unreachable',
  'host is down',
  'network is down',
  'connection refused',
];

export interface ConnectClassification {
  readonly agnhost: AgnhostClass;
  readonly outcome: ProbeOutcome;
  readonly detail?: string;
}

/** `exitCode` and combined output of one `agnhost connect`. */
export function classifyConnect(exitCode: number, output: string): ConnectClassification {
  const text = output.trim();
  if (exitCode === 0) return { agnhost: 'connected', outcome: 'connected' };
  const m = /^(TIMEOUT|REFUSED|DNS|OTHER|UNKNOWN)\b:?\s*(.*)$/s.exec(text);
  if (!m) {
    return {
      agnhost: 'unparsed',
      outcome: 'error',
      detail: `agnhost connect exited ${exitCode}${text ? `: ${text}` : ' without output'}`,
    };
  }
  const prefix = m[1] as 'TIMEOUT' | 'REFUSED' | 'DNS' | 'OTHER' | 'UNKNOWN';
  const rest = (m[2] ?? '').trim();
  switch (prefix) {
    case 'TIMEOUT':
      return { agnhost: prefix, outcome: 'timeout', ...(rest ? { detail: rest } : {}) };
    case 'REFUSED':
      return { agnhost: prefix, outcome: 'refused', ...(rest ? { detail: rest } : {}) };
    case 'OTHER': {
      const lower = rest.toLowerCase();
      if (REJECT_TEXTS.some((t) => lower.includes(t)))
        return { agnhost: prefix, outcome: 'refused', detail: rest };
      return { agnhost: prefix, outcome: 'error', detail: `OTHER: ${rest}` };
    }
    default:
      return { agnhost: prefix, outcome: 'error', detail: `${prefix}: ${rest}` };
  }
}

/** What a reply probe (`r` mode) saw: connected with the server's answer, or why not. */
export interface ReplyClassification {
  readonly outcome: ProbeOutcome;
  /** The server's answer (connected only; may be empty when a TCP server sent nothing). */
  readonly reply?: string;
  readonly detail?: string;
}

/** netcat-openbsd's `-v` line on a TCP connect (netcat.c: "Connection to %s %s port [%s/%s] succeeded!"). */
const NC_CONNECTED = /^Connection to \S+ \d+ port \[[^\]]*\] succeeded!\s*/;

/**
 * Classifies one reply probe from its single connection: `nc -v` (TCP) prints its connect line and the
 * answer, or on failure `connect to … failed: Connection refused` / `… timed out: Operation now in
 * progress` (netcat-openbsd netcat.c, timeout_connect). UDP has no connection to fail: an answer is
 * connected, none is a timeout, as agnhost connect requires ≥1 byte back over UDP (connect.go).
 */
export function classifyReply(exitCode: number, output: string, protocol: string): ReplyClassification {
  const text = output.trim();
  if (protocol.toUpperCase() === 'UDP') {
    if (exitCode === 0 && text !== '') return { outcome: 'connected', reply: text };
    return text === ''
      ? { outcome: 'timeout', detail: 'no UDP answer within the wait' }
      : { outcome: 'error', detail: `nc exited ${exitCode}: ${text}` };
  }
  if (exitCode === 0) return { outcome: 'connected', reply: text.replace(NC_CONNECTED, '').trim() };
  const lower = text.toLowerCase();
  if (lower.includes('timed out')) return { outcome: 'timeout', detail: text };
  if (REJECT_TEXTS.some((t) => lower.includes(t))) return { outcome: 'refused', detail: text };
  return { outcome: 'error', detail: `nc exited ${exitCode}${text ? `: ${text}` : ' without output'}` };
}
