import { AuditChain } from './audit-chain.entity.ts';
import { AuditEvent } from './audit-event.entity.ts';
import { AuditIdempotencyKey } from './audit-idempotency-key.entity.ts';

/** The audit module's entities, registered in db/entities.ts. */
export const auditEntities = [AuditEvent, AuditChain, AuditIdempotencyKey];
