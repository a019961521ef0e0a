import type { Context } from 'hono';
import type { AppServices } from '../app-services.ts';
import { endOf } from '../modules/impersonation/session-end.ts';
import { findVisibleSession } from '../modules/impersonation/visibility.ts';

/**
 * GET /impersonation-sessions/:id — where the alert's link points: the session as JSON, for the people
 * who may see it (bearer token). The extension's console shows the same session with its actions.
 */
export async function showImpersonationSession(c: Context, services: AppServices): Promise<Response> {
  const em = services.orm.em.fork();
  const principal = await services.principals.fromAuthorization(em, c.req.header('authorization') ?? null);
  if (principal.kind === 'anonymous') return c.json({ error: 'Sign in: send your bearer token.' }, 401);
  const id = c.req.param('id') ?? '';
  const session = await findVisibleSession(em, principal, id);
  if (!session) return c.json({ error: 'No such session.' }, 404);
  // As the GraphQL reads show it: a session past its time-out reads as ended even before the job closes it.
  const end = endOf(session, await services.impersonation.timeoutMs(em), new Date());
  return c.json({ ...session, ...end }, 200, { 'cache-control': 'no-store' });
}
