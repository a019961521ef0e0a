import type { EntityManager } from '@mikro-orm/core';
import { InvalidInputError } from '../../errors.ts';
import { decodeCursor, type Page, toPage } from '../../schema/keyset.ts';
import { type AuditRecord, USER_TARGET } from './audit-record.ts';
import { boundSql, EVENT_COLUMNS, type EventRow, toRecord } from './audit-sql.ts';

/** Subject ids are portal user ids, or `anon:…` pseudonyms of erased users. */
export type SubjectId = number | string;

export interface AuditFilter {
  actor?: SubjectId | null;
  onBehalfOf?: SubjectId | null;
  /** Actor, on-behalf-of or target user. */
  subject?: SubjectId | null;
  /** `message` matches message.edited and message.deleted; a full action matches itself. */
  actionPrefix?: string | null;
  sessionKey?: string | null;
  targetType?: string | null;
  targetId?: string | null;
  ip?: string | null;
  occurredFrom?: Date | null;
  occurredTo?: Date | null;
}

export type AuditPage = Page<AuditRecord>;

const PREFIX = /^[a-z]+(\.[a-z_]+)*$/;

/** The WHERE clause for a filter (every condition has an index that leads with it, ordered by time). */
export function whereOf(filter: AuditFilter): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  const add = (condition: string, ...values: unknown[]) => {
    conditions.push(condition);
    params.push(...values);
  };
  if (filter.actor != null) add('actor = ?', String(filter.actor));
  if (filter.onBehalfOf != null) add('on_behalf_of = ?', String(filter.onBehalfOf));
  if (filter.subject != null) {
    const id = String(filter.subject);
    add(`(actor = ? or on_behalf_of = ? or (target_type = '${USER_TARGET}' and target_id = ?))`, id, id, id);
  }
  if (filter.actionPrefix != null) {
    const prefix = filter.actionPrefix.replace(/\.$/, '');
    if (!PREFIX.test(prefix))
      throw new InvalidInputError('filter.actionPrefix', 'Give a dotted action prefix.');
    add(`(action = ? or action like ? escape '!')`, prefix, `${prefix.replaceAll('_', '!_')}.%`);
  }
  if (filter.sessionKey != null) add('session_key = ?', filter.sessionKey.toLowerCase());
  if (filter.targetType != null) add('target_type = ?', filter.targetType);
  if (filter.targetId != null) add('target_id = ?', filter.targetId);
  if (filter.ip != null) add('ip = ?', filter.ip);
  if (filter.occurredFrom != null) add('occurred_at >= ?', filter.occurredFrom);
  if (filter.occurredTo != null) add('occurred_at < ?', filter.occurredTo);
  return { where: conditions.length > 0 ? conditions.join(' and ') : 'true', params };
}

/** Newest first: (occurred_at, id) descending, strictly after the cursor. */
export async function queryEvents(
  em: EntityManager,
  filter: AuditFilter,
  first: number,
  after?: string | null,
  options: { prepared?: boolean } = {},
): Promise<AuditPage> {
  const { where, params } = whereOf(filter);
  const position = after ? decodeCursor(after) : null;
  const keyset = position ? ' and (occurred_at, id) < (?, ?)' : '';
  // The limit is written into the text, not bound: a prepared statement runs on its generic plan (see
  // db/mikro-orm.config.ts), and with an unknown limit PostgreSQL plans that for a tenth of the table.
  if (!Number.isInteger(first) || first < 1) throw new Error(`page size must be a whole number: ${first}`);
  // Bound by the server (`$n`), not inlined by MikroORM: the page is the hot read, and inlining and
  // re-parsing its literals costs more than the query itself on a small page.
  let n = 0;
  const rows = await boundSql<EventRow>(
    em,
    `select ${EVENT_COLUMNS} from audit_event where ${where}${keyset}
      order by occurred_at desc, id desc limit ${first + 1}`.replace(/\?/g, () => `$${++n}`),
    [...params, ...(position ? [position.at, position.id] : [])],
    options,
  );
  return toPage(rows.map(toRecord), first, (r) => ({ at: r.occurredAt, id: r.id }), Boolean(after));
}
