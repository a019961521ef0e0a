import { Bitrix24AuthError, Bitrix24Error } from '../../bitrix24/index.ts';
import type { AppRuntime } from './app-connection.ts';
import type { InstalledPortal } from './app-portals.ts';

/**
 * What the portal posts to an application frame (app page, placements, the background worker):
 * api-reference/widgets/_includes/widget_data.md and settings/oauth/simple-way.md. Query: DOMAIN, PROTOCOL,
 * LANG, APP_SID; body: AUTH_ID, AUTH_EXPIRES, REFRESH_ID, member_id, status, PLACEMENT, PLACEMENT_OPTIONS.
 * No field names the user: only the portal can tell whose AUTH_ID it is (`profile`).
 */
export interface FrameInput {
  form: URLSearchParams;
  query: URLSearchParams;
}

export interface VerifiedFrame {
  ok: true;
  portalId: string;
  memberId: string;
  userId: number;
  /** `profile.ADMIN` with the user's own token, asked just now. */
  isAdmin: boolean;
  /** The portal's interface language (LANG), e.g. `en`, `de`. */
  lang: string;
  placement: string;
  /** PLACEMENT_OPTIONS parsed (a JSON object; `{}` when absent or not an object). */
  placementOptions: Record<string, unknown>;
  /** The portal origin that frames us (postMessage target), from the stored client endpoint. */
  portalOrigin: string;
  /** APP_SID from the query, for the BX24 frame protocol (letters and digits only). */
  appSid: string | null;
}

export type FrameRefusalCode =
  | 'NOT_APP_MODE'
  | 'NOT_A_FRAME'
  | 'UNKNOWN_PORTAL'
  | 'WRONG_APPLICATION_TOKEN'
  | 'TOKEN_REFUSED'
  | 'PORTAL_UNREACHABLE';

export interface FrameRefusal {
  ok: false;
  code: FrameRefusalCode;
  /** HTTP status to answer with. */
  status: 400 | 401 | 503;
  message: string;
}

const refuse = (code: FrameRefusalCode, status: FrameRefusal['status'], message: string): FrameRefusal => ({
  ok: false,
  code,
  status,
  message,
});

/** The installed portal a frame claims to come from (the cached one first: every page view brings a frame). */
export async function framePortal(app: AppRuntime, memberId: string): Promise<InstalledPortal | null> {
  const current = await app.portals.current();
  if (current?.memberId === memberId) return current;
  return app.portals.byMemberId(memberId);
}

/**
 * Proves who opened a frame: `member_id` must be an installed portal, and the portal must accept AUTH_ID
 * for `profile` at the client endpoint we stored at install (never one the frame names): that call names
 * the user. The documented frame fields have no application token (widget_data.md, simple-way.md), so
 * nothing rests on one; a frame that does send `APPLICATION_TOKEN` must send the right one. Stores the user's tokens and the administrator answer.
 * Tokens are never logged or returned.
 */
export async function verifyFrame(
  app: AppRuntime | undefined,
  input: FrameInput,
): Promise<VerifiedFrame | FrameRefusal> {
  if (!app) return refuse('NOT_APP_MODE', 400, 'this installation talks to its portal through webhooks');
  const authId = input.form.get('AUTH_ID')?.trim() ?? '';
  const memberId = input.form.get('member_id')?.trim() ?? '';
  if (!authId || !memberId || authId.length > 200 || memberId.length > 64)
    return refuse(
      'NOT_A_FRAME',
      400,
      'not a Bitrix24 application frame (AUTH_ID and member_id are required)',
    );
  const portal = await framePortal(app, memberId);
  if (!portal) return refuse('UNKNOWN_PORTAL', 401, 'the application is not installed on this portal');
  const applicationToken = input.form.get('APPLICATION_TOKEN');
  if (applicationToken && !(await app.portals.verified(memberId, applicationToken)))
    return refuse('WRONG_APPLICATION_TOKEN', 401, 'unknown application token');
  let profile: { ID: string | number; ADMIN: boolean };
  try {
    profile = await app.probe(portal.clientEndpoint, authId).call('profile');
  } catch (error) {
    if (error instanceof Bitrix24AuthError)
      return refuse('TOKEN_REFUSED', 401, "the portal did not accept the frame's token");
    if (error instanceof Bitrix24Error)
      return refuse('PORTAL_UNREACHABLE', 503, 'the portal could not be asked who this is');
    throw error;
  }
  const userId = Number(profile.ID);
  if (!Number.isInteger(userId) || userId <= 0)
    return refuse('TOKEN_REFUSED', 401, 'the portal named no user');
  const isAdmin = profile.ADMIN === true;
  const expires = Number(input.form.get('AUTH_EXPIRES'));
  await app.tokens.save(portal, userId, {
    accessToken: authId,
    refreshToken: input.form.get('REFRESH_ID')?.trim() || null,
    expiresIn: Number.isFinite(expires) && expires > 0 ? expires : null,
  });
  await app.admins.record(portal.id, userId, isAdmin);
  const appSid = input.query.get('APP_SID') ?? '';
  return {
    ok: true,
    portalId: portal.id,
    memberId,
    userId,
    isAdmin,
    lang: /^[a-z]{2}$/i.test(input.query.get('LANG') ?? '')
      ? (input.query.get('LANG') as string).toLowerCase()
      : 'en',
    placement: (input.form.get('PLACEMENT') ?? 'DEFAULT').slice(0, 64),
    placementOptions: parseOptions(input.form.get('PLACEMENT_OPTIONS')),
    portalOrigin: new URL(portal.clientEndpoint).origin,
    appSid: /^[A-Za-z0-9]{1,64}$/.test(appSid) ? appSid : null,
  };
}

function parseOptions(raw: string | null): Record<string, unknown> {
  if (!raw) return {};
  try {
    const parsed: unknown = JSON.parse(raw);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : {};
  } catch {
    return {};
  }
}
