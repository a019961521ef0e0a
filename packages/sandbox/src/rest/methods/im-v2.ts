import { readEvents } from '../../events/im-v2.ts';
import { type MethodDef, ok } from '../registry.ts';

/** api-reference/chat-bots/chat-bots-v2/im.v2/events/event-{subscribe,get,unsubscribe}.md */
export const imV2Methods: MethodDef[] = [
  {
    name: 'im.v2.Event.subscribe',
    handler: (ctx) => {
      ctx.portal.state.imSubscribers.add(ctx.caller.ID);
      return ok(true);
    },
  },
  {
    // Stops recording; what is recorded stays readable until 24 h pass or `offset` acknowledges it
    // (event-unsubscribe.md, events/index.md). Idempotent.
    name: 'im.v2.Event.unsubscribe',
    handler: (ctx) => {
      ctx.portal.state.imSubscribers.delete(ctx.caller.ID);
      return ok(true);
    },
  },
  {
    // Without a subscription the log is empty (event-get.md). limit 1–1000, default 100.
    name: 'im.v2.Event.get',
    handler: (ctx) => {
      const limit = Math.min(Math.max(ctx.params.int('limit') ?? 100, 1), 1000);
      return ok(readEvents(ctx.portal, ctx.caller.ID, ctx.params.int('offset'), limit));
    },
  },
];
