import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { AuditSource } from './audit-event.entity.ts';
import type { AuditRecord } from './audit-record.ts';

/**
 * Raw SQL on the caller's transaction when it has one. Parameters are `?`; MikroORM inlines them, so bulk
 * rows travel as one JSON parameter (`json_populate_recordset`) rather than thousands of placeholders.
 */
export function sql<T = Record<string, unknown>>(
  em: EntityManager,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (em as unknown as SqlEntityManager).execute<T[]>(query, params);
}

/**
 * Like `sql`, but with `$1`, `$2`… bound by the server instead of inlined: for the batch inserts, whose one
 * JSON parameter is hundreds of kilobytes (inlining would escape it here and make the server parse it as a
 * literal), and the hot page read. In the caller's transaction it goes through the Kysely instance MikroORM
 * runs on, to use the transaction's connection; outside one, straight to MikroORM's `pg` pool (the same
 * pool, type parsers and autocommit, without Kysely's layers: a fifth of a millisecond per page read).
 * `prepared` (outside a transaction only) runs it as a named statement, which each connection parses and
 * PostgreSQL plans once: never on the PGlite server, whose connections share one session.
 */
export async function boundSql<T = Record<string, unknown>>(
  em: EntityManager,
  query: string,
  params: unknown[],
  options: { prepared?: boolean } = {},
): Promise<T[]> {
  if (!em.isInTransaction()) {
    const pool = await nativePool(em);
    const name = options.prepared ? statementName(query) : undefined;
    return (await pool.query({ name, text: query, values: params })).rows as T[];
  }
  const kysely = (em as unknown as SqlEntityManager).getKysely();
  const compiled = {
    sql: query,
    parameters: params,
    query: { kind: 'RawNode', sqlFragments: [query], parameters: [] },
    queryId: { queryId: 'audit-bound' },
  };
  const result = await kysely.executeQuery(compiled as unknown as Parameters<typeof kysely.executeQuery>[0]);
  return result.rows as T[];
}

interface NativePool {
  query(query: { name?: string | undefined; text: string; values: unknown[] }): Promise<{ rows: unknown[] }>;
}

/**
 * A name per distinct text, for the first MAX_PREPARED texts; later ones run unnamed. A connection keeps
 * each statement it prepared for its life, so the bound keeps that memory small (a page read has one text
 * per combination of filters, and few combinations are used).
 */
const MAX_PREPARED = 64;
const names = new Map<string, string>();

function statementName(text: string): string | undefined {
  const known = names.get(text);
  if (known || names.size >= MAX_PREPARED) return known;
  const name = `b24_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
  names.set(text, name);
  return name;
}

/** Asked each time, not kept: MikroORM makes a new pool when it reconnects. */
function nativePool(em: EntityManager): Promise<NativePool> {
  return (em.getConnection() as unknown as { getNativeClient(): Promise<NativePool> }).getNativeClient();
}

export const EVENT_COLUMNS =
  'id, seq, occurred_at, received_at, actor, on_behalf_of, session_key, ip, user_agent, action, ' +
  'target_type, target_id, metadata, source, idempotency_key, sealed, prev_hash, hash';

export interface EventRow {
  id: string;
  seq: string | number;
  occurred_at: Date | string;
  received_at: Date | string;
  actor: string | null;
  on_behalf_of: string | null;
  session_key: string | null;
  ip: string | null;
  user_agent: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  metadata: Record<string, unknown> | string;
  source: string;
  idempotency_key: string | null;
  sealed: Record<string, string> | string | null;
  prev_hash: string;
  hash: string;
}

const json = <T>(value: T | string): T => (typeof value === 'string' ? (JSON.parse(value) as T) : value);

export function toRecord(row: EventRow): AuditRecord {
  return {
    id: row.id,
    seq: Number(row.seq),
    occurredAt: new Date(row.occurred_at),
    receivedAt: new Date(row.received_at),
    actor: row.actor,
    onBehalfOf: row.on_behalf_of,
    sessionKey: row.session_key,
    ip: row.ip,
    userAgent: row.user_agent,
    action: row.action,
    targetType: row.target_type,
    targetId: row.target_id,
    metadata: json(row.metadata),
    source: row.source as AuditSource,
    idempotencyKey: row.idempotency_key,
    sealed: row.sealed === null ? null : json(row.sealed),
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}

/** The row as `json_populate_recordset(null::audit_event, …)` reads it. */
export function toColumns(record: AuditRecord): Record<string, unknown> {
  return {
    id: record.id,
    seq: record.seq,
    occurred_at: record.occurredAt.toISOString(),
    received_at: record.receivedAt.toISOString(),
    actor: record.actor,
    on_behalf_of: record.onBehalfOf,
    session_key: record.sessionKey,
    ip: record.ip,
    user_agent: record.userAgent,
    action: record.action,
    target_type: record.targetType,
    target_id: record.targetId,
    metadata: record.metadata,
    source: record.source,
    idempotency_key: record.idempotencyKey,
    sealed: record.sealed,
    prev_hash: record.prevHash,
    hash: record.hash,
  };
}

/**
 * An event's row as `toColumns` makes it, in JSON, without the columns the chain fixes (`receivedAt`, `seq`,
 * `prevHash`, `hash`) and without its closing brace: `audit_append` reads it with json_populate_recordset.
 * Written out rather than made from `toColumns`, which builds and then drops the chain columns: this runs
 * for every event of every batch (held to `toColumns` by test/audit/hash-prepared.test.ts).
 */
export function rowHead(event: Omit<AuditRecord, 'receivedAt' | 'seq' | 'prevHash' | 'hash'>): string {
  return JSON.stringify({
    id: event.id,
    occurred_at: event.occurredAt.toISOString(),
    actor: event.actor,
    on_behalf_of: event.onBehalfOf,
    session_key: event.sessionKey,
    ip: event.ip,
    user_agent: event.userAgent,
    action: event.action,
    target_type: event.targetType,
    target_id: event.targetId,
    metadata: event.metadata,
    source: event.source,
    idempotency_key: event.idempotencyKey,
    sealed: event.sealed,
  }).slice(0, -1);
}
