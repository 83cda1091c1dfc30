/**
 * Turns a desired `Ruleset` and what a node holds now into the scripts that get it there:
 * `ipset restore` text creating the new sets, one `iptables-restore --noflush` script (each table a single
 * atomic transaction) that rewrites only chains whose rules changed, keeps each hook first in its built-in
 * chain, and deletes our chains that are no longer wanted; then `ipset restore` text destroying unused sets.
 * Untouched chains keep their `statistic nth` counters, so round-robin cycles survive unrelated changes.
 * Only PODNET-* chains and sets are ever touched. Pure.
 */
import { CHAIN_PREFIX, isIpsetOfFamily } from './names.ts';
import type { Chain, Ruleset, Table } from './ruleset.ts';

const TABLES: readonly Table[] = ['nat', 'filter'];

/** A node's current state, as read from `iptables-save` and `ipset list -n`. */
export interface NodeTables {
  /** Existing chains per table (all of them; built-ins included). */
  readonly chains: ReadonlyMap<Table, ReadonlySet<string>>;
  /** Rule lines of each chain, `table chain` → lines as iptables-save prints them (`-A FORWARD -j X`). */
  readonly rules: ReadonlyMap<string, readonly string[]>;
  readonly sets: ReadonlySet<string>;
}

export interface RestorePlan {
  /** `ipset restore` input creating and filling new sets ('' when none). */
  readonly ipsetCreate: string;
  /** `iptables-restore --noflush` input ('' when nothing changes). */
  readonly iptables: string;
  /** `ipset restore` input destroying our sets no longer referenced ('' when none). */
  readonly ipsetDestroy: string;
  /** What each of our chains holds after the plan ran: `table chain` → rendered rules. */
  readonly applied: ReadonlyMap<string, string>;
}

/** Parses `iptables-save` output (any tables it holds). */
export function parseIptablesSave(text: string): Pick<NodeTables, 'chains' | 'rules'> {
  const chains = new Map<Table, Set<string>>();
  const rules = new Map<string, string[]>();
  let table: Table | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line.startsWith('*')) {
      const name = line.slice(1);
      table = name === 'filter' || name === 'nat' ? name : undefined;
      if (table !== undefined && !chains.has(table)) chains.set(table, new Set());
    } else if (table === undefined) {
    } else if (line.startsWith(':')) {
      chains.get(table)?.add(line.slice(1).split(' ')[0] ?? '');
    } else if (line.startsWith('-A ')) {
      const chain = line.split(' ')[1] ?? '';
      const key = `${table} ${chain}`;
      rules.set(key, [...(rules.get(key) ?? []), line]);
    }
  }
  return { chains, rules };
}

/** Parses `ipset list -n`. */
export function parseIpsetNames(text: string): Set<string> {
  return new Set(
    text
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== ''),
  );
}

