// Planning iptables-restore / ipset scripts from a desired ruleset and a node's current state (no root).
import { describe, expect, test } from 'vitest';
import { compileNode } from './compileNode.ts';
import type { NodeTables } from './restoreScript.ts';
import { parseIptablesSave, planRemoval, planRestore, renderRule, tablesAfter } from './restoreScript.ts';
import type { Ruleset } from './ruleset.ts';
import { fixtureView } from './viewFixture.ts';

const EMPTY: NodeTables = { chains: new Map(), rules: new Map(), sets: new Set() };

/** The state a node holds after `script` ran on `before` (a model of iptables-restore --noflush). */
function simulate(before: NodeTables, script: string, setScripts: string[]): NodeTables {
  const chains = new Map([...before.chains].map(([t, s]) => [t, new Set(s)]));
  const rules = new Map([...before.rules].map(([k, v]) => [k, [...v]]));
  const sets = new Set(before.sets);
  let table = '';
  for (const line of script.split('\n')) {
    const [op, chain = '', ...rest] = line.split(' ');
    if (line.startsWith('*')) {
      table = line.slice(1);
      if (!chains.has(table as 'nat')) chains.set(table as 'nat', new Set());
    } else if (line.startsWith(':')) {
      const name = line.slice(1).split(' ')[0] ?? '';
      chains.get(table as 'nat')?.add(name);
      rules.set(`${table} ${name}`, []);
    } else if (op === '-A') rules.get(`${table} ${chain}`)?.push(line);
    else if (op === '-D') {
      const list = rules.get(`${table} ${chain}`) ?? [];
      const at = list.indexOf(`-A ${chain} ${rest.join(' ')}`);
      if (at < 0) throw new Error(`no rule to delete: ${line}`);
      list.splice(at, 1);
    } else if (op === '-I') {
      const key = `${table} ${chain}`;
      rules.set(key, [`-A ${chain} ${rest.slice(1).join(' ')}`, ...(rules.get(key) ?? [])]);
    } else if (op === '-F') rules.set(`${table} ${chain}`, []);
    else if (op === '-X') chains.get(table as 'nat')?.delete(chain);
  }
  for (const s of setScripts)
    for (const line of s.split('\n')) {
      const [op, name = ''] = line.split(' ');
      if (op === 'create') sets.add(name);
      if (op === 'destroy') sets.delete(name);
    }
  return { chains, rules, sets };
}

const withBuiltins = (t: NodeTables): NodeTables => {
  const chains = new Map(t.chains);
  chains.set('filter', new Set(['INPUT', 'FORWARD', 'OUTPUT', ...(t.chains.get('filter') ?? [])]));
  chains.set(
    'nat',
    new Set(['PREROUTING', 'INPUT', 'OUTPUT', 'POSTROUTING', ...(t.chains.get('nat') ?? [])]),
  );
  return { ...t, chains };
};

const policyView = fixtureView({
  policies: [
    {
      namespace: 'a',
      name: 'p',
      podSelector: {},
      policyTypes: ['Ingress'],
      ingress: [{ peers: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }] }],
    },
  ],
});

describe('planRestore', () => {
  test('on a fresh node: creates sets, declares every chain, puts each hook first', () => {
    const desired = compileNode(policyView);
    const plan = planRestore(desired, withBuiltins(EMPTY));
    expect(plan.ipsetCreate).toMatch(/^create PODNET-NET-\S+ hash:net family inet\n/);
    expect(plan.ipsetCreate).toContain(' 10.1.0.0/16 nomatch\n');
    for (const c of desired.chains) expect(plan.iptables).toContain(`:${c.name} - [0:0]\n`);
    expect(plan.iptables).toContain('-I FORWARD 1 -j PODNET-FORWARD\n');
    expect(plan.iptables).toContain('-I PREROUTING 1 -j PODNET-SERVICES\n');
    expect(plan.iptables.match(/^COMMIT$/gm)).toHaveLength(2);
    expect(plan.ipsetDestroy).toBe('');
  });

  test('a second plan for the same view is empty (idempotent)', () => {
    const desired = compileNode(policyView);
    const first = planRestore(desired, withBuiltins(EMPTY));
    const after = simulate(withBuiltins(EMPTY), first.iptables, [first.ipsetCreate]);
    const second = planRestore(desired, after, first.applied);
    expect(second).toMatchObject({ ipsetCreate: '', iptables: '', ipsetDestroy: '' });
  });

  test('a change rewrites only the chains that differ, drops stale chains and unused sets', () => {
    const first = planRestore(compileNode(policyView), withBuiltins(EMPTY));
    const after = simulate(withBuiltins(EMPTY), first.iptables, [first.ipsetCreate]);
    const next = planRestore(compileNode(fixtureView({})), after, first.applied);
    expect(next.iptables).toContain(':PODNET-FORWARD - [0:0]');
    expect(next.iptables).not.toContain(':PODNET-SERVICES');
    expect(next.iptables).toMatch(/-F PODNET-IN-\S+\n/);
    expect(next.iptables).toMatch(/-X PODNET-IN-\S+\n/);
    expect(next.ipsetDestroy).toMatch(/^destroy PODNET-NET-\S+\n$/);
  });

  test('a chain missing from the node is rewritten even if it was applied before (namespace rebuilt)', () => {
    const desired = compileNode(policyView);
    const first = planRestore(desired, withBuiltins(EMPTY));
    expect(planRestore(desired, withBuiltins(EMPTY), first.applied).iptables).toBe(first.iptables);
  });

  test('a hook pushed down by someone else is moved back to the top in the same transaction', () => {
    const desired: Ruleset = {
      chains: [],
      sets: [],
      hooks: [{ table: 'filter', builtin: 'FORWARD', target: 'PODNET-FORWARD' }],
    };
    const current = parseIptablesSave(
      [
        '*filter',
        ':FORWARD ACCEPT [0:0]',
        '-A FORWARD -j FLANNEL-FWD',
        '-A FORWARD -j PODNET-FORWARD',
        'COMMIT',
      ].join('\n'),
    );
    const plan = planRestore(desired, { ...current, sets: new Set() });
    expect(plan.iptables).toBe(
      '*filter\n-D FORWARD -j PODNET-FORWARD\n-I FORWARD 1 -j PODNET-FORWARD\nCOMMIT\n',
    );
    const ok = parseIptablesSave(
      '*filter\n-A FORWARD -j PODNET-FORWARD\n-A FORWARD -j FLANNEL-FWD\nCOMMIT\n',
    );
    expect(planRestore(desired, { ...ok, sets: new Set() }).iptables).toBe('');
  });

  test("other agents' chains are never touched", () => {
    const current = parseIptablesSave(
      '*nat\n:FLANNEL-POSTRTG - [0:0]\n-A POSTROUTING -j FLANNEL-POSTRTG\nCOMMIT\n',
    );
    const plan = planRestore({ chains: [], sets: [], hooks: [] }, { ...current, sets: new Set(['other']) });
    expect(plan).toMatchObject({ iptables: '', ipsetDestroy: '' });
  });
});

