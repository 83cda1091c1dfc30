/** What a running lab API leaves in its lab's folder for `lab status`, `lab down` and the tests. */

export interface LabApiRecord {
  readonly labId: string;
  readonly url: string;
  readonly kubeconfig: string;
  readonly pid: number;
  readonly apiFaults: string;
  readonly startedAt: string;
}

/** The record's file name in the lab's state folder. */
export const API_RECORD = 'api.json';
