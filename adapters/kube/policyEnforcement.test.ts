// "Is NetworkPolicy enforced at all?" on the lab, which has the matching switch: `policyMode: 'none'`
// (plain flannel, no policy engine) must say false, the default (enforce) true. One finding, not a
// thousand leaks: the runner reports NOT_ENFORCED_TITLE once when this says false.
import { afterEach, describe, expect, test } from 'vitest';
import { leftovers } from '../lab/cleanup.ts';
import { createLabTarget, type LabTarget } from '../lab/labTarget.ts';
import { testLabId } from '../lab/testing.ts';
import { checkPolicyEnforcement } from './policyEnforcement.ts';

describe('policy enforcement check on the lab', { tags: ['lab'] }, () => {
  let lab: LabTarget | undefined;
  afterEach(async () => {
    if (!lab) return;
    await lab.teardown();
    expect(await leftovers(lab.labId)).toEqual([]);
    lab = undefined;
  });

  test('plain flannel (policyMode none): not enforced', async () => {
    lab = createLabTarget({ labId: testLabId(), signalHandlers: false, policyMode: 'none' });
    const r = await checkPolicyEnforcement(lab, { settleMs: 3000 });
    expect(r.policyEnforced).toBe(false);
    expect(r.evidence).toContain('still reached');
  });

  test('with a policy engine: enforced', async () => {
    lab = createLabTarget({ labId: testLabId(), signalHandlers: false });
    const r = await checkPolicyEnforcement(lab, { settleMs: 3000 });
    expect(r.policyEnforced).toBe(true);
    // The check leaves an empty cluster behind.
    expect(lab.cluster?.pods).toEqual([]);
  });
});
