import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * Why we can or cannot read a user's chat events: `usable` (their own credentials worked when last
 * tried), `missing` (we were never given them), `dead` (the portal refused them for good). Users who left
 * the portal have no row: their events can no longer be read (a deactivated account's token is refused).
 */
export const CHAT_CAPTURE_STATES = ['usable', 'missing', 'dead'] as const;
export type ChatCaptureState = (typeof CHAT_CAPTURE_STATES)[number];

/**
 * One row per active employee: where we are in their `im.v2` event log, whether they are subscribed, and
 * whether their credentials let us read it. `offset` is written in the transaction that stores the
 * versions of the page it acknowledges (chat-poller.ts), so a page is never stored twice.
 */
export const ChatPollCursorSchema = defineEntity({
  name: 'ChatPollCursor',
  tableName: 'chat_poll_cursor',
  extends: BaseSchema,
  properties: {
    userId: p.integer().unique(),
    /** The next `offset` for `im.v2.Event.get` (its last `nextOffset`); null before the first page. */
    offset: p.bigint('number').nullable(),
    /** When `im.v2.Event.subscribe` succeeded with the user's own credentials; null: not yet. */
    subscribedAt: p.datetime().nullable(),
    state: p.enum(CHAT_CAPTURE_STATES),
    /** Why not usable, as said to administrators (never a token). */
    reason: p.text().nullable(),
    /** Since when the state holds (a dead token: since the first refusal). */
    stateSince: p.datetime(),
    /** The last page read (or tried) of this user's log. */
    lastPolledAt: p.datetime().nullable(),
  },
  indexes: [{ properties: ['state'] }],
});

export class ChatPollCursor extends ChatPollCursorSchema.class {}
ChatPollCursorSchema.setClass(ChatPollCursor);
