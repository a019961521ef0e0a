import { createHash } from 'node:crypto';
import { Readable, Transform } from 'node:stream';
import type { EntityManager } from '@mikro-orm/core';
import { stringify } from 'csv-stringify';
import { AUDIT_CSV_COLUMNS, auditCsvRow, type SessionRefOf } from '../audit/audit-csv.ts';
import type { AuditRecord } from '../audit/audit-record.ts';
import { EVENT_COLUMNS, type EventRow, sql, toRecord } from '../audit/audit-sql.ts';
import { renderCell } from '../dsr/export/cells.ts';

const PAGE = 2_000;
type Period = { start: Date; end: Date };

/** The week's events by seq (received-at grows with seq, so a week is one run of the chain), page by page. */
export async function* weekEvents(em: EntityManager, period: Period): AsyncGenerator<AuditRecord> {
  let after = -1;
  for (;;) {
    const rows = await sql<EventRow>(
      em.fork(),
      `select ${EVENT_COLUMNS} from audit_event where received_at >= ? and received_at < ? and seq > ?
        order by seq limit ?`,
      [period.start, period.end, after, PAGE],
    );
    for (const row of rows) yield toRecord(row);
    if (rows.length < PAGE) return;
    after = Number(rows.at(-1)!.seq);
  }
}

export async function chainSummary(em: EntityManager, period: Period) {
  const [agg] = await sql<{ count: string | number; first: string | null; last: string | null }>(
    em,
    `select count(*) as count, min(seq) as first, max(seq) as last from audit_event
      where received_at >= ? and received_at < ?`,
    [period.start, period.end],
  );
  const count = Number(agg?.count ?? 0);
  if (!count || agg?.first == null || agg.last == null)
    return {
      eventCount: 0,
      firstSeq: null,
      lastSeq: null,
      firstPrevHash: null,
      firstHash: null,
      lastHash: null,
    };
  const rows = await sql<{ seq: string | number; prev_hash: string; hash: string }>(
    em,
    'select seq, prev_hash, hash from audit_event where seq in (?, ?) and received_at >= ? and received_at < ?',
    [agg.first, agg.last, period.start, period.end],
  );
  const first = rows.find((r) => String(r.seq) === String(agg.first));
  const last = rows.find((r) => String(r.seq) === String(agg.last));
  return {
    eventCount: count,
    firstSeq: Number(agg.first),
    lastSeq: Number(agg.last),
    firstPrevHash: first?.prev_hash ?? null,
    firstHash: first?.hash ?? null,
    lastHash: last?.hash ?? null,
  };
}

export function eventsCsv(em: EntityManager, period: Period, sessionRef: SessionRefOf): Readable {
  async function* rows() {
    yield [...AUDIT_CSV_COLUMNS];
    for await (const e of weekEvents(em, period)) yield auditCsvRow(e, sessionRef);
  }
  return Readable.from(rows()).pipe(stringify());
}

/**
 * One JSON object per line as stored (including sealed commitments), except the session key, which only
 * its administrator may see: `sessionRef` stands in its place (the hash covers the key's commitment).
 */
export function eventsJsonl(em: EntityManager, period: Period, sessionRef: SessionRefOf): Readable {
  async function* lines() {
    for await (const { sessionKey, ...e } of weekEvents(em, period)) {
      yield `${JSON.stringify({ ...e, sessionRef: sessionRef(sessionKey) })}\n`;
    }
  }
  return Readable.from(lines());
}

export const IMPERSONATION_COLUMNS = [
  'id',
  'admin_user_id',
  'impersonated_user_id',
  'session_ref',
  'ip',
  'user_agent',
  'reason',
  'source',
  'started_at',
  'ended_at',
  'end_reason',
] as const;

/** Sessions that overlap the week (started before its end, not ended before its start). */
export function impersonationsCsv(em: EntityManager, period: Period, sessionRef: SessionRefOf): Readable {
  return tableCsv(
    em,
    [...IMPERSONATION_COLUMNS],
    `select ${selectList(IMPERSONATION_COLUMNS)} from impersonation_session
      where started_at < ? and (ended_at is null or ended_at >= ?)`,
    [period.end, period.start],
    'started_at',
    sessionRef,
  );
}

/** Versions recorded in the week; the texts themselves stay in the edit history (their hashes are here). */
export const EDIT_COLUMNS = [
  'id',
  'entity_type',
  'entity_id',
  'version',
  'deleted',
  'edited_at',
  'editor',
  'session_ref',
  'text_hash',
  'source',
] as const;

export function editsCsv(em: EntityManager, period: Period, sessionRef: SessionRefOf): Readable {
  return tableCsv(
    em,
    [...EDIT_COLUMNS],
    `select ${selectList(EDIT_COLUMNS)} from content_version where edited_at >= ? and edited_at < ?`,
    [period.start, period.end],
    'edited_at',
    sessionRef,
  );
}

/** The columns as selected: `session_ref` is read as the key and replaced row by row (`tableCsv`). */
function selectList(columns: readonly string[]): string {
  return columns.map((c) => (c === 'session_ref' ? 'session_key as session_ref' : c)).join(', ');
}

function tableCsv(
  em: EntityManager,
  columns: string[],
  query: string,
  params: unknown[],
  at: string,
  sessionRef: SessionRefOf,
): Readable {
  async function* rows() {
    yield columns;
    let position: [Date, string] | null = null;
    for (;;) {
      const keyset: string = position ? ` and (${at}, id) > (?, ?)` : '';
      const page: Record<string, unknown>[] = await sql(
        em.fork(),
        `${query}${keyset} order by ${at}, id limit ?`,
        [...params, ...(position ?? []), PAGE],
      );
      for (const row of page) {
        if ('session_ref' in row) row.session_ref = sessionRef((row.session_ref as string | null) ?? null);
        yield columns.map((c) => renderCell(cellOf(row[c])));
      }
      if (page.length < PAGE) return;
      const last = page.at(-1)!;
      position = [new Date(last[at] as string), String(last.id)];
    }
  }
  return Readable.from(rows()).pipe(stringify());
}

function cellOf(value: unknown): string | number | boolean | Date | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date || typeof value === 'number' || typeof value === 'boolean') return value;
  return String(value);
}

/** Passes a stream through while counting its bytes and hashing them. */
export function hashing(source: Readable): {
  stream: Readable;
  result: () => { sha256: string; bytes: number };
} {
  const hash = createHash('sha256');
  let bytes = 0;
  const through = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
  });
  source.on('error', (error) => through.destroy(error));
  source.pipe(through);
  let digest: string | null = null;
  return {
    stream: through,
    result: () => {
      digest ??= hash.digest('hex');
      return { sha256: digest, bytes };
    },
  };
}
