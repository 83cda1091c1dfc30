import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { PodnetInputError } from './errors.ts';
import { checkReplayScenario, REPLAY_LIMITS } from './replayScenario.ts';

type Json = Record<string, unknown>;

/** The scenario of the leak `podnet run --seed 3 --lab-fault egress-ignored` found (namespace x, pods x/a and x/b). */
const RUN_LEAK = fileURLToPath(new URL('./fixtures/run-leak.json', import.meta.url));
/** As that podnet wrote it: with `traffic.mode`, which no runner read and podnet no longer writes. */
const WRITTEN: Json = JSON.parse(readFileSync(RUN_LEAK, 'utf8')).findings[0].scenario;
/** As this podnet writes it. */
const SCENARIO: Json = { ...WRITTEN, traffic: { viaServices: false } };
const AT = ['findings', 0, 'scenario'] as const;

/** A copy of the scenario, changed in place by `change`. */
function changed(change: (s: Json) => void): Json {
  const copy = structuredClone(SCENARIO) as Json;
  change(copy);
  return copy;
}

function errorOf(scenario: unknown): PodnetInputError {
  try {
    checkReplayScenario(scenario, AT, 'r.json');
  } catch (error) {
    if (error instanceof PodnetInputError) return error;
    throw error;
  }
  throw new Error('expected a PodnetInputError');
}

const cluster = (s: Json): Json => s.cluster as Json;
const list = (v: unknown): Json[] => v as Json[];
const pods = (s: Json): Json[] => list(cluster(s).pods);
const policies = (s: Json): Json[] => list(cluster(s).policies);
const firstPort = (s: Json): Json => list(list(pods(s)[0]?.containers)[0]?.ports)[0] as Json;
const peer = (s: Json): Json => list(list(policies(s)[1]?.ingress)[1]?.peers)[0] as Json;

const SERVICE = {
  namespace: 'x',
  name: 'web',
  selector: { pod: 'a' },
  ports: [{ protocol: 'TCP', port: 80, targetPort: 80 }],
  sessionAffinity: 'None',
  affinityTimeoutSeconds: 10800,
};

