// Groups and summary (groups.ts, groupsRender.ts, summary.ts) on the upstream x/y/z model
// (test/upstream/xyzModel.ts: namespaces x, y, z with pods a, b, c each).
import { describe, expect, test } from 'vitest';
import { PodnetInputError } from '../../spec/errors.ts';
import { DEFAULT_PROFILE } from '../../spec/profile.ts';
import { ALL, policy, xyzCluster } from '../../test/upstream/xyzModel.ts';
import { predictGroups } from './groups.ts';
import { renderGroupsTable } from './groupsRender.ts';
import { predictSummary } from './summary.ts';
import { predictMatrix } from './truthTable.ts';

describe('predictGroups', () => {
  test('a deny-all ingress in x: nothing reaches x, everything else stays connected', () => {
    const cluster = xyzCluster([policy('deny', ALL, { ingress: [] })]);
    const groups = predictGroups(cluster);
    const lines: string[] = [];
    groups.forEachConnection((c) => lines.push(`${c.from.name} > ${c.to.name} ${c.pairs}`));
    // Pods differ only in the pod label, which no podSelector names: one group per namespace.
    expect(groups.classes.map((c) => c.name)).toEqual(['ns=x', 'ns=y', 'ns=z']);
    expect(lines).toEqual([
      'ns=x > ns=y 9',
      'ns=x > ns=z 9',
      'ns=y > ns=y 6',
      'ns=y > ns=z 9',
      'ns=z > ns=y 9',
      'ns=z > ns=z 6',
    ]);
  });

  test('with loopback=policy a pod to itself is listed apart, as the policies decide it', () => {
    const cluster = xyzCluster([]);
    const selves: string[] = [];
    predictGroups(cluster, { ...DEFAULT_PROFILE, loopback: 'policy' }).forEachConnection((c) => {
      if (c.self) selves.push(`${c.from.name} ${c.pairs}`);
    });
    expect(selves).toEqual(['ns=x 3', 'ns=y 3', 'ns=z 3']);
  });

  test('the table refuses past its limit, naming the forms that hold everything', () => {
    const cluster = xyzCluster([]);
    const render = () => renderGroupsTable(cluster, DEFAULT_PROFILE, predictGroups(cluster), 5);
    expect(render).toThrow(PodnetInputError);
    expect(render).toThrow(/more than 5 connections/);
    expect(renderGroupsTable(cluster, DEFAULT_PROFILE, predictGroups(cluster), 9)).toContain(
      '  ns=x (3 pods) => ns=y (3 pods) : TCP/80 UDP/80 SCTP/80 TCP/81 UDP/81 SCTP/81',
    );
  });
});

describe('predictSummary', () => {
  test('counts every cell of the truth table once, per namespace pair and port', () => {
    const cluster = xyzCluster([policy('deny', ALL, { ingress: [] })]);
    const rows = predictSummary(cluster);
    const cells = predictMatrix(cluster);
    const total = rows.reduce((n, r) => n + r.allow + r.deny + r.undefined, 0);
    expect(total).toBe(cells.length);
    const xx = rows.find(
      (r) => r.from === 'x' && r.to === 'x' && r.target.port === 80 && r.target.protocol === 'TCP',
    );
    // Into x: 6 pairs of different pods denied, 3 pods to themselves undefined (loopback=undefined).
    expect(xx).toMatchObject({ allow: 0, deny: 6, undefined: 3 });
  });
});
