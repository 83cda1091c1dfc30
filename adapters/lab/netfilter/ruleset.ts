/**
 * What the netfilter agents compile a node view into: user chains (rules as argument arrays, as
 * iptables-restore reads them), ipsets, and the jumps from built-in chains. Pure data; `restoreScript.ts`
 * turns it into iptables-restore / ipset-restore text.
 */

export type Table = 'filter' | 'nat';

export interface Chain {
  readonly table: Table;
  readonly name: string;
  /** Each rule's arguments after `-A <name>`, e.g. `['-s', '10.0.0.1/32', '-j', 'RETURN']`. */
  readonly rules: readonly (readonly string[])[];
}

export interface IpSetEntry {
  /** An address (`hash:ip`) or a CIDR (`hash:net`). */
  readonly entry: string;
  /** `hash:net` only: a more specific entry that does not match (ipBlock `except`). */
  readonly nomatch?: boolean;
}

export interface IpSet {
  readonly name: string;
  readonly type: 'hash:ip' | 'hash:net';
  readonly entries: readonly IpSetEntry[];
  /** 6: an IPv6 set (`family inet6`); absent: IPv4 (`family inet`). */
  readonly family?: 6;
}

/** A jump that must be the first rule of a built-in chain. */
export interface Hook {
  readonly table: Table;
  readonly builtin: 'PREROUTING' | 'INPUT' | 'FORWARD' | 'OUTPUT' | 'POSTROUTING';
  readonly target: string;
}

export interface Ruleset {
  readonly chains: readonly Chain[];
  readonly sets: readonly IpSet[];
  readonly hooks: readonly Hook[];
}

/** Rule arguments for a `-m comment` (text limited to characters iptables-restore reads unquoted-safe). */
export function comment(text: string): string[] {
  return ['-m', 'comment', '--comment', text.replace(/[^A-Za-z0-9 ./:_\-[\]=,>]/g, '_').slice(0, 250)];
}
