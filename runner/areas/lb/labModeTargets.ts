/**
 * The lab's proxy mode is fixed when a lab starts, so the LB area needs one lab per mode. The run's own
 * lab (random mode unless started otherwise) serves its mode; a second lab, with the same faults, is
 * opened on first use for the other mode and torn down when the area ends (also on failure or Ctrl-C,
 * since the area's `finally` closes it). A target that is not a lab plays only the mode it runs.
 */
import { isFaultName } from '../../../adapters/lab/faults.ts';
import { createLabTarget, LabTarget } from '../../../adapters/lab/labTarget.ts';
import type { ProxyMode, Target } from '../../../spec/target.ts';
import type { AreaContext } from '../../area.ts';
import type { ModeTargets } from './lbArea.ts';

export interface LabModeTargetOptions {
  /** Nodes of the extra lab (the LB scenarios use two). */
  readonly nodes: number;
  /** Modes to exercise (default both). */
  readonly modes?: readonly ProxyMode[];
}

export function labModeTargets(options: LabModeTargetOptions): (ctx: AreaContext) => ModeTargets {
  return (ctx) => {
    const own: ProxyMode | undefined =
      ctx.target instanceof LabTarget ? (ctx.target.options.proxyMode ?? 'random') : undefined;
    if (own === undefined) {
      // Not a lab: the cluster runs one mode, which the kit cannot switch; random is kube-proxy's default.
      return { modes: ['random'], get: async () => ctx.target, close: async () => {} };
    }
    const ipFamily = ctx.target instanceof LabTarget ? ctx.target.ipFamily : 'ipv4';
    const opened = new Map<ProxyMode, Promise<Target>>();
    return {
      modes: options.modes ?? ['random', 'round-robin'],
      get(mode) {
        if (mode === own) return Promise.resolve(ctx.target);
        let t = opened.get(mode);
        if (!t) {
          t = Promise.resolve(
            createLabTarget({
              nodes: options.nodes,
              proxyMode: mode,
              faults: ctx.faults.filter(isFaultName),
              signalHandlers: false,
              // The other mode's lab has the run's families, so dual-stack Services balance in both.
              ipFamily,
              ...(own !== undefined && ctx.target instanceof LabTarget && ctx.target.options.policyMode
                ? { policyMode: ctx.target.options.policyMode }
                : {}),
            }),
          );
          opened.set(mode, t);
        }
        return t;
      },
      async close() {
        const all = await Promise.allSettled([...opened.values()]);
        opened.clear();
        const errors: unknown[] = [];
        for (const r of all) {
          if (r.status !== 'fulfilled') continue;
          try {
            await r.value.teardown();
          } catch (error) {
            errors.push(error);
          }
        }
        if (errors.length > 0) throw errors[0];
      },
    };
  };
}
