import { defineEntity, p } from '@mikro-orm/core';

/**
 * The Merkle tree over the audit log (audit-tree.ts), one per log id (`audit_chain.id`: log 1 until each
 * portal has its own). Written only by `audit_append` and the head signer, in raw SQL; these definitions
 * keep the schema check honest.
 */

/** Leaf `idx` (the event's seq − 1): SHA-256(0x00 ‖ canonical JSON). Kept when retention drops the event. */
export const AuditLeafSchema = defineEntity({
  name: 'AuditLeaf',
  tableName: 'audit_leaf',
  properties: {
    logId: p.integer().primary().autoincrement(false),
    idx: p.bigint('number').primary(),
    hash: p.blob(),
  },
});
export class AuditLeaf extends AuditLeafSchema.class {}
AuditLeafSchema.setClass(AuditLeaf);

/**
 * A tile (C2SP tlog-tiles, height 8): the hashes of the complete nodes of tree level 8·`level`, numbers
 * 256·`idx` to 256·`idx` + 255, concatenated (fewer while the tile is partial). Level 0 is `audit_leaf`.
 */
export const AuditTileSchema = defineEntity({
  name: 'AuditTile',
  tableName: 'audit_tile',
  properties: {
    logId: p.integer().primary().autoincrement(false),
    level: p.smallint().primary(),
    idx: p.bigint('number').primary(),
    hashes: p.blob(),
  },
});
export class AuditTile extends AuditTileSchema.class {}
AuditTileSchema.setClass(AuditTile);

/** A signed tree head the API issued (audit-tree-head.ts has the signed bytes); one per log and size. */
export const AuditTreeHeadSchema = defineEntity({
  name: 'AuditTreeHead',
  tableName: 'audit_tree_head',
  properties: {
    logId: p.integer().primary().autoincrement(false),
    treeSize: p.bigint('number').primary(),
    rootHash: p.blob(),
    issuedAt: p.datetime(),
    /** The signing key's id (modules/keys: first 16 hex of the SHA-256 of its SPKI DER). */
    keyId: p.string().length(64),
    signature: p.blob(),
  },
});
export class AuditTreeHead extends AuditTreeHeadSchema.class {}
AuditTreeHeadSchema.setClass(AuditTreeHead);
