import { AuditChain } from './audit-chain.entity.ts';
import { AuditEvent } from './audit-event.entity.ts';
import { AuditIdempotencyKey } from './audit-idempotency-key.entity.ts';
import { AuditLeaf, AuditTile, AuditTreeHead } from './audit-tree.entity.ts';

/** The audit module's entities, registered in db/entities.ts. */
export const auditEntities = [
  AuditEvent,
  AuditChain,
  AuditIdempotencyKey,
  AuditLeaf,
  AuditTile,
  AuditTreeHead,
];
