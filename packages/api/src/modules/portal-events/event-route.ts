import type { Context } from 'hono';
import type { AppServices } from '../../app-services.ts';
import { acceptsApplicationToken } from './application-token.ts';
import { isHandledEvent } from './events.ts';
import { payloadIdProblem } from './payload-shape.ts';

/** Deliveries carry a few ids; anything this large is not from the portal. */
const MAX_BODY_BYTES = 64 * 1024;

/**
 * `POST /bitrix24/events`: the portal's event handler. Verifies `auth[application_token]`, stores the
 * delivery in the inbox and answers at once; the portal does not retry, so nothing slow (no portal call)
 * happens before the answer. Processing follows in the background and is retried from the inbox.
 */
export async function receivePortalEvent(c: Context, services: AppServices): Promise<Response> {
  const declared = Number(c.req.header('content-length') ?? 0);
  if (declared > MAX_BODY_BYTES) return c.json({ error: 'too large' }, 413);
  const raw = await c.req.text();
  if (raw.length > MAX_BODY_BYTES) return c.json({ error: 'too large' }, 413);
  const form = new URLSearchParams(raw);
  if (
    !(await acceptsApplicationToken(form.get('auth[application_token]'), services.config, services.portal))
  ) {
    services.logger.warn({ event: form.get('event') }, 'portal event refused: unknown application token');
    return c.json({ error: 'unknown application token' }, 401);
  }
  const event = (form.get('event') ?? '').toUpperCase();
  if (!isHandledEvent(event)) return c.json({ status: 'ignored' });
  // Text was checked on the way in (http/input-shape.ts); ids are checked here, where their keys are known.
  const badId = payloadIdProblem(form);
  if (badId)
    return c.json({ error: `${badId} must be a portal id (a positive integer).`, field: badId }, 400);
  const payload: Record<string, string> = {};
  for (const [key, value] of form) {
    if (
      key === 'auth[application_token]' ||
      key.startsWith('auth[access_token') ||
      key.startsWith('auth[refresh_token')
    )
      continue;
    payload[key] = value;
  }
  const stored = await services.portalEvents.receive(services.orm.em.fork(), event, payload);
  services.portalEvents.drainSoon();
  return c.json({ status: 'stored', id: stored.id });
}
