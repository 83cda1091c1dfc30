/** Generator options and the size presets they expand to. */
import type { IPFamily } from '../../spec/ipNum.ts';
import type { Area } from '../../spec/results.ts';

export type GeneratorSize = 'small' | 'medium' | 'large';
export const GENERATOR_SIZES: readonly GeneratorSize[] = ['small', 'medium', 'large'];

export interface GeneratorOptions {
  /** Preset bounds (default `medium`). */
  readonly size?: GeneratorSize;
  /** Generate no SCTP ports or policy ports (the lab's kernel has no SCTP). Default false. */
  readonly excludeSCTP?: boolean;
  /** Areas the scenario should exercise; policies only with `policy`, Services only with `lb`. Default all. */
  readonly areas?: readonly Area[];
  /** Upper bound on NetworkPolicies in the initial cluster (overrides the preset). */
  readonly maxPolicies?: number;
  /** Upper bound on mid-run steps (overrides the preset; 0 disables steps). */
  readonly maxSteps?: number;
  /** The target's address families, primary first: ipBlocks name addresses of each (default IPv4 only). */
  readonly ipFamilies?: readonly IPFamily[];
}

export interface Bounds {
  readonly maxNodes: number;
  readonly maxNamespaces: number;
  readonly maxPodsPerNamespace: number;
  readonly maxPorts: number;
  readonly maxPolicies: number;
  readonly maxRules: number;
  readonly maxPeers: number;
  readonly maxPolicyPorts: number;
  readonly maxServices: number;
  readonly maxSteps: number;
  readonly includeSCTP: boolean;
  readonly policies: boolean;
  readonly services: boolean;
  readonly ipFamilies: readonly IPFamily[];
}

const PRESETS: Readonly<
  Record<GeneratorSize, Omit<Bounds, 'includeSCTP' | 'policies' | 'services' | 'ipFamilies'>>
> = {
  // The preset `podnet run` uses on the lab. Policy-side size and pods per namespace cost the lab almost
  // nothing (side by side, 60 s each: 65 vs 66 scenarios for 3→5 policies, 2→3 rules/peers/policy ports,
  // 2→3 pod ports; 58 vs 57 for 3→4 pods per namespace), while every emulated policy fault becomes
  // exposable in about twice as many scenarios (`npm run bench -- exposure`, see bench/README.md).
  // Steps 3→4 (1.4→2.0 per scenario on average, about a quarter more lab time per scenario) with the
  // weights of rawSteps.ts: each kind of step changes some verdict in 1.4× as many scenarios, so a 60 s run
  // exercises NP-STEP after every kind (docs/rules.md "Coverage").
  small: {
    maxNodes: 2,
    maxNamespaces: 3,
    maxPodsPerNamespace: 4,
    maxPorts: 3,
    maxPolicies: 5,
    maxRules: 3,
    maxPeers: 3,
    maxPolicyPorts: 3,
    maxServices: 1,
    maxSteps: 4,
  },
  medium: {
    maxNodes: 3,
    maxNamespaces: 3,
    maxPodsPerNamespace: 3,
    maxPorts: 2,
    maxPolicies: 4,
    maxRules: 2,
    maxPeers: 2,
    maxPolicyPorts: 2,
    maxServices: 2,
    maxSteps: 4,
  },
  large: {
    maxNodes: 4,
    maxNamespaces: 4,
    maxPodsPerNamespace: 4,
    maxPorts: 3,
    maxPolicies: 6,
    maxRules: 3,
    maxPeers: 3,
    maxPolicyPorts: 3,
    maxServices: 4,
    maxSteps: 6,
  },
};

/** Expand options to concrete bounds. */
export function boundsOf(options: GeneratorOptions = {}): Bounds {
  const preset = PRESETS[options.size ?? 'medium'];
  const areas = options.areas;
  return {
    ...preset,
    maxPolicies: options.maxPolicies ?? preset.maxPolicies,
    maxSteps: options.maxSteps ?? preset.maxSteps,
    includeSCTP: options.excludeSCTP !== true,
    policies: areas === undefined || areas.includes('policy'),
    services: areas === undefined || areas.includes('lb'),
    ipFamilies: options.ipFamilies !== undefined && options.ipFamilies.length > 0 ? options.ipFamilies : [4],
  };
}
