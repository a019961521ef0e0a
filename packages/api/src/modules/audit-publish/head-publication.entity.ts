import { defineEntity, p } from '@mikro-orm/core';

/**
 * What the publisher sent where (head-publisher.ts): one row per channel, target and head size, with the
 * channel's receipt (the chat message id, a witness's countersignature) or the last failure, retried at
 * the next run. Kept for operators and for the verifier's witness receipts; the heads that count are the
 * copies outside the database, which an insider deleting these rows cannot reach.
 */
export const AuditHeadPublicationSchema = defineEntity({
  name: 'AuditHeadPublication',
  tableName: 'audit_head_publication',
  properties: {
    id: p.uuid().primary(),
    /** 'portal-chat' or 'witness'. */
    channel: p.string().length(20),
    /** The chat (`chat17`) or the witness URL. */
    target: p.string().length(2000),
    treeSize: p.bigint('number'),
    /** The signed head, as published (or, when refused, the published head the log contradicts). */
    head: p.json<Record<string, unknown>>(),
    /**
     * 'published', 'failed', or 'refused': the log contradicted a head read back from the channels, so
     * nothing was signed or sent; `treeSize` is then the log's size and `head` the contradicted head.
     */
    status: p.string().length(10),
    attempts: p.integer().default(0),
    lastError: p.text().nullable(),
    receipt: p.json<Record<string, unknown>>().nullable(),
    createdAt: p.datetime().defaultRaw('now()'),
    updatedAt: p.datetime().defaultRaw('now()'),
  },
  uniques: [{ properties: ['channel', 'target', 'treeSize'] }],
});
export class AuditHeadPublication extends AuditHeadPublicationSchema.class {}
AuditHeadPublicationSchema.setClass(AuditHeadPublication);
