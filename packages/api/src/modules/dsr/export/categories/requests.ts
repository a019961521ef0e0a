import { DataSubjectRequest } from '../../data-subject-request.entity.ts';
import { defineCategory } from '../category.ts';
import { byId, SYSTEM_PAGE } from '../system/keyset.ts';

const FIELDS = [
  'id',
  'type',
  'status',
  'source',
  'requesterUserId',
  'createdAt',
  'dueAt',
  'startedAt',
  'finishedAt',
  'archiveExpiresAt',
] as const;

type RequestRow = Pick<DataSubjectRequest, (typeof FIELDS)[number]>;

/** Internal bookkeeping (lease, checkpoint, preview token hash) is left out: it says nothing about the person. */
export const requests = defineCategory<RequestRow>({
  name: 'requests',
  title: 'Your data protection requests',
  about: 'Requests to export, anonymise or erase your data made in this system, this export included.',
  source: 'system',
  columns: [
    { name: 'request_id', about: 'Reference of the request.', value: (r) => r.id },
    { name: 'type', about: 'EXPORT, ANONYMISE or ERASE.', value: (r) => r.type },
    {
      name: 'status',
      about:
        'PENDING, AWAITING_CONFIRMATION, RUNNING, COMPLETED, COMPLETED_WITH_EXCEPTIONS, FAILED or CANCELLED.',
      value: (r) => r.status,
    },
    {
      name: 'made_through',
      about:
        'SELF = you asked; ADMIN = an administrator; DISMISSAL_POLICY = the automatic rule for dismissed employees; INTEGRATOR = another system.',
      value: (r) => r.source,
    },
    {
      name: 'requested_by',
      about: 'User number of the person who asked; empty for another system.',
      value: (r) => r.requesterUserId,
    },
    {
      name: 'received_at',
      about: 'When the request was received (ISO 8601, UTC).',
      value: (r) => r.createdAt,
    },
    { name: 'due_at', about: 'When it must be answered by: one month after receipt.', value: (r) => r.dueAt },
    { name: 'started_at', about: 'When work on it started.', value: (r) => r.startedAt },
    { name: 'finished_at', about: 'When it finished.', value: (r) => r.finishedAt },
    {
      name: 'download_expires_at',
      about: 'For exports: until when the archive can be downloaded.',
      value: (r) => r.archiveExpiresAt,
    },
  ],
  rows(ctx) {
    const { em, subjectUserId } = ctx.sources;
    return byId(
      (after) =>
        em.find(
          DataSubjectRequest,
          { subjectUserId, ...(after ? { id: { $gt: after } } : {}) },
          { fields: [...FIELDS], orderBy: { id: 'asc' }, limit: SYSTEM_PAGE, disableIdentityMap: true },
        ),
      ctx.signal,
    );
  },
});
