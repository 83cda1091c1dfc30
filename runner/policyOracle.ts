/** What the runner needs from the policy oracle, as one small interface (wired to oracle/policy in oracleBridge.ts). */
import type { PolicyDecided } from '../oracle/policy/index.ts';
import type { IPFamily } from '../spec/ipNum.ts';
import type { Cluster, ObjectKey, Protocol } from '../spec/model.ts';
import type { SemanticProfile } from '../spec/profile.ts';
import type { Verdict } from '../spec/verdict.ts';

export interface PolicyJudgement {
  readonly verdict: Verdict;
  /** Whether each side allowed it; absent when that side does not apply (e.g. ingress for an outside address). */
  readonly egressAllowed?: boolean;
  readonly ingressAllowed?: boolean;
  /** The oracle's reasons in plain words. */
  readonly explanation: readonly string[];
  /** The rules and features on the deciding path (coverage); absent when no policy rule decided. */
  readonly decided?: PolicyDecided;
}

export interface PolicyOracle {
  judge(
    from: ObjectKey,
    to: ObjectKey | { readonly ip: string },
    port: number,
    protocol: Protocol,
    /** The connection's address family on dual-stack pods (absent: the primary addresses). */
    family?: IPFamily,
  ): PolicyJudgement;
  /** The verdict alone (the fast engine); JS `undefined` when either pod is not in the cluster. */
  verdict(
    from: ObjectKey,
    to: ObjectKey | { readonly ip: string },
    port: number,
    protocol: Protocol,
    family?: IPFamily,
  ): Verdict | undefined;
}

export type PolicyOracleFactory = (cluster: Cluster, profile: SemanticProfile) => PolicyOracle;
