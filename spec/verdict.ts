/** The oracle's answer for one probe. `undefined` means the API does not define it: recorded, never judged. */
export type Verdict = 'allow' | 'deny' | 'undefined';

/** What a target saw when it probed. */
export type ProbeOutcome = 'connected' | 'refused' | 'timeout' | 'error' | 'unsupported';

/** How expectation and observation compare (docs/design.md "Findings"). */
export type FindingKind =
  | 'leak' // denied but connected: security failure
  | 'block' // allowed but refused or timed out: availability failure
  | 'inconclusive' // probe machinery failed, even after retries
  | 'undefined' // the oracle does not define the cell: recorded, not judged
  | 'mismatch' // a non-probe observation differs (flannel node state, model invariant)
  | 'distribution'; // a statistical test rejected the predicted distribution (lb)
