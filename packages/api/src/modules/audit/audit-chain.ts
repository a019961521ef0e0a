import type { EntityManager } from '@mikro-orm/core';
import { sql } from './audit-sql.ts';

/** `pg_advisory_xact_lock(CHAIN_LOCK)`: one writer extends the chain at a time; released at commit. */
const CHAIN_LOCK = [0x62323467, 0x61756469] as const; // "b24g", "audi"

export interface ChainHead {
  seq: number;
  hash: string;
  lastEventId: string | null;
  checkpointSeq: number;
  checkpointHash: string;
  checkpointAt: Date | null;
  /** The database clock, read after the lock was taken. */
  now: Date;
}

/** Takes the chain lock for the caller's transaction and reads the head. */
export async function lockChain(em: EntityManager): Promise<ChainHead> {
  await sql(em, 'select pg_advisory_xact_lock(?, ?)', [...CHAIN_LOCK]);
  // A separate statement, so its snapshot is taken after the lock: it sees the previous writer's commit.
  return readHead(em);
}

export async function readHead(em: EntityManager): Promise<ChainHead> {
  const [row] = await sql<{
    seq: string;
    hash: string;
    last_event_id: string | null;
    checkpoint_seq: string;
    checkpoint_hash: string;
    checkpoint_at: Date | null;
    now: Date;
  }>(em, 'select *, clock_timestamp() as now from audit_chain where id = 1');
  if (!row) throw new Error('audit_chain has no head row: migrations not applied');
  return {
    seq: Number(row.seq),
    hash: row.hash,
    lastEventId: row.last_event_id,
    checkpointSeq: Number(row.checkpoint_seq),
    checkpointHash: row.checkpoint_hash,
    checkpointAt: row.checkpoint_at ? new Date(row.checkpoint_at) : null,
    now: new Date(row.now),
  };
}

/** Runs `work` in the caller's transaction, or in a new one when the caller has none. */
export function inTransaction<T>(em: EntityManager, work: (tx: EntityManager) => Promise<T>): Promise<T> {
  return em.isInTransaction() ? work(em) : em.transactional(work);
}
