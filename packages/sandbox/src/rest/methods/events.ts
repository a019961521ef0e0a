import type { EventBinding } from '../../state/types.ts';
import { accessDenied, methodError } from '../errors.ts';
import { type MethodContext, type MethodDef, ok } from '../registry.ts';

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
 * Application events (api-reference/common/events/on-app-install.md, on-app-uninstall.md): only an
 * application can bind them, so only in an OAuth context.
 */
export const APP_EVENTS = new Set(['ONAPPINSTALL', 'ONAPPUNINSTALL']);

/** The app whose handlers a call sees: an OAuth call sees only its own app's (event-get.md). */
function appIdOf(ctx: MethodContext): number | undefined {
  return ctx.auth.type === 'oauth' ? ctx.auth.app.id : undefined;
}

function visible(ctx: MethodContext, b: EventBinding): boolean {
  return b.appId === appIdOf(ctx);
}

/**
 * api-reference/events/event-{bind,unbind,get}.md. On a real portal these need an application
 * context; the sandbox also takes them through a webhook, standing in for an outbound webhook
 * configured in the UI. Handlers bound by an application carry its id: they get its
 * `application_token` and tokens, and only once it is installed.
 */
export const eventMethods: MethodDef[] = [
  {
    name: 'event.bind',
    handler: (ctx) => {
      const { params, portal, caller } = ctx;
      const event = (params.str('event') ?? '').toUpperCase();
      const appEvent = APP_EVENTS.has(event) && ctx.auth.type === 'oauth';
      if (!KNOWN_EVENTS.has(event) && !appEvent)
        throw methodError('ERROR_EVENT_NOT_FOUND', 'Event not found');
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
          visible(ctx, b) &&
          b.event === event &&
          b.handler === handler &&
          b.authType === authType &&
          b.eventType === eventType
        ) {
          throw methodError('ERROR_HANDLER_ALREADY_EXIST', 'Handler already exists!');
        }
      }
      const id = portal.state.nextId('eventBinding');
      const appId = appIdOf(ctx);
      portal.state.eventBindings.set(id, {
        id,
        event,
        handler,
        authType,
        eventType,
        createdBy: caller.ID,
        ...(appId !== undefined ? { appId } : {}),
      });
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
        if (!visible(ctx, b)) continue;
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
        [...ctx.portal.state.eventBindings.values()]
          .filter((b) => visible(ctx, b))
          .map((b) => ({
            event: b.event,
            handler: b.handler,
            auth_type: String(b.authType),
            offline: b.eventType === 'offline' ? 1 : 0,
          })),
      ),
  },
];