/** One rule line for iptables-restore; arguments with spaces are double-quoted. */
export function renderRule(chain: string, args: readonly string[]): string {
  const quoted = args.map((a) => (/[\s"]/.test(a) || a === '' ? `"${a.replace(/"/g, "'")}"` : a));
  return `-A ${chain} ${quoted.join(' ')}`;
}

function renderChain(chain: Chain): string {
  return chain.rules.map((r) => renderRule(chain.name, r)).join('\n');
}

function isOurs(name: string): boolean {
  return name.startsWith(CHAIN_PREFIX);
}

function jumpsTo(line: string, target: string): boolean {
  return line.split(' ').some((tok, i, all) => tok === target && all[i - 1] === '-j');
}

/**
 * Plans the scripts that take `current` to `desired`; `applied` is what the last successful plan wrote.
 * `family` 6 plans the ip6tables side: `current` is what ip6tables-save shows, and only IPv6 sets are its own.
 */
export function planRestore(
  desired: Ruleset,
  current: NodeTables,
  applied: ReadonlyMap<string, string> = new Map(),
  family: 4 | 6 = 4,
): RestorePlan {
  const nextApplied = new Map<string, string>();
  const blocks: string[] = [];
  for (const table of TABLES) {
    const existing = current.chains.get(table) ?? new Set<string>();
    const wanted = desired.chains.filter((c) => c.table === table);
    const wantedNames = new Set(wanted.map((c) => c.name));
    const declare: string[] = [];
    const body: string[] = [];
    for (const chain of wanted) {
      const key = `${table} ${chain.name}`;
      const text = renderChain(chain);
      nextApplied.set(key, text);
      if (existing.has(chain.name) && applied.get(key) === text) continue;
      // Declaring a chain in --noflush mode creates it, or flushes it when it exists.
      declare.push(`:${chain.name} - [0:0]`);
      if (text !== '') body.push(text);
    }
    for (const hook of desired.hooks.filter((h) => h.table === table)) {
      const lines = current.rules.get(`${table} ${hook.builtin}`) ?? [];
      const at = lines.flatMap((l, i) => (jumpsTo(l, hook.target) ? [i] : []));
      if (at.length === 1 && at[0] === 0) continue;
      // Delete by rule spec, not number: if another agent changed the chain meanwhile, the transaction
      // fails as a whole instead of deleting someone else's rule.
      for (const i of at) body.push(`-D ${(lines[i] ?? '').slice(3)}`);
      body.push(`-I ${hook.builtin} 1 -j ${hook.target}`);
    }
    const stale = [...existing].filter((n) => isOurs(n) && !wantedNames.has(n)).sort();
    for (const name of stale) body.push(`-F ${name}`);
    for (const name of stale) body.push(`-X ${name}`);
    if (declare.length + body.length > 0)
      blocks.push([`*${table}`, ...declare, ...body, 'COMMIT'].join('\n'));
  }
  const create: string[] = [];
  for (const set of desired.sets) {
    if (current.sets.has(set.name)) continue;
    create.push(`create ${set.name} ${set.type} family ${set.family === 6 ? 'inet6' : 'inet'}`);
    for (const e of set.entries) create.push(`add ${set.name} ${e.entry}${e.nomatch ? ' nomatch' : ''}`);
  }
  const wantedSets = new Set(desired.sets.map((s) => s.name));
  const destroy = [...current.sets]
    .filter((n) => isOurs(n) && isIpsetOfFamily(n, family) && !wantedSets.has(n))
    .sort()
    .map((n) => `destroy ${n}`);
  return {
    ipsetCreate: create.length > 0 ? `${create.join('\n')}\n` : '',
    iptables: blocks.length > 0 ? `${blocks.join('\n')}\n` : '',
    ipsetDestroy: destroy.length > 0 ? `${destroy.join('\n')}\n` : '',
    applied: nextApplied,
  };
}

/** The scripts that remove everything of ours from a node: jumps from built-ins, chains, sets (of `family`). */
export function planRemoval(current: NodeTables, family: 4 | 6 = 4): RestorePlan {
  const blocks: string[] = [];
  for (const table of TABLES) {
    const existing = [...(current.chains.get(table) ?? new Set<string>())];
    const ours = existing.filter(isOurs).sort();
    const body: string[] = [];
    for (const builtin of existing.filter((n) => !isOurs(n))) {
      const lines = current.rules.get(`${table} ${builtin}`) ?? [];
      for (const line of lines.filter((l) => ours.some((o) => jumpsTo(l, o))))
        body.push(`-D ${line.slice(3)}`);
    }
    for (const name of ours) body.push(`-F ${name}`);
    for (const name of ours) body.push(`-X ${name}`);
    if (body.length > 0) blocks.push([`*${table}`, ...body, 'COMMIT'].join('\n'));
  }
  const destroy = [...current.sets]
    .filter((n) => isOurs(n) && isIpsetOfFamily(n, family))
    .sort()
    .map((n) => `destroy ${n}`);
  return {
    ipsetCreate: '',
    iptables: blocks.length > 0 ? `${blocks.join('\n')}\n` : '',
    ipsetDestroy: destroy.length > 0 ? `${destroy.join('\n')}\n` : '',
    applied: new Map(),
  };
}

/**
 * What `iptables-save`/`ipset list -n` show once `planRestore(desired, current, …, family)` ran in full
 * (its sets destroyed too), given that nothing else wrote meanwhile: our wanted chains exist and stale ones
 * are gone, each hook is first in its built-in chain, and the sets are the wanted ones plus other families'
 * and other owners'. Pure.
 */
export function tablesAfter(desired: Ruleset, current: NodeTables, family: 4 | 6 = 4): NodeTables {
  const chains = new Map<Table, ReadonlySet<string>>();
  const rules = new Map<string, readonly string[]>(current.rules);
  for (const table of TABLES) {
    const wanted = new Set(desired.chains.filter((c) => c.table === table).map((c) => c.name));
    const kept = [...(current.chains.get(table) ?? new Set<string>())].filter(
      (n) => !isOurs(n) || wanted.has(n),
    );
    chains.set(table, new Set([...kept, ...wanted]));
    for (const n of current.chains.get(table) ?? new Set<string>()) {
      if (isOurs(n) && !wanted.has(n)) rules.delete(`${table} ${n}`);
    }
    for (const hook of desired.hooks.filter((h) => h.table === table)) {
      const key = `${table} ${hook.builtin}`;
      const others = (current.rules.get(key) ?? []).filter((l) => !jumpsTo(l, hook.target));
      rules.set(key, [`-A ${hook.builtin} -j ${hook.target}`, ...others]);
    }
  }
  const wantedSets = new Set(desired.sets.map((s) => s.name));
  const sets = new Set(
    [...current.sets].filter((n) => !isOurs(n) || !isIpsetOfFamily(n, family) || wantedSets.has(n)),
  );
  for (const n of wantedSets) sets.add(n);
  return { chains, rules, sets };
}