describe('tablesAfter', () => {
  /** What the node holds, compared where planning reads it: chains, the built-in chains' rules, sets. */
  const seen = (t: NodeTables) => ({
    chains: Object.fromEntries([...t.chains].map(([k, v]) => [k, [...v].sort()])),
    builtins: Object.fromEntries([...t.rules].filter(([k]) => !k.split(' ')[1]?.startsWith('PODNET-'))),
    sets: [...t.sets].sort(),
  });

  test('is what the plan leaves (modelled restore), step after step, with a foreign rule above our hook', () => {
    const views = [policyView, fixtureView({}), policyView, fixtureView({ policies: [] }), policyView];
    let node = simulate(withBuiltins(EMPTY), '*filter\n-I FORWARD 1 -j FLANNEL-FWD\nCOMMIT', []);
    let applied: ReadonlyMap<string, string> = new Map();
    let known: NodeTables | undefined;
    for (const view of views) {
      const desired = compileNode(view);
      const fromRead = planRestore(desired, node, applied);
      // Planning from the recalled state gives the same scripts as planning from a fresh read.
      if (known) expect(planRestore(desired, known, applied)).toEqual(fromRead);
      const before = node;
      node = simulate(node, fromRead.iptables, [fromRead.ipsetCreate, fromRead.ipsetDestroy]);
      known = tablesAfter(desired, known ?? before, 4);
      expect(seen(known)).toEqual(seen(node));
      expect(node.rules.get('filter FORWARD')?.[0]).toBe('-A FORWARD -j PODNET-FORWARD');
      applied = fromRead.applied;
      // And from there nothing is left to do.
      expect(planRestore(desired, known, applied)).toMatchObject({
        ipsetCreate: '',
        iptables: '',
        ipsetDestroy: '',
      });
    }
  });
});

describe('planRemoval', () => {
  test('deletes our jumps, flushes then deletes our chains, destroys our sets', () => {
    const current = parseIptablesSave(
      [
        '*filter',
        ':FORWARD ACCEPT [0:0]',
        ':PODNET-FORWARD - [0:0]',
        ':PODNET-IN-X - [0:0]',
        '-A FORWARD -j PODNET-FORWARD',
        '-A FORWARD -j FLANNEL-FWD',
        '-A PODNET-FORWARD -j PODNET-IN-X',
        'COMMIT',
      ].join('\n'),
    );
    const plan = planRemoval({ ...current, sets: new Set(['PODNET-IP-A', 'keep']) });
    expect(plan.iptables).toBe(
      '*filter\n-D FORWARD -j PODNET-FORWARD\n-F PODNET-FORWARD\n-F PODNET-IN-X\n-X PODNET-FORWARD\n-X PODNET-IN-X\nCOMMIT\n',
    );
    expect(plan.ipsetDestroy).toBe('destroy PODNET-IP-A\n');
  });
});

test('renderRule quotes arguments with spaces', () => {
  expect(renderRule('C', ['-m', 'comment', '--comment', 'a b', '-j', 'RETURN'])).toBe(
    '-A C -m comment --comment "a b" -j RETURN',
  );
});
