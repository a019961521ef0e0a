import { renderCell } from '../dsr/export/cells.ts';
import type { AuditRecord } from './audit-record.ts';

/**
 * The session key itself only its administrator may see (it would let others file actions under the
 * session): files carry `session_ref`, the keyed identifier GraphQL shows everyone else.
 */
export type SessionRefOf = (sessionKey: string | null) => string | null;

/** The audit log as CSV: one column list and one row shape for the live export and the weekly files alike. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'seq',
  'occurred_at',
  'received_at',
  'actor',
  'on_behalf_of',
  'session_ref',
  'ip',
  'user_agent',
  'action',
  'target_type',
  'target_id',
  'metadata',
  'source',
  'prev_hash',
  'hash',
] as const;

/** Text cells are neutralised against spreadsheet formula injection, like the GDPR export's. */
export function auditCsvRow(e: AuditRecord, sessionRef: SessionRefOf): (string | number)[] {
  return [
    e.id,
    e.seq,
    e.occurredAt,
    e.receivedAt,
    e.actor,
    e.onBehalfOf,
    sessionRef(e.sessionKey),
    e.ip,
    e.userAgent,
    e.action,
    e.targetType,
    e.targetId,
    JSON.stringify(e.metadata),
    e.source,
    e.prevHash,
    e.hash,
  ].map(renderCell);
}