describe('a replayed scenario is checked before it reaches the lab', () => {
  test('the scenario `podnet run` wrote passes and reads back unchanged', () => {
    expect(checkReplayScenario(SCENARIO, AT, 'r.json')).toEqual(SCENARIO);
  });

  test('traffic.mode and traffic.maxProbes of older results files are checked, then dropped', () => {
    expect(checkReplayScenario(WRITTEN, AT, 'r.json')).toEqual(SCENARIO);
    const sampled = { ...WRITTEN, traffic: { mode: 'sample', maxProbes: 16, viaServices: true } };
    expect(checkReplayScenario(sampled, AT, 'r.json').traffic).toEqual({ viaServices: true });
  });

  test('valid variations pass: every symbolic ipBlock, a Service, a pod without containers, every step', () => {
    const ok = changed((s) => {
      peer(s).ipBlock = {
        cidr: { ref: 'clusterNetwork' },
        except: [
          { ref: 'pod', pod: 'x/a', prefixLength: 32 },
          { ref: 'nodeSubnet', node: 'node-2' },
          { ref: 'nodeIP', node: 'node-1', prefixLength: 24 },
          { ref: 'literal', cidr: '10.244.7.0/24' },
          { ref: 'outside' },
        ],
      };
      list(policies(s)[1]?.ingress)[2] = {
        peers: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }],
      };
      cluster(s).services = [SERVICE];
      pods(s).push({ ...pods(s)[0], name: 'c', containers: [], ips: ['10.244.0.9'] });
      s.steps = [
        { kind: 'deletePolicy', namespace: 'x', name: 'p2' },
        { kind: 'relabelPod', pod: 'x/a', labels: { tier: 'db' } },
        { kind: 'relabelNamespace', namespace: 'x', labels: { env: 'prod' } },
        { kind: 'addPod', pod: { ...pods(s)[0], name: 'd' } },
        { kind: 'deletePod', pod: 'x/b' },
      ];
    });
    expect(checkReplayScenario(ok, AT, 'r.json')).toEqual(ok);
  });

  // Each row: a change, the JSON path the error names (under findings[0].scenario), and what it says.
  const BAD: readonly [string, (s: Json) => void, string, string][] = [
    [
      'a pod name with a path',
      (s) => {
        pods(s)[1]!.name = '../../etc/x';
      },
      'cluster.pods[1].name',
      'invalid name "../../etc/x"',
    ],
    [
      'a namespace named a/b',
      (s) => {
        list(cluster(s).namespaces)[0]!.name = 'a/b';
      },
      'cluster.namespaces[0].name',
      'invalid name "a/b"',
    ],
    [
      'a label key',
      (s) => {
        (pods(s)[0]!.labels as Json)['bad key!'] = 'x';
      },
      'cluster.pods[0].labels["bad key!"]',
      'invalid label key',
    ],
    [
      'a label value of 64 characters',
      (s) => {
        (pods(s)[0]!.labels as Json).pod = 'v'.repeat(64);
      },
      'cluster.pods[0].labels.pod',
      'must be no more than 63 characters',
    ],
    [
      'container port 0',
      (s) => {
        firstPort(s).containerPort = 0;
      },
      'cluster.pods[0].containers[0].ports[0].containerPort',
      'must be between 1 and 65535',
    ],
    [
      'container port 70000',
      (s) => {
        firstPort(s).containerPort = 70000;
      },
      'cluster.pods[0].containers[0].ports[0].containerPort',
      'must be between 1 and 65535',
    ],
    [
      'container port 1.5',
      (s) => {
        firstPort(s).containerPort = 1.5;
      },
      'cluster.pods[0].containers[0].ports[0].containerPort',
      'must be an integer',
    ],
    [
      'protocol ICMP',
      (s) => {
        firstPort(s).protocol = 'ICMP';
      },
      'cluster.pods[0].containers[0].ports[0].protocol',
      'must be one of "TCP", "UDP", "SCTP"',
    ],
    [
      'a port name',
      (s) => {
        firstPort(s).name = 'Not_Valid';
      },
      'cluster.pods[0].containers[0].ports[0].name',
      'not a valid port name (IANA_SVC_NAME)',
    ],
    [
      'a pod IP',
      (s) => {
        pods(s)[0]!.ips = ['10.0.0.300'];
      },
      'cluster.pods[0].ips[0]',
      'is not an IP address',
    ],
    [
      'a node name in nodeName',
      (s) => {
        pods(s)[0]!.nodeName = 'Node_1';
      },
      'cluster.pods[0].nodeName',
      'invalid node name',
    ],
    [
      'an unknown field',
      (s) => {
        pods(s)[0]!.hostPath = '/etc';
      },
      'cluster.pods[0].hostPath',
      'unknown field "hostPath"',
    ],
    [
      'a literal CIDR',
      (s) => {
        peer(s).ipBlock = { cidr: { ref: 'literal', cidr: '300.1.1.1/8' } };
      },
      'cluster.policies[1].ingress[1].peers[0].ipBlock.cidr.cidr',
      '"300.1.1.1/8" is not a valid CIDR',
    ],
    [
      'a pod reference without namespace',
      (s) => {
        peer(s).ipBlock = { cidr: { ref: 'pod', pod: 'a', prefixLength: 32 } };
      },
      'cluster.policies[1].ingress[1].peers[0].ipBlock.cidr.pod',
      'must be namespace/name',
    ],
    [
      'a prefix length of 33',
      (s) => {
        peer(s).ipBlock = { cidr: { ref: 'nodeIP', node: 'node-1', prefixLength: 33 } };
      },
      'cluster.policies[1].ingress[1].peers[0].ipBlock.cidr.prefixLength',
      'must be an integer from 0 to 32',
    ],
    [
      'an address family other than 4 or 6',
      (s) => {
        peer(s).ipBlock = { cidr: { ref: 'nodeSubnet', node: 'node-1', family: 5 } };
      },
      'cluster.policies[1].ingress[1].peers[0].ipBlock.cidr.family',
      'must be 4, got 5',
    ],
    [
      'an unknown reference',
      (s) => {
        peer(s).ipBlock = { cidr: { ref: 'host' } };
      },
      'cluster.policies[1].ingress[1].peers[0].ipBlock.cidr.ref',
      'must be one of "literal"',
    ],
    [
      'an except outside its cidr',
      (s) => {
        peer(s).ipBlock = { cidr: '10.0.0.0/8', except: ['11.0.0.0/16'] };
      },
      'cluster.policies[1].ingress[1].peers[0].ipBlock.except[0]',
      'must be a strict subset of cidr',
    ],
    [
      'ipBlock beside a selector',
      (s) => {
        Object.assign(peer(s), { ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} });
      },
      'cluster.policies[1].ingress[1].peers[0]',
      'may not specify both ipBlock and another peer',
    ],
    [
      'an empty peer',
      (s) => {
        list(list(policies(s)[1]?.ingress)[1]?.peers)[0] = {};
      },
      'cluster.policies[1].ingress[1].peers[0]',
      'must specify a peer',
    ],
    [
      'policyTypes Sideways',
      (s) => {
        policies(s)[0]!.policyTypes = ['Sideways'];
      },
      'cluster.policies[0].policyTypes[0]',
      'must be one of "Ingress", "Egress"',
    ],
    [
      'an operator',
      (s) => {
        list((policies(s)[0]!.podSelector as Json).matchExpressions)[0]!.operator = 'Near';
      },
      'cluster.policies[0].podSelector.matchExpressions[0].operator',
      'must be one of "In"',
    ],
    [
      'In without values',
      (s) => {
        list((policies(s)[0]!.podSelector as Json).matchExpressions)[0] = { key: 'pod', operator: 'In' };
      },
      'cluster.policies[0].podSelector.matchExpressions[0].values',
      'must be specified when operator is In',
    ],
    [
      'endPort with a named port',
      (s) => {
        list(list(policies(s)[0]?.ingress)[0]?.ports)[0] = { protocol: 'TCP', port: 'http', endPort: 90 };
      },
      'cluster.policies[0].ingress[0].ports[0].endPort',
      'endPort may not be specified when port is non-numeric',
    ],
    [
      'a policy name',
      (s) => {
        policies(s)[0]!.name = 'P2';
      },
      'cluster.policies[0].name',
      'invalid name "P2"',
    ],
    [
      'a Service ClusterIP',
      (s) => {
        cluster(s).services = [{ ...SERVICE, clusterIP: '1.2.3' }];
      },
      'cluster.services[0].clusterIP',
      '"1.2.3" is not an IP address',
    ],
    [
      'a Service name (DNS-1035)',
      (s) => {
        cluster(s).services = [{ ...SERVICE, name: '1web' }];
      },
      'cluster.services[0].name',
      'invalid name "1web"',
    ],
    [
      'two unnamed Service ports',
      (s) => {
        cluster(s).services = [
          { ...SERVICE, ports: [...SERVICE.ports, { protocol: 'TCP', port: 81, targetPort: 81 }] },
        ];
      },
      'cluster.services[0].ports[0].name',
      'a port name is required',
    ],
    [
      'an affinity timeout',
      (s) => {
        cluster(s).services = [{ ...SERVICE, sessionAffinity: 'ClientIP', affinityTimeoutSeconds: 0 }];
      },
      'cluster.services[0].affinityTimeoutSeconds',
      'must be between 1 and 86400',
    ],
    [
      'a duplicate pod',
      (s) => {
        pods(s).push(structuredClone(pods(s)[0]) as Json);
      },
      'cluster.pods[2]',
      'duplicate pod "x/a"',
    ],
    [
      'an undeclared namespace',
      (s) => {
        pods(s)[0]!.namespace = 'zz';
      },
      'cluster.pods[0].namespace',
      'namespace "zz" is not in cluster.namespaces',
    ],
    [
      'a namespace name label that lies',
      (s) => {
        (list(cluster(s).namespaces)[0]!.labels as Json)['kubernetes.io/metadata.name'] = 'y';
      },
      'cluster.namespaces[0].labels["kubernetes.io/metadata.name"]',
      "must be the namespace's name",
    ],
    [
      'too many pods',
      (s) => {
        cluster(s).pods = Array.from({ length: REPLAY_LIMITS.pods + 1 }, (_, i) => ({
          ...pods(s)[0],
          name: `p${i}`,
        }));
      },
      'cluster.pods',
      'must hold at most 256 items',
    ],
    [
      'a segment',
      (s) => {
        list(cluster(s).nodes)[0]!.segment = 99;
      },
      'cluster.nodes[0].segment',
      'must be an integer from 0 to 15',
    ],
    [
      'a Network that is not IPv4',
      (s) => {
        (s.netConf as Json).Network = 'fd00::/64';
      },
      'netConf.Network',
      'is not an IPv4 CIDR',
    ],
    [
      'a SubnetLen of 31',
      (s) => {
        (s.netConf as Json).SubnetLen = 31;
      },
      'netConf.SubnetLen',
      'must be less than /31',
    ],
    [
      'a backend',
      (s) => {
        (s.netConf as Json).Backend = { Type: 'evil' };
      },
      'netConf.Backend.Type',
      'must be one of "vxlan"',
    ],
    [
      'a VNI of 2^24',
      (s) => {
        (s.netConf as Json).Backend = { Type: 'vxlan', VNI: 2 ** 24 };
      },
      'netConf.Backend.VNI',
      'must be an integer from 0 to 16777215',
    ],
    [
      'a backend option the lab does not read',
      (s) => {
        (s.netConf as Json).Backend = { Type: 'vxlan', GBP: true };
      },
      'netConf.Backend.GBP',
      'unknown field "GBP"',
    ],
    [
      'a traffic mode',
      (s) => {
        (s.traffic as Json).mode = 'all';
      },
      'traffic.mode',
      'must be one of "matrix", "sample"',
    ],
    [
      'a step kind',
      (s) => {
        list(s.steps)[0]!.kind = 'rmrf';
      },
      'steps[0].kind',
      'must be one of "createPolicy"',
    ],
    [
      'a step policy',
      (s) => {
        (list(s.steps)[0]!.policy as Json).namespace = 'X';
      },
      'steps[0].policy.namespace',
      'invalid namespace "X"',
    ],
    [
      'a deletePolicy name',
      (s) => {
        list(s.steps).push({ kind: 'deletePolicy', namespace: 'x', name: 'Bad Name' });
      },
      'steps[1].name',
      'invalid name "Bad Name"',
    ],
    [
      'a relabelNamespace namespace',
      (s) => {
        list(s.steps).push({ kind: 'relabelNamespace', namespace: 'X', labels: {} });
      },
      'steps[1].namespace',
      'invalid name "X"',
    ],
    [
      'a relabelPod label',
      (s) => {
        list(s.steps).push({ kind: 'relabelPod', pod: 'x/a', labels: { a: 'b c' } });
      },
      'steps[1].labels.a',
      'invalid label value "b c"',
    ],
    [
      'a deletePod key',
      (s) => {
        list(s.steps).push({ kind: 'deletePod', pod: 'x/../../a' });
      },
      'steps[1].pod',
      'invalid name "../../a"',
    ],
    [
      'an addPod in an undeclared namespace',
      (s) => {
        list(s.steps).push({ kind: 'addPod', pod: { ...pods(s)[0], namespace: 'q' } });
      },
      'steps[1].pod.namespace',
      'namespace "q" is not in cluster.namespaces',
    ],
    [
      'too many steps',
      (s) => {
        s.steps = Array.from({ length: REPLAY_LIMITS.steps + 1 }, () => ({ kind: 'deletePod', pod: 'x/a' }));
      },
      'steps',
      'must hold at most 256 items',
    ],
    [
      'no cluster at all',
      (s) => {
        delete s.cluster;
      },
      'cluster',
      'is missing',
    ],
  ];
  test.each(BAD)('%s: exit 2 naming the JSON path', (_, change, field, problem) => {
    const e = errorOf(changed(change));
    expect(e.exitCode).toBe(2);
    expect(e.location).toEqual({ file: 'r.json', field: `findings[0].scenario.${field}` });
    expect(e.problem).toContain(problem);
  });

  test('echoed values are cut and their control characters shown, never sent', () => {
    const long = errorOf(
      changed((s) => {
        pods(s)[0]!.name = `a${'b'.repeat(1000)}\u001b[2J`;
      }),
    );
    expect(long.message.length).toBeLessThan(400);
    expect(long.problem).toContain('(1005 characters)');
    const escaped = errorOf(
      changed((s) => {
        pods(s)[0]!.name = 'a\u001b[2J##[add-mask]x';
      }),
    );
    // The message's own line break (before the hint) aside, no control character.
    expect(escaped.message.replaceAll('\n', '')).not.toMatch(/\p{Cc}/u);
    expect(escaped.message).toContain('\\u001b[2J#\\u0023[add-mask]x');
  });

  test('several problems: the first is named, the hint counts the rest', () => {
    const e = errorOf(
      changed((s) => {
        pods(s)[0]!.name = 'A';
        pods(s)[1]!.name = 'B';
      }),
    );
    expect(e.location.field).toBe('findings[0].scenario.cluster.pods[0].name');
    expect(e.hint).toContain('1 more problem in this scenario');
  });
});
