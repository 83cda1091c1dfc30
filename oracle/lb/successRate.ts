import type { ObjectKey } from '../../spec/model.ts';
import type { ServicePortPrediction } from './predict.ts';

export interface SuccessPrediction {
  /** Long-run fraction of new connections that connect. */
  readonly rate: number;
  readonly allowed: readonly ObjectKey[];
  readonly blocked: readonly ObjectKey[];
  /**
   * How outcomes relate: `independent` (each connection a Bernoulli(rate) draw), `cycle` (exactly
   * |allowed| of every |eligible| consecutive connections connect), `sticky` (every connection in one
   * affinity window shares one outcome; windows are Bernoulli(rate)), `none` (rejected: rate 0).
   */
  readonly pattern: 'independent' | 'cycle' | 'sticky' | 'none';
}

/**
 * Expected success when a NetworkPolicy admits only some backends. Policy is enforced after DNAT, on the
 * chosen endpoint, so a connection succeeds exactly when the load balancer picks an allowed backend
 * (docs/design.md "Semantic profile"). `allowed` comes from the policy oracle for (client, backend, target
 * port). Under affinity a client stuck on a blocked backend keeps failing until the entry expires: iptables
 * records `recent --set` in nat before filter drops the packet [derived from docs/research/lb.md §2.2, §2.4].
 */
export function expectedSuccess(
  prediction: ServicePortPrediction,
  allowed: ReadonlySet<ObjectKey>,
): SuccessPrediction {
  const members = prediction.eligible.endpoints.map((e) => e.pod);
  const ok = members.filter((m) => allowed.has(m));
  const blocked = members.filter((m) => !allowed.has(m));
  if (prediction.newConnections.kind === 'reject') return { rate: 0, allowed: ok, blocked, pattern: 'none' };
  const rate = ok.length / members.length;
  const pattern = prediction.affinity
    ? 'sticky'
    : prediction.newConnections.kind === 'cycle'
      ? 'cycle'
      : 'independent';
  return { rate, allowed: ok, blocked, pattern };
}
