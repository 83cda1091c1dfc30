/**
 * The explanation of a decision in plain words: the verdict, which policies isolate each end, which
 * policy/rule/peer/port allowed each direction, or why every candidate rule failed.
 */
import type { DirectionExplanation, Explanation, RuleMatch, ShortCircuit } from './decision.ts';

const SHORT_CIRCUIT_WORDS: Readonly<Record<ShortCircuit, string>> = {
  loopback: 'a pod connecting to itself: NetworkPolicy leaves this to the implementation (profile loopback)',
  hostNetwork: 'a hostNetwork pod on one end: NetworkPolicy leaves this undefined (profile hostNetwork)',
  'unsupported-sctp': 'SCTP: the profile says the target does not support it (profile support.sctp)',
  'unsupported-ipv6': 'IPv6 address: the profile says the target does not support it (profile support.ipv6)',
};

/** `x/allow-b ingress rule 1, peer 1 (podSelector pod=b in namespace x), port 80/TCP`; indices 1-based. */
function describeMatch(m: RuleMatch): string {
  const peer = m.peerIndex === undefined ? m.peer : `peer ${m.peerIndex + 1} (${m.peer})`;
  return `${m.policy} ${m.direction} rule ${m.ruleIndex + 1}, ${peer}, ${m.port}`;
}

function directionLines(d: DirectionExplanation, probeText: string, peerName: string): string[] {
  const head = d.direction === 'ingress' ? `ingress to ${d.subject}` : `egress from ${d.subject}`;
  const type = d.direction === 'ingress' ? 'Ingress' : 'Egress';
  if (d.outcome === 'not-isolated') {
    return [`${head}: not isolated (no NetworkPolicy selects it with policyTypes ${type}), so allowed`];
  }
  const lines = [`${head}: isolated by ${d.isolatedBy.join(', ')} (policyTypes ${type})`];
  for (const m of d.allowedBy) lines.push(`${head}: allowed by ${describeMatch(m)}`);
  if (d.outcome === 'undefined') {
    for (const m of d.undecidedBy)
      lines.push(
        `${head}: undefined: only ${describeMatch(m)} would allow it, and the target does not support ${m.unsupported}`,
      );
  }
  if (d.outcome === 'deny') {
    const rules = d.misses.length;
    lines.push(
      rules === 0
        ? `${head}: denied: the isolating policies have no ${d.direction} rule, so nothing is allowed`
        : `${head}: denied: no rule allows ${peerName} on ${probeText}`,
    );
    for (const miss of d.misses) {
      const why =
        miss.reason === 'peer'
          ? 'peer mismatch'
          : miss.reason === 'port'
            ? 'port mismatch'
            : 'peer and port mismatch';
      lines.push(`  ${miss.policy} ${miss.direction} rule ${miss.ruleIndex + 1}: ${why}: ${miss.detail}`);
    }
  }
  return lines;
}

/** Plain-word lines for a structured explanation. */
export function explanationLines(e: Omit<Explanation, 'lines'>): string[] {
  const lines = [`verdict: ${e.verdict} (${e.summary})`];
  if (e.shortCircuit) {
    lines.push(`${e.verdict}: ${SHORT_CIRCUIT_WORDS[e.shortCircuit]}`);
    return lines;
  }
  const [from = '', rest = ''] = e.summary.split(' -> ');
  const to = rest.split(' ')[0] ?? '';
  const probeText = rest.split(' ')[1] ?? '';
  if (e.egress) lines.push(...directionLines(e.egress, probeText, to));
  if (e.ingress) lines.push(...directionLines(e.ingress, probeText, from));
  else lines.push(`ingress: ${to} is not a pod of the cluster, so only the egress of ${from} applies`);
  return lines;
}
