/**
 * Proxy-mode targets for a cluster (`--target kube`): a cluster balances in the one mode its kube-proxy
 * runs, which the kit cannot switch, so the LB area tests that mode only, on the run's own target. The
 * mode is what the target found (`capabilities().proxyModes`: kube-proxy's /proxyMode or its ConfigMap);
 * none found means the area is unsupported there.
 */
import type { AreaContext } from '../../area.ts';
import type { ModeTargets } from './lbArea.ts';

export async function clusterModeTargets(ctx: AreaContext): Promise<ModeTargets> {
  const caps = await ctx.target.capabilities();
  return {
    modes: caps.proxyModes.slice(0, 1),
    get: async () => ctx.target,
    close: async () => {},
  };
}
