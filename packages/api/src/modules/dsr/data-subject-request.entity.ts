import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

export const REQUEST_TYPES = ['EXPORT', 'ANONYMISE', 'ERASE'] as const;
export type RequestType = (typeof REQUEST_TYPES)[number];

export const REQUEST_STATUSES = [
  'PENDING',
  'AWAITING_CONFIRMATION',
  'RUNNING',
  'COMPLETED',
  'COMPLETED_WITH_EXCEPTIONS',
  'FAILED',
  'CANCELLED',
] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];
export const OPEN_STATUSES: readonly RequestStatus[] = ['PENDING', 'AWAITING_CONFIRMATION', 'RUNNING'];
/**
 * COMPLETED_WITH_EXCEPTIONS: an erasure ran to its end, but its verification sweep still found something of
 * the subject's on the portal that the result does not list as kept with a reason (the result lists it).
 */
export const FINISHED_STATUSES: readonly RequestStatus[] = [
  'COMPLETED',
  'COMPLETED_WITH_EXCEPTIONS',
  'FAILED',
  'CANCELLED',
];

export const REQUEST_SOURCES = ['SELF', 'ADMIN', 'DISMISSAL_POLICY', 'INTEGRATOR'] as const;
export type RequestSource = (typeof REQUEST_SOURCES)[number];

export interface RequestProgress {
  step: string;
  done: number;
  total: number | null;
}

/**
 * One GDPR request (Art. 15/17/20) and everything needed to finish it after a crash: the checkpoint of the
 * step in progress, the lease of whoever runs it, and the policy it was accepted under.
 */
export const DataSubjectRequestSchema = defineEntity({
  name: 'DataSubjectRequest',
  tableName: 'data_subject_request',
  extends: BaseSchema,
  properties: {
    type: p.enum(REQUEST_TYPES),
    status: p.enum(REQUEST_STATUSES).index(),
    source: p.enum(REQUEST_SOURCES),
    /** Null once the subject is erased or anonymised: subjectPseudonym (a keyed hash) then stands in. */
    subjectUserId: p.integer().nullable().index(),
    subjectPseudonym: p.string().length(40).nullable(),
    /** Portal user who asked; null for integrator tokens (requesterTokenId says which). */
    requesterUserId: p.integer().nullable(),
    requesterTokenId: p.uuid().nullable(),
    /** Received + one month (GDPR Art. 12(3)). */
    dueAt: p.datetime(),
    progress: p.json<RequestProgress>(),
    /** Opaque per-step state the runner resumes from. */
    checkpoint: p.json<Record<string, unknown>>(),
    /** Settings, their version and the policy decision the request was accepted under. */
    acceptedUnder: p.json<Record<string, unknown>>(),
    /** Erasure only: what the confirmed preview showed, and the hash of its token. */
    preview: p.json<Record<string, unknown>>().nullable(),
    previewTokenHash: p.string().length(64).nullable(),
    previewExpiresAt: p.datetime().nullable(),
    result: p.json<Record<string, unknown>>().nullable(),
    error: p.text().nullable(),
    attempts: p.integer().default(0),
    /** Whoever runs the request holds it until leaseUntil, renewing at each checkpoint. */
    leaseOwner: p.string().length(100).nullable(),
    leaseUntil: p.datetime().nullable(),
    startedAt: p.datetime().nullable(),
    finishedAt: p.datetime().nullable(),
    /** Export only: where the archive is, until it expires and is deleted. */
    archivePath: p.text().nullable(),
    archiveExpiresAt: p.datetime().nullable(),
  },
  indexes: [
    { properties: ['subjectUserId', 'type', 'status'] },
    { properties: ['createdAt', 'id'] },
    {
      name: 'data_subject_request_one_open',
      expression: `create unique index "data_subject_request_one_open" on "data_subject_request" ("subject_user_id", "type") where "status" in ('PENDING', 'AWAITING_CONFIRMATION', 'RUNNING')`,
    },
  ],
});

export class DataSubjectRequest extends DataSubjectRequestSchema.class {}
DataSubjectRequestSchema.setClass(DataSubjectRequest);
