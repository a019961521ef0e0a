import { defineEntity, p } from '@mikro-orm/core';

/** Where an event came from: our own API, the browser extension, portal events (push) or portal polling. */
export const AUDIT_SOURCES = ['api', 'extension', 'portal-event', 'portal-poll'] as const;
export type AuditSource = (typeof AUDIT_SOURCES)[number];

/**
 * One entry of the tamper-evident audit log. The table is partitioned by month on `received_at` (see the
 * migration and `audit-partitions.ts`), so its primary key includes that column and no other unique
 * constraint is possible: idempotency keys are made unique in `audit_idempotency_key` instead.
 * Subject ids (`actor`, `on_behalf_of`, user `target_id`) are text: a portal user id in decimal, or
 * `anon:…` once the subject was erased (`sealed` then keeps what the chain hash needs; see audit-hash.ts).
 */
export const AuditEventSchema = defineEntity({
  name: 'AuditEvent',
  tableName: 'audit_event',
  indexes: [
    { properties: ['occurredAt', 'id'] },
    { properties: ['actor', 'occurredAt', 'id'] },
    { properties: ['onBehalfOf', 'occurredAt', 'id'] },
    { properties: ['targetType', 'targetId', 'occurredAt', 'id'] },
    { properties: ['sessionKey', 'occurredAt', 'id'] },
    { properties: ['ip', 'occurredAt', 'id'] },
    { properties: ['action', 'occurredAt', 'id'] },
  ],
  properties: {
    id: p.uuid().primary(),
    /** The partition key: the database's clock when the event joined the chain (monotonic with `seq`). */
    receivedAt: p.datetime().primary(),
    seq: p.bigint('number').index(),
    occurredAt: p.datetime(),
    actor: p.string().length(64).nullable(),
    onBehalfOf: p.string().length(64).nullable(),
    /** SHA-256 hex of the portal session token; never the token. */
    sessionKey: p.string().length(64).nullable(),
    ip: p.string().length(45).nullable(),
    userAgent: p.string().length(512).nullable(),
    action: p.string().length(100),
    targetType: p.string().length(50).nullable(),
    targetId: p.string().length(200).nullable(),
    metadata: p.json<Record<string, unknown>>(),
    source: p.enum(AUDIT_SOURCES),
    /** Keyed hash of the submitter and the client's key (see AuditService.append). */
    idempotencyKey: p.string().length(64).nullable(),
    /** Commitments of the fields pseudonymisation replaced, so the hash still verifies. */
    sealed: p.json<Record<string, string>>().nullable(),
    prevHash: p.string().length(64),
    hash: p.string().length(64),
  },
});

export class AuditEvent extends AuditEventSchema.class {}
AuditEventSchema.setClass(AuditEvent);
