/**
 * The flannel area on the real lab. A clean lab with each backend on 2 L2 segments gives no finding
 * (host-gw peers across segments are predicted unreachable and are); each flannel fault of the lab's
 * catalogue is found with a finding that names the node and the object (docs/research/flannel.md §9 bug themes).
 */
import fc from 'fast-check';
import { afterAll, describe, expect, test } from 'vitest';
import { leftovers } from '../../../adapters/lab/cleanup.ts';
import type { FaultName } from '../../../adapters/lab/faults.ts';
import { createLabTarget, type LabTarget } from '../../../adapters/lab/labTarget.ts';
import { testLabId } from '../../../adapters/lab/testing.ts';
import type { FlannelNetConf } from '../../../spec/scenario.ts';
import type { AreaContext, AreaOutcome } from '../../area.ts';
import { DEFAULT_RUN_OPTIONS } from '../../options.ts';
import { flannelArea } from './flannelArea.ts';
import type { FlannelScenario, FlannelScenarioOptions } from './flannelScenario.ts';
import { flannelScenarioArb } from './flannelScenario.ts';

const labs: LabTarget[] = [];

async function runArea(
  scenarios: fc.Arbitrary<FlannelScenario>,
  faults: readonly FaultName[],
  runs: number,
  ipFamily: 'ipv4' | 'dual' = 'ipv4',
): Promise<AreaOutcome> {
  const lab = createLabTarget({ faults, ipFamily, labId: testLabId(), signalHandlers: false });
  labs.push(lab);
  let n = 0;
  const ctx: AreaContext = {
    target: lab,
    targetName: 'lab',
    options: {
      ...DEFAULT_RUN_OPTIONS,
      seed: 1,
      runs,
      budgetMs: 120_000,
      shrinkBudgetMs: 20_000,
      areas: ['flannel'],
      ipFamily,
    },
    faults,
    resultsPath: 'results.json',
    signal: new AbortController().signal,
    nextFindingId: () => `F${++n}`,
  };
  try {
    return await flannelArea({ scenarios: () => scenarios }).run(ctx);
  } finally {
    await lab.teardown();
  }
}

/** Three nodes on two segments; node-1 carries two pods so TCP and UDP both cross nodes. */
function twoSegments(backend: NonNullable<FlannelNetConf['Backend']>): FlannelScenario {
  return {
    netConf: { Network: '10.244.0.0/16', Backend: backend },
    nodes: [
      { segment: 0, pods: 2 },
      { segment: 0, pods: 1 },
      { segment: 1, pods: 1 },
    ],
  };
}

