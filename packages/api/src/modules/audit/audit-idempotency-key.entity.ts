import { defineEntity, p } from '@mikro-orm/core';

/**
 * Idempotency keys already used. A partitioned table cannot hold a unique constraint without its partition
 * key, so uniqueness lives here. Only the primary key is indexed (it is written with every event); retention
 * deletes a purged month's keys by joining its partition, whose events carry them.
 */
export const AuditIdempotencyKeySchema = defineEntity({
  name: 'AuditIdempotencyKey',
  tableName: 'audit_idempotency_key',
  properties: {
    key: p.string().length(64).primary(),
  },
});

export class AuditIdempotencyKey extends AuditIdempotencyKeySchema.class {}
AuditIdempotencyKeySchema.setClass(AuditIdempotencyKey);
