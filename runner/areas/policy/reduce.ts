/**
 * A structural reduction pass after fast-check's shrink. fast-check shrinks the *generated* values, where
 * a step names its policy or pod by index: once a policy or pod is gone, the same index points at another
 * one and the shrinker stalls on counterexamples larger than they need to be. This pass works on the
 * concrete scenario instead (steps name objects by key): it tries, largest first, to cut the steps after
 * the failing state, drop a step, a pod, a policy, a namespace left empty, a policy rule, a peer or a
 * port, and keeps each cut that still shows the same failure (same rule, same kind), until nothing more
 * can go or its deadline passes.
 */
import { keyOf } from '../../../spec/model.ts';
import type { Scenario, ScenarioCluster, ScenarioPolicy, Step } from '../../../spec/scenario.ts';

export interface Reduction {
  /** What was cut, for progress output ("drop pod x/a"). */
  readonly label: string;
  readonly scenario: Scenario;
}

type Rules = NonNullable<ScenarioPolicy['ingress']>;
type Rule = Rules[number];

/** Smaller scenarios to try, largest cut first. `failedAt` is the state that failed (0 = initial). */
export function* reductions(scenario: Scenario, failedAt: number): Generator<Reduction> {
  const { cluster, steps } = scenario;
  const withSteps = (s: readonly Step[]): Scenario => ({ ...scenario, steps: s });
  const withCluster = (c: ScenarioCluster, s: readonly Step[] = steps): Scenario => ({
    ...scenario,
    cluster: c,
    steps: s,
  });

  // Steps after the failing state never ran.
  if (failedAt < steps.length)
    yield { label: 'cut the steps after the failure', scenario: withSteps(steps.slice(0, failedAt)) };
  for (let i = steps.length - 1; i >= 0; i--) {
    yield { label: `drop step ${i + 1}`, scenario: withSteps(steps.filter((_, j) => j !== i)) };
  }
  for (const pod of cluster.pods) {
    const key = keyOf(pod);
    yield {
      label: `drop pod ${key}`,
      scenario: withCluster(
        { ...cluster, pods: cluster.pods.filter((p) => keyOf(p) !== key) },
        steps.filter((s) => !((s.kind === 'relabelPod' || s.kind === 'deletePod') && s.pod === key)),
      ),
    };
  }
  for (const policy of cluster.policies) {
    const key = keyOf(policy);
    const others = { ...cluster, policies: cluster.policies.filter((p) => keyOf(p) !== key) };
    const namesIt = (s: Step): boolean =>
      ((s.kind === 'updatePolicy' || s.kind === 'createPolicy') && keyOf(s.policy) === key) ||
      (s.kind === 'deletePolicy' && `${s.namespace}/${s.name}` === key);
    if (steps.some(namesIt)) {
      yield {
        label: `drop policy ${key} and its steps`,
        scenario: withCluster(
          others,
          steps.filter((s) => !namesIt(s)),
        ),
      };
    }
    yield { label: `drop policy ${key}`, scenario: withCluster(others) };
  }
  for (const ns of cluster.namespaces) {
    const used =
      cluster.pods.some((p) => p.namespace === ns.name) ||
      cluster.policies.some((p) => p.namespace === ns.name) ||
      steps.some(
        (s) =>
          (s.kind === 'addPod' && s.pod.namespace === ns.name) ||
          ((s.kind === 'createPolicy' || s.kind === 'updatePolicy') && s.policy.namespace === ns.name),
      );
    if (used) continue;
    yield {
      label: `drop namespace ${ns.name}`,
      scenario: withCluster(
        { ...cluster, namespaces: cluster.namespaces.filter((n) => n.name !== ns.name) },
        steps.filter((s) => !(s.kind === 'relabelNamespace' && s.namespace === ns.name)),
      ),
    };
  }
  // Inside policies of the initial state and of the steps that create or update one.
  const places: { label: string; policy: ScenarioPolicy; put: (p: ScenarioPolicy) => Scenario }[] = [
    ...cluster.policies.map((policy, i) => ({
      label: `policy ${keyOf(policy)}`,
      policy,
      put: (p: ScenarioPolicy) =>
        withCluster({ ...cluster, policies: cluster.policies.map((q, j) => (j === i ? p : q)) }),
    })),
    ...steps.flatMap((s, i) =>
      s.kind === 'createPolicy' || s.kind === 'updatePolicy'
        ? [
            {
              label: `policy ${keyOf(s.policy)} in step ${i + 1}`,
              policy: s.policy,
              put: (p: ScenarioPolicy) => withSteps(steps.map((t, j) => (j === i ? { ...s, policy: p } : t))),
            },
          ]
        : [],
    ),
  ];
  for (const { label, policy, put } of places) {
    for (const cut of policyCuts(policy))
      yield { label: `${cut.label} of ${label}`, scenario: put(cut.policy) };
  }
}

