import { accessDenied, methodError } from '../errors.ts';
import { type MethodDef, ok } from '../registry.ts';

/** Events the sandbox knows (BITRIX24.md "Events"); the Live Feed and task comment ones are emitted. */
export const KNOWN_EVENTS = new Set([
  'ONLIVEFEEDPOSTADD',
  'ONLIVEFEEDPOSTUPDATE',
  'ONLIVEFEEDPOSTDELETE',
  'ONUSERADD',
  'ONTASKADD',
  'ONTASKUPDATE',
  'ONTASKDELETE',
  'ONTASKCOMMENTADD',
  'ONTASKCOMMENTUPDATE',
  'ONTASKCOMMENTDELETE',
  'ONCALENDARENTRYADD',
  'ONCALENDARENTRYUPDATE',
  'ONCALENDARENTRYDELETE',
]);

/**
 * api-reference/events/event-{bind,unbind,get}.md. On a real portal these need an application
 * context; the sandbox also takes them through a webhook, standing in for an outbound webhook
 * configured in the UI.
 */
export const eventMethods: MethodDef[] = [
  {
    name: 'event.bind',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      const event = (params.str('event') ?? '').toUpperCase();
      if (!KNOWN_EVENTS.has(event)) throw methodError('ERROR_EVENT_NOT_FOUND', 'Event not found');
      const handler = params.str('handler') ?? '';
      if (!/^https?:\/\//i.test(handler)) throw methodError('ERROR_ARGUMENT', 'Handler URL is not valid');
      const eventType =
        (params.str('event_type') ?? 'online').toLowerCase() === 'offline' ? 'offline' : 'online';
      const authType = params.int('auth_type') ?? 0;
      // Non-administrators: no offline events, and only their own auth_type (event-bind.md).
      if (!caller.isAdmin && (eventType === 'offline' || (authType !== 0 && authType !== caller.ID)))
        throw accessDenied();
      for (const b of portal.state.eventBindings.values()) {
        if (
          b.event === event &&
          b.handler === handler &&
          b.authType === authType &&
          b.eventType === eventType
        ) {
          throw methodError('ERROR_HANDLER_ALREADY_EXIST', 'Handler already exists!');
        }
      }
      const id = portal.state.nextId('eventBinding');
      portal.state.eventBindings.set(id, { id, event, handler, authType, eventType, createdBy: caller.ID });
      return ok(true);
    },
  },
  {
    // Administrators only; missing parameters match everything; answers `{ count }`.
    name: 'event.unbind',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      if (!caller.isAdmin) throw accessDenied();
      const event = params.str('event')?.toUpperCase();
      const handler = params.str('handler');
      const authType = params.int('auth_type');
      const eventType = (params.str('event_type') ?? 'online').toLowerCase();
      let count = 0;
      for (const b of [...portal.state.eventBindings.values()]) {
        if (event && b.event !== event) continue;
        if (handler && b.handler !== handler) continue;
        if (authType !== undefined && b.authType !== authType) continue;
        if (b.eventType !== eventType) continue;
        portal.state.eventBindings.delete(b.id);
        count++;
      }
      return ok({ count });
    },
  },
  {
    name: 'event.get',
    handler: (ctx) =>
      ok(
        [...ctx.portal.state.eventBindings.values()].map((b) => ({
          event: b.event,
          handler: b.handler,
          auth_type: String(b.authType),
          offline: b.eventType === 'offline' ? 1 : 0,
        })),
      ),
  },
];
