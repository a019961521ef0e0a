import type { EntityManager } from '@mikro-orm/core';
import { sql } from './audit-sql.ts';

/**
 * audit_event is partitioned by month of `received_at` (UTC), one table per month named
 * audit_event_pYYYYMM. Because `received_at` is taken from the database clock under the chain lock, it grows
 * with `seq`: each partition holds a contiguous run of the chain, and dropping the oldest partitions removes
 * a prefix of it, which the checkpoint then stands in for.
 */
export interface Partition {
  name: string;
  from: Date;
  to: Date;
}

const NAME = /^audit_event_p(\d{4})(\d{2})$/;

export function monthOf(at: Date, offset = 0): Date {
  return new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + offset, 1));
}

export function partitionFor(at: Date): Partition {
  const from = monthOf(at);
  const to = monthOf(at, 1);
  const name = `audit_event_p${from.getUTCFullYear()}${String(from.getUTCMonth() + 1).padStart(2, '0')}`;
  return { name, from, to };
}

/** Creates the month's partition if it is missing. Callers hold the chain lock, so creators never race. */
export async function createPartition(em: EntityManager, partition: Partition): Promise<void> {
  await sql(
    em,
    `create table if not exists "${partition.name}" partition of "audit_event" ` +
      `for values from ('${partition.from.toISOString()}') to ('${partition.to.toISOString()}')`,
  );
}

/** The partitions that exist, oldest first. */
export async function listPartitions(em: EntityManager): Promise<Partition[]> {
  const rows = await sql<{ name: string }>(
    em,
    `select c.relname as name from pg_inherits i join pg_class c on c.oid = i.inhrelid
      where i.inhparent = 'audit_event'::regclass`,
  );
  return rows
    .map(({ name }) => {
      const match = NAME.exec(name);
      return match ? partitionFor(new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, 1))) : null;
    })
    .filter((p): p is Partition => p !== null)
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}
