// predictMatrix covers every ordered pod pair × every (containerPort, protocol) of the destination (issue 2, predict);
// renderTruthTables prints one matrix per (port, protocol) as upstream e2e does (`.` allow, `X` deny).
import { describe, expect, test } from 'vitest';
import type { Cluster } from '../../spec/model.ts';
import { ALL, policy, xyzCluster } from '../../test/upstream/xyzModel.ts';
import { declaredPorts } from './declaredPorts.ts';
import { predictMatrix, renderTruthTables } from './truthTable.ts';

function twoPods(): Cluster {
  const base = xyzCluster([policy('deny', ALL, { ingress: [] })]);
  const pods = base.pods.filter((p) => p.name === 'a' && (p.namespace === 'x' || p.namespace === 'y'));
  return {
    ...base,
    pods: pods.map((p) =>
      p.namespace === 'x'
        ? { ...p, containers: [{ name: 'c', ports: [{ containerPort: 80, protocol: 'TCP' as const }] }] }
        : {
            ...p,
            containers: [
              {
                name: 'c1',
                ports: [
                  { containerPort: 81, protocol: 'UDP' as const },
                  { containerPort: 80, protocol: 'TCP' as const },
                ],
              },
              { name: 'c2', ports: [{ name: 'again', containerPort: 80, protocol: 'TCP' as const }] },
            ],
          },
    ),
  };
}

describe('truth tables', () => {
  test('declared ports are distinct and ordered by port, then protocol', () => {
    const y = twoPods().pods[1]!;
    expect(declaredPorts(y)).toEqual([
      { port: 80, protocol: 'TCP' },
      { port: 81, protocol: 'UDP' },
    ]);
  });

  test('every ordered pair (self included) × every port the destination declares, both engines alike', () => {
    const c = twoPods();
    const fast = predictMatrix(c);
    expect(fast.map((r) => `${r.from}>${r.to} ${r.port}/${r.protocol} ${r.verdict}`)).toEqual([
      'x/a>x/a 80/TCP undefined',
      'x/a>y/a 80/TCP allow',
      'x/a>y/a 81/UDP allow',
      'y/a>x/a 80/TCP deny',
      'y/a>y/a 80/TCP undefined',
      'y/a>y/a 81/UDP undefined',
    ]);
    expect(predictMatrix(c, { engine: 'reference' })).toEqual(fast);
  });

  test('renders one matrix per (port, protocol); a port the destination does not declare is -', () => {
    const text = renderTruthTables(predictMatrix(twoPods()), ['x/a', 'y/a']);
    expect(text.split('\n')).toEqual([
      'TCP/80',
      'from \\ to x/a y/a',
      'x/a       ?   .',
      'y/a       X   ?',
      '',
      'UDP/81',
      'from \\ to x/a y/a',
      'x/a       -   .',
      'y/a       -   ?',
      '',
    ]);
  });
});
