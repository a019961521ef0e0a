import { type AppPageView, appPageLanguage, HANDOFF_CHALLENGE_PATTERN } from '@b24-gdpr/shared';
import type { Context } from 'hono';
import type { AppServices } from '../../app-services.ts';
import { DomainError } from '../../errors.ts';
import { APP_PATHS } from '../app/app-paths.ts';
import { readFrame } from '../app/frame-http.ts';
import { verifyFrame } from '../app/verify-frame.ts';
import { openFrameSession } from './frame-session.ts';
import { readFrameTicket } from './frame-ticket.ts';
import { renderRefusal, renderShell, shellSecurityHeaders } from './page-shell.ts';

/** The handlers Bitrix24 posts frames to (the app's page, placement.bind HANDLER: modules/app/install.ts), by view. */
export const APP_FRAME_PATHS: Record<AppPageView, string> = {
  page: APP_PATHS.page,
  'profile-menu': APP_PATHS.profileMenu,
  'profile-toolbar': APP_PATHS.profileToolbar,
};
export const APP_HANDOFF_PATH = APP_PATHS.handoff;

const TITLES = { en: 'My personal data', de: 'Meine personenbezogenen Daten' } as const;

/**
 * A frame POST from the portal: verified by the application mode (member_id, application token, the
 * user's own token asked for `profile`), then the shell with a frame session for that user. On the
 * profile toolbar the page is about the card's owner (PLACEMENT_OPTIONS.USER_ID); the API's rules
 * still decide what the viewer may do there.
 */
export async function serveAppFrame(c: Context, services: AppServices, view: AppPageView): Promise<Response> {
  const verified = await verifyFrame(services.portal.app, await readFrame(c));
  const lang = appPageLanguage(c.req.query('LANG'));
  if (!verified.ok) {
    return new Response(renderRefusal(lang, verified.message), {
      status: verified.status,
      headers: { 'content-type': 'text/html; charset=utf-8', ...shellSecurityHeaders(null) },
    });
  }
  const frame = verified;
  const owner = Number(frame.placementOptions.USER_ID ?? frame.placementOptions.ID);
  const subjectUserId =
    view === 'profile-toolbar' && Number.isSafeInteger(owner) && owner > 0 ? owner : frame.userId;
  const session = await openFrameSession(services, services.orm.em.fork(), frame);
  const boot = {
    view,
    lang: appPageLanguage(frame.lang),
    token: session.token,
    handoffTicket: session.ticket,
    userId: frame.userId,
    subjectUserId,
    isAdmin: frame.isAdmin,
    portalOrigin: frame.portalOrigin,
  };
  return new Response(renderShell(boot, TITLES[boot.lang]), {
    headers: { 'content-type': 'text/html; charset=utf-8', ...shellSecurityHeaders(frame.portalOrigin) },
  });
}

/**
 * Step 2 of the extension's sign-in: our frame, with its ticket, asks for the one-time code bound to
 * the challenge the content script posted into it. JSON in, JSON out; same origin only (the frame's).
 */
export async function answerHandoff(c: Context, services: AppServices): Promise<Response> {
  const auth = c.req.header('authorization') ?? '';
  const ticket = auth.startsWith('Bearer ') ? readFrameTicket(services.secret, auth.slice(7)) : null;
  if (!ticket) return c.json({ error: 'Open the app page in Bitrix24 again.' }, 401);
  let challenge: unknown;
  try {
    challenge = ((await c.req.json()) as { challenge?: unknown } | null)?.challenge;
  } catch {
    challenge = undefined;
  }
  if (typeof challenge !== 'string' || !HANDOFF_CHALLENGE_PATTERN.test(challenge))
    return c.json({ error: 'The challenge is malformed.' }, 400);
  try {
    const code = await services.handoff.issueCode(services.orm.em.fork(), ticket, challenge);
    return c.json({ code }, 200, { 'cache-control': 'no-store' });
  } catch (error) {
    if (error instanceof DomainError) return c.json({ error: error.message }, 403);
    throw error;
  }
}

/** The bundle's two files. */
export async function serveAppPageAsset(c: Context, services: AppServices): Promise<Response> {
  const asset = await services.pageBundle.asset(c.req.param('file') ?? '');
  if (!asset) return c.json({ error: 'Not found.' }, 404);
  return new Response(new Uint8Array(asset.body), {
    headers: {
      'content-type': asset.type,
      'x-content-type-options': 'nosniff',
      'cache-control': 'no-cache',
      'cross-origin-resource-policy': 'same-origin',
    },
  });
}
