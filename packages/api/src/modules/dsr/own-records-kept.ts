import type { OwnRecordsMode } from './own-records.ts';

/** Something of ours that stays after the subject's erasure or anonymisation, and why. */
export interface KeptRecord {
  records: string;
  /** How many, where that is known without reading them. */
  count: number | null;
  reason: string;
}

const ACCOUNTABILITY = 'Art. 5(2) and 17(3)(e)';

const common = (mode: OwnRecordsMode, weeklyReports: number): KeptRecord[] => [
  {
    records: 'audit log events',
    count: null,
    reason:
      `Kept under ${ACCOUNTABILITY}: the tamper-evident record of what was done. The subject's id, their ` +
      'session, IP address and user agent, and texts in the metadata are replaced (by a keyed pseudonym or ' +
      'the [erased] marker) with keyed commitments, so the chain still verifies. ' +
      (mode === 'erase'
        ? "Edit events of the subject's items lose the SHA-256 of the deleted texts (textHash) the same way."
        : "Edit events keep a SHA-256 of each version's text (textHash), as the texts themselves stay."),
  },
  {
    records: 'data-subject requests and the erasure ledger',
    count: null,
    reason:
      `Kept under ${ACCOUNTABILITY}: the proof that the requests were made and carried out. They name the ` +
      'subject only by a keyed pseudonym; the ledger lists item ids and labels, never text the subject wrote.',
  },
  {
    records: 'revoked API tokens',
    count: null,
    reason:
      'Kept without their owner, as the history of credentials that were valid: only their hashes remain.',
  },
  {
    records: 'impersonation sessions',
    count: null,
    reason:
      "Kept under Art. 5(2) and 32: the record of an administrator's access to an employee's account. The " +
      "subject's id becomes 0 with their keyed pseudonym beside it; the free-text reason is erased, and so " +
      'are their IP address and browser where they were the administrator.',
  },
  {
    records: 'portal event inbox',
    count: null,
    reason:
      "The deliveries hold only the portal's item ids, the time and the portal's address (no text, no user " +
      'id); they are the record of what the edit history was built from.',
  },
  {
    records: 'weekly report files',
    count: weeklyReports,
    reason:
      `Kept under ${ACCOUNTABILITY}: signed, chained copies of past weeks of the audit log, already sent to ` +
      'their recipients; changing one would break the signature and the chain of digests after it. They hold ' +
      "what the log and the edit history held that week: users' portal ids and text hashes, never texts.",
  },
];

/** What stays after the subject's erasure or anonymisation; `weeklyReports` is how many report files exist. */
export function keptRecords(mode: OwnRecordsMode, weeklyReports: number): KeptRecord[] {
  if (mode === 'erase') return common(mode, weeklyReports);
  return [
    {
      records: 'edit history',
      count: null,
      reason:
        'Anonymisation keeps what the employee wrote, on the portal and in the edit history alike; no ' +
        'version names them as its editor any more.',
    },
    ...common(mode, weeklyReports),
  ];
}
