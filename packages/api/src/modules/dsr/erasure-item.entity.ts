import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/** SKIPPED: gone from the portal before the erasure reached it (deleted by its author since the preview). */
export const ERASURE_ITEM_STATES = ['PENDING', 'IN_FLIGHT', 'DONE', 'KEPT', 'SKIPPED'] as const;
export type ErasureItemState = (typeof ERASURE_ITEM_STATES)[number];

/**
 * The erasure ledger: one row per portal item an erasure will delete (or keeps, with the reason).
 * IN_FLIGHT is written before the portal is asked to delete, so a crash between the call and its
 * acknowledgement is resolved by checking the portal, never by deleting twice.
 */
export const ErasureItemSchema = defineEntity({
  name: 'ErasureItem',
  tableName: 'erasure_item',
  extends: BaseSchema,
  properties: {
    requestId: p.uuid(),
    category: p.string().length(40),
    portalId: p.string().length(100),
    state: p.enum(ERASURE_ITEM_STATES),
    /** For KEPT items: why (shown to the administrator and in the result). */
    reason: p.text().nullable(),
    /** What the item is, in words a person understands (chat name, post title). */
    label: p.text().nullable(),
    /** Not in the confirmed preview: found when the plan was collected again at execution. */
    addedSincePreview: p.boolean().default(false),
    /** For KEPT items: the deletion was attempted and failed, so this is an exception, not a retention rule. */
    failed: p.boolean().default(false),
  },
  uniques: [{ properties: ['requestId', 'category', 'portalId'] }],
  indexes: [{ properties: ['requestId', 'state'] }],
});

export class ErasureItem extends ErasureItemSchema.class {}
ErasureItemSchema.setClass(ErasureItem);