describe('flannel area on the lab', { tags: ['lab'] }, () => {
  afterAll(async () => {
    for (const lab of labs) expect(await leftovers(lab.labId)).toEqual([]);
  });

  const clean: [string, NonNullable<FlannelNetConf['Backend']>][] = [
    ['vxlan', { Type: 'vxlan' }],
    ['vxlan DirectRouting VNI 42 Port 4789', { Type: 'vxlan', VNI: 42, Port: 4789, DirectRouting: true }],
    // Above the 1500 NIC: the kernel caps flannel.1 (vxlan_config_apply), FLANNEL_MTU keeps MTU − 50.
    ['vxlan MTU 9000', { Type: 'vxlan', MTU: 9000 }],
    ['host-gw', { Type: 'host-gw' }],
    ['udp', { Type: 'udp' }],
  ];
  test.each(clean)('clean lab, %s on 2 segments: no finding', async (_name, backend) => {
    const outcome = await runArea(fc.constant(twoSegments(backend)), [], 1);
    expect(outcome.scenarios).toBe(1);
    expect(outcome.findings).toEqual([]);
    const rows = outcome.sections?.flannel?.flatMap((t) => t.rows) ?? [];
    expect(outcome.sections?.flannel?.map((t) => t.node)).toEqual(['node-1', 'node-2', 'node-3']);
    expect(rows.filter((r) => r.differs)).toEqual([]);
    const probes = rows.filter((r) => r.object === 'dataplane');
    expect(probes.length).toBe(8);
    if (backend.MTU === 9000) {
      const seen = (object: string, key: string) => rows.filter((r) => r.object === object && r.key === key);
      expect(seen('mtu', 'flannel.1').map((r) => r.observed)).toEqual(['1450', '1450', '1450']);
      expect(seen('subnet.env', 'FLANNEL_MTU').map((r) => r.observed)).toEqual(['8950', '8950', '8950']);
    }
    // node-3 is alone on segment 1: probes from it or to its pod cross segments.
    const crossSegment = probes.filter(
      (r) => (r.node === 'node-3') !== (r.key.split('→')[1] ?? '').includes('/n3-'),
    );
    expect(crossSegment.length).toBe(5);
    if (backend.Type === 'host-gw') {
      // Non-adjacent host-gw peers: predicted unreachable, and nothing connects.
      expect(
        crossSegment.every(
          (r) => r.expected?.startsWith('no connection') && !r.observed?.startsWith('connected'),
        ),
      ).toBe(true);
    } else {
      expect(crossSegment.every((r) => r.observed?.startsWith('connected'))).toBe(true);
    }
    const sameSegment = probes.filter((r) => !crossSegment.includes(r));
    expect(sameSegment.every((r) => r.observed?.startsWith('connected'))).toBe(true);
  });

  const faults: [FaultName, FlannelScenarioOptions, string, readonly string[]][] = [
    ['vxlan-fdb-missing', { backend: 'vxlan', segments: 1 }, 'FL-FDB', ['fdb']],
    ['hostgw-route-missing', { backend: 'host-gw', segments: 1 }, 'FL-ROUTE-HOSTGW', ['route']],
    ['mtu-no-overhead', { backend: 'vxlan', segments: 1 }, 'FL-MTU', ['mtu', 'subnet.env']],
    ['duplicate-lease', { segments: 1 }, 'FL-LEASE-DISJOINT', ['lease']],
  ];
  test.each(faults)('fault %s is found, naming node-1 and the object', async (fault, pin, rule, objects) => {
    const outcome = await runArea(flannelScenarioArb({ ...pin, maxNodes: 3 }), [fault], 5);
    const finding = outcome.findings.find((f) => f.rule === rule);
    expect(finding, outcome.findings.map((f) => f.rule).join(', ')).toBeDefined();
    const details = finding?.flannel ?? [];
    expect(details.some((d) => d.node === 'node-1' && objects.includes(d.object))).toBe(true);
    expect(details.every((d) => d.expected !== undefined && d.observed !== undefined)).toBe(true);
    // Shrunk to the smallest topology that shows the bug: two nodes.
    expect(outcome.notes?.flannelShrunkNodes).toBe(2);
  });

  // Dual-stack (issue 20): the IPv6 side is judged (flannel-v6.1, IPv6 routes via lease6 or public-ipv6)
  // and every pod's IPv6 address is probed across nodes.
  test.each([
    ['vxlan', { Type: 'vxlan' }],
    ['host-gw', { Type: 'host-gw' }],
  ] as const)('clean dual-stack lab, %s on 2 segments: no finding, IPv6 judged', async (type, backend) => {
    const scenario = twoSegments(backend);
    const dual = {
      ...scenario,
      netConf: { ...scenario.netConf, EnableIPv6: true, IPv6Network: 'fd00:10:244::/56' },
    };
    const outcome = await runArea(fc.constant(dual), [], 1, 'dual');
    expect(outcome.findings).toEqual([]);
    const rows = outcome.sections?.flannel?.flatMap((t) => t.rows) ?? [];
    expect(rows.filter((r) => r.differs)).toEqual([]);
    expect(rows.filter((r) => r.object === 'dataplane' && r.key.endsWith('IPv6')).length).toBe(8);
    expect(rows.some((r) => r.object === 'route' && r.key === 'fd00:10:244:1::/64')).toBe(true);
    expect(rows.some((r) => r.object === 'link' && r.key === 'flannel-v6.1')).toBe(type === 'vxlan');
  });

  test('fault flannel-v6-route-missing is found on a dual-stack lab, naming node-1 and an IPv6 route', async () => {
    const outcome = await runArea(
      flannelScenarioArb({ backend: 'vxlan', segments: 1, maxNodes: 3, ipFamily: 'dual' }),
      ['flannel-v6-route-missing'],
      3,
      'dual',
    );
    const details = outcome.findings.flatMap((f) => f.flannel ?? []);
    expect(
      details.some((d) => d.node === 'node-1' && d.object === 'route' && d.key.includes(':')),
      outcome.findings.map((f) => f.rule).join(', '),
    ).toBe(true);
  });
});
