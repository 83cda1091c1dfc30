/**
 * The truth table at the level of pod classes (classes.ts), in the manner of np-guard's connlist: which
 * class may connect to which, on which of the destination's declared ports. A class to itself means between
 * two different pods of it; a pod to itself is listed apart, and only when the policies decide it (the
 * profile's `loopback=policy`), since otherwise the profile alone does.
 */
import type { Cluster } from '../../spec/model.ts';
import { PROTOCOLS } from '../../spec/model.ts';
import { DEFAULT_PROFILE, type SemanticProfile } from '../../spec/profile.ts';
import { type ClassEngine, compileClasses, type PodClass } from './classes.ts';
import type { PortProtocol } from './declaredPorts.ts';

export interface ClassConnection {
  readonly from: PodClass;
  readonly to: PodClass;
  /** Each pod of `from` (then `to` too) to itself. */
  readonly self: boolean;
  /** The destination's declared ports the policies allow. */
  readonly allowed: readonly PortProtocol[];
  /** The ports whose verdict is undefined (not judged: the profile says the target may do either). */
  readonly undecided: readonly PortProtocol[];
  /** How many ordered pod pairs (or pods, when `self`) the connection stands for. */
  readonly pairs: number;
}

export interface PolicyGroups {
  readonly classes: readonly PodClass[];
  /** The verdict of a pod to itself when the profile fixes it; `policy` when the policies decide it. */
  readonly selfTraffic: SemanticProfile['loopback'];
  /** Visits every connection that allows or leaves undefined at least one port, by source then destination. */
  forEachConnection(visit: (connection: ClassConnection) => void): void;
}

/** Verdict codes of {@link forEachClassPair}. */
export const VERDICT_CODES = ['allow', 'deny', 'undefined'] as const;

/**
 * Visits every (from, to, self) class pair that stands for at least one cell. `verdicts[i]` is the code (an
 * index in {@link VERDICT_CODES}) of `to.targets[i]`; the array is reused from one visit to the next.
 */
export function forEachClassPair(
  engine: ClassEngine,
  visit: (from: PodClass, to: PodClass, self: boolean, verdicts: Uint8Array) => void,
): void {
  const { classes } = engine;
  const protocolIndex = classes.map((c) => Int32Array.from(c.targets, (t) => PROTOCOLS.indexOf(t.protocol)));
  const widest = Math.max(0, ...classes.map((c) => c.targets.length));
  const verdicts = new Uint8Array(widest);
  const code = { allow: 0, deny: 1, undefined: 2 } as const;
  const pair = (from: PodClass, to: PodClass, self: boolean) => {
    const protocols = protocolIndex[to.id] as Int32Array;
    for (let i = 0; i < to.targets.length; i++) {
      const port = (to.targets[i] as PortProtocol).port;
      verdicts[i] = code[engine.classVerdict(from.id, to.id, self, port, protocols[i] as number)];
    }
    visit(from, to, self, verdicts);
  };
  for (const from of classes) {
    for (const to of classes) {
      if (from === to) {
        pair(from, to, true);
        if (from.members.length > 1) pair(from, to, false);
      } else pair(from, to, false);
    }
  }
}

/** How many ordered pod pairs a class pair stands for. */
export function pairCount(from: PodClass, to: PodClass, self: boolean): number {
  if (self) return from.members.length;
  return from === to
    ? from.members.length * (from.members.length - 1)
    : from.members.length * to.members.length;
}

export function predictGroups(cluster: Cluster, profile: SemanticProfile = DEFAULT_PROFILE): PolicyGroups {
  const engine = compileClasses(cluster, profile);
  return {
    classes: engine.classes,
    selfTraffic: profile.loopback,
    forEachConnection(visit) {
      forEachClassPair(engine, (from, to, self, verdicts) => {
        if (self && profile.loopback !== 'policy') return;
        let listed = false;
        for (let i = 0; i < to.targets.length; i++) if (verdicts[i] !== 1) listed = true;
        if (!listed) return;
        const allowed: PortProtocol[] = [];
        const undecided: PortProtocol[] = [];
        to.targets.forEach((t, i) => {
          if (verdicts[i] === 0) allowed.push(t);
          else if (verdicts[i] === 2) undecided.push(t);
        });
        visit({ from, to, self, allowed, undecided, pairs: pairCount(from, to, self) });
      });
    },
  };
}
