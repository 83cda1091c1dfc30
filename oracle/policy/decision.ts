/**
 * What the policy oracle answers: a probe, its verdict, and the explanation behind it
 * (structured for reports, plus plain-word lines for people).
 */
import type { ObjectKey, Protocol } from '../../spec/model.ts';
import type { Verdict } from '../../spec/verdict.ts';

/** One new connection: from a pod to a pod (by its IP) or to a raw IP address. */
export interface PolicyProbe {
  readonly from: ObjectKey;
  readonly to: ObjectKey | { readonly ip: string };
  readonly port: number;
  readonly protocol: Protocol;
  /**
   * Which address family the connection uses, for a dual-stack pod: the source's and the destination pod's
   * addresses of that family are the ones ipBlocks are matched on. Absent: each pod's primary address
   * (`ips[0]`); for `to: {ip}` the family is that address's.
   */
  readonly family?: 4 | 6;
}

export type Direction = 'ingress' | 'egress';

/** A rule (and the peer and port entries in it) that matched the probe. Indices are 0-based. */
export interface RuleMatch {
  readonly policy: ObjectKey;
  readonly direction: Direction;
  readonly ruleIndex: number;
  /** Absent when the rule lists no peers (every peer matches). */
  readonly peerIndex?: number;
  /** Absent when the rule lists no ports (every port matches). */
  readonly portIndex?: number;
  /** The peer in plain words (`podSelector pod=b`), or `any peer`. */
  readonly peer: string;
  /** The port in plain words (`port 80/TCP`), or `any port`. */
  readonly port: string;
  /** Set when the match rests on a feature the profile says the target does not support. */
  readonly unsupported?: 'endPort' | 'namedPorts';
}

/** Why one rule of an isolating policy did not match. */
export interface RuleMiss {
  readonly policy: ObjectKey;
  readonly direction: Direction;
  readonly ruleIndex: number;
  readonly reason: 'peer' | 'port' | 'peer-and-port';
  /** Plain words: which peers and ports were tried. */
  readonly detail: string;
}

/** How one direction (egress of the source, ingress of the destination) judged the probe. */
export interface DirectionExplanation {
  readonly direction: Direction;
  /** The pod whose isolation is judged: the source for egress, the destination for ingress. */
  readonly subject: ObjectKey;
  /** Policies that select the subject and list this direction in policyTypes. Empty: not isolated. */
  readonly isolatedBy: readonly ObjectKey[];
  readonly outcome: 'not-isolated' | 'allow' | 'deny' | 'undefined';
  readonly allowedBy: readonly RuleMatch[];
  /** Matches that depend on an unsupported feature (they make the outcome `undefined` when nothing else allows). */
  readonly undecidedBy: readonly RuleMatch[];
  readonly misses: readonly RuleMiss[];
}

/** A verdict decided before any policy was read. */
export type ShortCircuit = 'loopback' | 'hostNetwork' | 'unsupported-sctp' | 'unsupported-ipv6';

export interface Explanation {
  /** `ns/pod -> ns/pod 80/TCP`. */
  readonly summary: string;
  readonly verdict: Verdict;
  readonly shortCircuit?: ShortCircuit;
  readonly egress?: DirectionExplanation;
  /** Absent when the destination is outside the cluster (only the source's egress applies). */
  readonly ingress?: DirectionExplanation;
  /** The explanation in plain words, one reason per line. */
  readonly lines: readonly string[];
}

export interface Decision {
  readonly verdict: Verdict;
  readonly explanation: Explanation;
}

/** One cell of a predicted truth table. */
export interface PredictionRow {
  readonly from: ObjectKey;
  readonly to: ObjectKey;
  readonly port: number;
  readonly protocol: Protocol;
  readonly verdict: Verdict;
}
