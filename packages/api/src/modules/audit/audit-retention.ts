import type { EntityManager } from '@mikro-orm/core';
import { inTransaction, lockChain } from './audit-chain.ts';
import { createPartition, listPartitions, monthOf, partitionFor } from './audit-partitions.ts';
import type { AuditEventDraft } from './audit-record.ts';
import { sql } from './audit-sql.ts';
import { PURGE_ACTION } from './audit-tree-verify.ts';

export interface MaintenanceOutcome {
  created: string[];
  purged: string[];
  checkpoint: { seq: number; hash: string } | null;
}

/** Partitions kept ready beyond the current month, so writers rarely create one. */
const MONTHS_AHEAD = 2;

/**
 * Creates the partitions of this month and the next ones, and drops every partition whose whole month is
 * older than the retention period. Before a partition goes, its last event (seq and hash) becomes the
 * checkpoint the verifier starts from, so the rest of the chain stays verifiable. Runs under the chain lock:
 * no writer appends while partitions change. The purge is itself an event (PURGE_ACTION, with the
 * checkpoint and the cutoff), so the tree's signed heads cover it: a checkpoint no such event records is a
 * deletion (audit-tree-verify.ts). The tree's leaves stay: only event rows go.
 */
export function maintain(
  em: EntityManager,
  now: Date,
  retentionDays: number,
  record: (tx: EntityManager, drafts: AuditEventDraft[]) => Promise<unknown>,
): Promise<MaintenanceOutcome> {
  return inTransaction(em, async (tx) => {
    const head = await lockChain(tx);
    const existing = new Set((await listPartitions(tx)).map((p) => p.name));
    const created: string[] = [];
    for (let offset = 0; offset <= MONTHS_AHEAD; offset++) {
      const partition = partitionFor(monthOf(now, offset));
      if (existing.has(partition.name)) continue;
      await createPartition(tx, partition);
      created.push(partition.name);
    }
    const cutoff = new Date(now.getTime() - retentionDays * 86_400_000);
    const purged: string[] = [];
    let checkpoint: MaintenanceOutcome['checkpoint'] = null;
    for (const partition of await listPartitions(tx)) {
      if (partition.to > cutoff) break;
      const [last] = await sql<{ seq: string; hash: string }>(
        tx,
        `select seq, hash from "${partition.name}" order by seq desc limit 1`,
      );
      if (last && Number(last.seq) > (checkpoint?.seq ?? head.checkpointSeq)) {
        checkpoint = { seq: Number(last.seq), hash: last.hash };
      }
      await sql(
        tx,
        `delete from audit_idempotency_key k using "${partition.name}" e where e.idempotency_key = k.key`,
      );
      await sql(tx, `drop table "${partition.name}"`);
      purged.push(partition.name);
    }
    if (checkpoint) {
      await sql(
        tx,
        'update audit_chain set checkpoint_seq = ?, checkpoint_hash = ?, checkpoint_at = ? where id = 1',
        [checkpoint.seq, checkpoint.hash, now],
      );
      await record(tx, [
        {
          action: PURGE_ACTION,
          actorId: null,
          source: 'api',
          metadata: {
            partitions: purged,
            throughSeq: checkpoint.seq,
            checkpointHash: checkpoint.hash,
            cutoff: cutoff.toISOString(),
            retentionDays,
          },
        },
      ]);
    }
    return { created, purged, checkpoint };
  });
}
