/**
 * One node's whole netfilter program: the policy agent's and the service proxy's chains, their ipsets,
 * and the jumps from the built-in chains. Pure: a view in, a `Ruleset` out.
 */
import type { NetworkPolicy } from '../../../spec/model.ts';
import { compilePolicies } from './compilePolicies.ts';
import { type CompiledServices, compileServices } from './compileServices.ts';
import {
  FORWARD_CHAIN,
  MASQ_MARK,
  OUTPUT_CHAIN,
  POSTROUTING_CHAIN,
  SERVICE_REJECT_CHAIN,
  SERVICES_CHAIN,
} from './names.ts';
import type { Hook, Ruleset } from './ruleset.ts';
import type { NodeNetfilterView } from './types.ts';

/** The jumps the agents own, each kept as the first rule of its built-in chain. */
const HOOKS: readonly Hook[] = [
  { table: 'nat', builtin: 'PREROUTING', target: SERVICES_CHAIN },
  { table: 'nat', builtin: 'OUTPUT', target: SERVICES_CHAIN },
  { table: 'nat', builtin: 'POSTROUTING', target: POSTROUTING_CHAIN },
  { table: 'filter', builtin: 'FORWARD', target: FORWARD_CHAIN },
  { table: 'filter', builtin: 'OUTPUT', target: OUTPUT_CHAIN },
];

/** The chains both families' programs share: the service proxy's nat chains and the filter jumps. */
function familyProgram(policies: ReturnType<typeof compilePolicies>, services: CompiledServices): Ruleset {
  const newOnly = ['-m', 'conntrack', '--ctstate', 'NEW'];
  return {
    hooks: HOOKS,
    sets: policies.sets,
    chains: [
      { table: 'nat', name: SERVICES_CHAIN, rules: services.services },
      {
        table: 'nat',
        name: POSTROUTING_CHAIN,
        rules: [
          ['-m', 'mark', '!', '--mark', `${MASQ_MARK}/${MASQ_MARK}`, '-j', 'RETURN'],
          // Clear the mark so a packet re-entering the stack (e.g. VXLAN encapsulation) is not masqueraded twice.
          ['-j', 'MARK', '--xor-mark', MASQ_MARK],
          ['-j', 'MASQUERADE'],
        ],
      },
      ...services.chains,
      { table: 'filter', name: SERVICE_REJECT_CHAIN, rules: services.rejects },
      {
        table: 'filter',
        name: FORWARD_CHAIN,
        rules: [[...newOnly, '-j', SERVICE_REJECT_CHAIN], ...policies.dispatch],
      },
      {
        table: 'filter',
        name: OUTPUT_CHAIN,
        rules: [
          [...newOnly, '-j', SERVICE_REJECT_CHAIN],
          ...policies.nodeDispatch.map((r) => [...newOnly, ...r]),
        ],
      },
      ...policies.chains,
    ],
  };
}

/** Compiles `view` (plus, for fault `stale-on-delete`, the policies remembered from earlier views). */
export function compileNode(view: NodeNetfilterView, remembered: readonly NetworkPolicy[] = []): Ruleset {
  return familyProgram(compilePolicies(view, remembered), compileServices(view));
}

/**
 * The IPv6 (ip6tables) program of a dual-stack node: the policy agent's chains and sets over the pods'
 * IPv6 addresses, and the service proxy's chains for the Services with an IPv6 ClusterIP, hooked as the
 * IPv4 program is. Undefined for a node without an IPv6 side. Fault ipv6-policy-missing: the policy agent
 * writes nothing here (the service proxy still does).
 */
export function compileNode6(
  view: NodeNetfilterView,
  remembered: readonly NetworkPolicy[] = [],
): Ruleset | undefined {
  const v6 = view.ipv6;
  if (v6 === undefined) return undefined;
  const familyView: NodeNetfilterView = {
    ...view,
    nodeIP: v6.nodeIP,
    podCIDR: v6.podCIDR,
    clusterCIDR: v6.clusterCIDR,
    nodeIPs: v6.nodeIPs,
    // A pod without an IPv6 address has none here ('' is skipped as "no address").
    pods: view.pods.map((p) => ({ ...p, ip: p.ip6 ?? '' })),
    services: v6.services ?? [],
  };
  const policies = view.faults.includes('ipv6-policy-missing')
    ? { sets: [], chains: [], dispatch: [], nodeDispatch: [] }
    : compilePolicies(familyView, remembered, 6);
  return familyProgram(policies, compileServices(familyView, 6));
}
