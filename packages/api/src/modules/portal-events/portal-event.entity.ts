import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * The inbox of events the portal pushed to `/bitrix24/events`. The portal never retries a delivery, so
 * the handler stores the verified delivery first and answers; processing (which calls the portal back)
 * happens afterwards and is retried from here until it succeeds. The application token is not stored.
 */
export const PortalEventSchema = defineEntity({
  name: 'PortalEvent',
  tableName: 'portal_event',
  extends: BaseSchema,
  properties: {
    event: p.string().length(64),
    /** The form fields as posted (`data[FIELDS][POST_ID]`, `ts`, `auth[domain]`…), less the token. */
    payload: p.json<Record<string, string>>(),
    processedAt: p.datetime().nullable(),
    /** A processor holds the row until then; after it, another may take over. */
    claimedUntil: p.datetime().nullable(),
    attempts: p.integer().default(0),
    /** Last failure, or why the event was skipped (e.g. the post was gone). */
    error: p.text().nullable(),
  },
  indexes: [{ properties: ['processedAt', 'claimedUntil'] }],
});

export class PortalEvent extends PortalEventSchema.class {}
PortalEventSchema.setClass(PortalEvent);