/** Smaller versions of one policy: a rule, a peer or a port fewer. policyTypes stay as they were. */
function* policyCuts(policy: ScenarioPolicy): Generator<{ label: string; policy: ScenarioPolicy }> {
  // The types are written out from now on: with a rule fewer, defaulting could mean something else.
  const { policyTypesDefaulted: _, ...base } = policy;
  for (const dir of ['ingress', 'egress'] as const) {
    const rules = policy[dir];
    if (!rules) continue;
    const put = (r: Rules): ScenarioPolicy => ({ ...base, [dir]: r });
    for (let i = 0; i < rules.length; i++) {
      yield { label: `drop ${dir} rule ${i + 1}`, policy: put(rules.filter((_, j) => j !== i)) };
    }
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i] as Rule;
      const setRule = (r: Rule): ScenarioPolicy => put(rules.map((q, j) => (j === i ? r : q)));
      // Never cut the last peer or port: an empty list means "all", which is a larger rule, not a smaller.
      const peers = rule.peers ?? [];
      if (peers.length > 1) {
        for (let k = 0; k < peers.length; k++) {
          yield {
            label: `drop peer ${k + 1} of ${dir} rule ${i + 1}`,
            policy: setRule({ ...rule, peers: peers.filter((_, j) => j !== k) }),
          };
        }
      }
      const ports = rule.ports ?? [];
      if (ports.length > 1) {
        for (let k = 0; k < ports.length; k++) {
          yield {
            label: `drop port ${k + 1} of ${dir} rule ${i + 1}`,
            policy: setRule({ ...rule, ports: ports.filter((_, j) => j !== k) }),
          };
        }
      }
    }
  }
}

export interface ReduceSettings {
  /** Stop trying cuts after this time (ms since the epoch). */
  readonly deadline: number;
  readonly signal?: AbortSignal;
  readonly onAccept?: (label: string) => void;
}

/**
 * Greedy reduction: try cuts of the current scenario in order; keep the first one `stillFails` accepts and
 * start again from it. Returns the smallest scenario accepted (maybe the one given) and how many cuts held.
 * `stillFails` resolves with the failing state's index when the cut shows the same failure, else undefined.
 */
export async function reduceScenario(
  scenario: Scenario,
  failedAt: number,
  stillFails: (candidate: Scenario) => Promise<number | undefined>,
  settings: ReduceSettings,
): Promise<{ scenario: Scenario; failedAt: number; accepted: number }> {
  let current = scenario;
  let at = failedAt;
  let accepted = 0;
  const tried = new Set<string>();
  for (;;) {
    let progressed = false;
    for (const cut of reductions(current, at)) {
      if (Date.now() > settings.deadline || settings.signal?.aborted)
        return { scenario: current, failedAt: at, accepted };
      const key = JSON.stringify(cut.scenario);
      if (tried.has(key)) continue;
      tried.add(key);
      const failing = await stillFails(cut.scenario);
      if (failing === undefined) continue;
      current = cut.scenario;
      at = failing;
      accepted += 1;
      settings.onAccept?.(cut.label);
      progressed = true;
      break;
    }
    if (!progressed) return { scenario: current, failedAt: at, accepted };
  }
}
