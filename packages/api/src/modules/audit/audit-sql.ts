import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import type { SqlEntityManager } from '@mikro-orm/postgresql';
import type { AuditSource } from './audit-event.entity.ts';
import type { AuditRecord } from './audit-record.ts';

/**
 * Raw SQL on the caller's transaction when it has one. Parameters are `?`; MikroORM inlines them.
 */
export function sql<T = Record<string, unknown>>(
  em: EntityManager,
  query: string,
  params: unknown[] = [],
): Promise<T[]> {
  return (em as unknown as SqlEntityManager).execute<T[]>(query, params);
}

/**
 * Like `sql`, but with `$1`, `$2`… bound by the server instead of inlined: for the batch appends, whose
 * column arrays are hundreds of kilobytes (inlining would escape them here and make the server parse them as
 * literals), and the hot page read. In the caller's transaction it goes through the Kysely instance MikroORM
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

/** An event ready to be appended: all but what the chain fixes. Events are appended unsealed. */
export type UnchainedEvent = Omit<AuditRecord, 'receivedAt' | 'seq' | 'prevHash' | 'hash'>;

/**
 * The columns `audit_append` takes after its first four, in its parameter order, and each one's value.
 * Metadata goes as JSON text, since `pg` would take an array value for a nested array.
 */
const APPEND_COLUMNS: readonly (readonly [column: string, value: (e: UnchainedEvent) => unknown])[] = [
  ['id', (e) => e.id],
  ['occurred_at', (e) => e.occurredAt.toISOString()],
  ['actor', (e) => e.actor],
  ['on_behalf_of', (e) => e.onBehalfOf],
  ['session_key', (e) => e.sessionKey],
  ['ip', (e) => e.ip],
  ['user_agent', (e) => e.userAgent],
  ['action', (e) => e.action],
  ['target_type', (e) => e.targetType],
  ['target_id', (e) => e.targetId],
  ['metadata', (e) => JSON.stringify(e.metadata)],
  ['source', (e) => e.source],
];

/**
 * The events as `audit_append` takes them: one array per column, stored as given (held to it by
 * test/audit/chain.test.ts). `pg` writes each as an array literal, which PostgreSQL parses while binding
 * the call, before the chain lock.
 */
export function appendColumns(events: readonly UnchainedEvent[]): unknown[][] {
  if (events.some((e) => e.sealed !== null)) throw new Error('unreachable: events are appended unsealed');
  return APPEND_COLUMNS.map(([, value]) => events.map(value));
}
