import { defineEntity, p } from '@mikro-orm/core';

/**
 * The chain's head and retention checkpoint: one row (id 1), created by the migration, written under the
 * chain lock. The head lets the verifier notice events removed from the end; the checkpoint (seq and hash
 * of the last purged event) is where verification starts once old partitions were dropped. `id` is the log
 * id of the Merkle tree whose leaves the events are (audit-tree.entity.ts).
 */
export const AuditChainSchema = defineEntity({
  name: 'AuditChain',
  tableName: 'audit_chain',
  properties: {
    id: p.integer().primary().autoincrement(false),
    seq: p.bigint('number'),
    hash: p.string().length(64),
    lastEventId: p.uuid().nullable(),
    checkpointSeq: p.bigint('number'),
    checkpointHash: p.string().length(64),
    checkpointAt: p.datetime().nullable(),
    /** The Merkle tree's perfect subtrees' roots, left to right, 32 bytes each (audit_append keeps it). */
    treeFrontier: p.blob(),
  },
});

export class AuditChain extends AuditChainSchema.class {}
AuditChainSchema.setClass(AuditChain);
