/** Generator options and the size presets they expand to. */
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
}

const PRESETS: Readonly<Record<GeneratorSize, Omit<Bounds, 'includeSCTP' | 'policies' | 'services'>>> = {
  // Three namespaces of up to three pods: twice the chance of a small one to expose a wrong cell, for
  // about a fifth more time per scenario on the lab (measured side by side; see the issue notes).
  small: {
    maxNodes: 2,
    maxNamespaces: 3,
    maxPodsPerNamespace: 3,
    maxPorts: 2,
    maxPolicies: 3,
    maxRules: 2,
    maxPeers: 2,
    maxPolicyPorts: 2,
    maxServices: 1,
    maxSteps: 3,
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
  };
}
