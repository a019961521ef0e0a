import { renderCell } from '../dsr/export/cells.ts';
import type { AuditRecord } from './audit-record.ts';

/** The audit log as CSV: one column list and one row shape for the live export and the weekly files alike. */
export const AUDIT_CSV_COLUMNS = [
  'id',
  'seq',
  'occurred_at',
  'received_at',
  'actor',
  'on_behalf_of',
  'session_key',
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
export function auditCsvRow(e: AuditRecord): (string | number)[] {
  return [
    e.id,
    e.seq,
    e.occurredAt,
    e.receivedAt,
    e.actor,
    e.onBehalfOf,
    e.sessionKey,
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
