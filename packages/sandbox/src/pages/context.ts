import { timingSafeEqual } from 'node:crypto';
import type { HttpBindings } from '@hono/node-server';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import { type PageSession, SESSION_COOKIE } from './sessions.ts';

export type PageEnv = { Bindings: HttpBindings };
export type PageCtx = Context<PageEnv>;

/** What every page needs: who is signed in and the session's CSRF token. */
export interface PageContext {
  portal: SandboxRuntime;
  session: PageSession;
  /** null for a guest, or when the session's user no longer exists (after `reset()`). */
  user: User | null;
  /** `bitrix_sessid` of this session. */
  sessid: string;
  /** The page's path with its query string (PLACEMENT_OPTIONS.URI of the frames it shows). */
  uri: string;
}

function setSessionCookie(c: PageCtx, session: PageSession): void {
  setCookie(c, SESSION_COOKIE, session.id, { path: '/', httpOnly: true, sameSite: 'Lax' });
}

function contextOf(portal: SandboxRuntime, session: PageSession, uri: string): PageContext {
  const user = session.userId === null ? null : (portal.state.user(session.userId) ?? null);
  return { portal, session, user, sessid: portal.sessions.sessid(session), uri };
}

/** The request's session; a browser without a (known) cookie gets a new guest session, as PHP starts one. */
export function pageContext(c: PageCtx, portal: SandboxRuntime): PageContext {
  let session = portal.sessions.get(getCookie(c, SESSION_COOKIE));
  if (!session) {
    session = portal.sessions.create(null);
    setSessionCookie(c, session);
  }
  const url = new URL(c.req.url);
  return contextOf(portal, session, url.pathname + url.search);
}

/** Ends the current session and starts one for `userId` with a new id (sign-in, logout, LoginAs). */
export function switchSession(c: PageCtx, ctx: PageContext, userId: number | null): PageContext {
  const session = ctx.portal.sessions.regenerate(ctx.session, userId);
  setSessionCookie(c, session);
  return contextOf(ctx.portal, session, ctx.uri);
}

/** check_bitrix_sessid(): the token comes as `sessid` or the `X-Bitrix-Csrf-Token` header. */
export function checkSessid(c: PageCtx, ctx: PageContext): boolean {
  const given = c.req.query('sessid') ?? c.req.header('x-bitrix-csrf-token') ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(ctx.sessid);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A local path to go back to, never another origin (`//evil`, `https://…`). */
export function safeBackUrl(value: string | undefined, fallback: string): string {
  const local = value?.startsWith('/') && !value.startsWith('//') && !value.includes('\\');
  return value !== undefined && local ? value : fallback;
}
