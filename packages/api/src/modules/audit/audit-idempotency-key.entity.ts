import { defineEntity, p } from '@mikro-orm/core';

/**
 * Idempotency keys already used. A partitioned table cannot hold a unique constraint without its partition
 * key, so uniqueness lives here; retention deletes the keys of purged months.
 */
export const AuditIdempotencyKeySchema = defineEntity({
  name: 'AuditIdempotencyKey',
  tableName: 'audit_idempotency_key',
  properties: {
    key: p.string().length(64).primary(),
    receivedAt: p.datetime().index(),
  },
});

export class AuditIdempotencyKey extends AuditIdempotencyKeySchema.class {}
AuditIdempotencyKeySchema.setClass(AuditIdempotencyKey);
