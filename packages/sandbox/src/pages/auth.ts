import type { Hono } from 'hono';
import { fullName } from '../rest/user-view.ts';
import type { SandboxRuntime } from '../runtime.ts';
import {
  checkSessid,
  type PageContext,
  type PageCtx,
  type PageEnv,
  pageContext,
  safeBackUrl,
  switchSession,
} from './context.ts';
import { html, type SafeHtml } from './html.ts';
import { errorContent, layout } from './layout.ts';

/** `/auth/?user=N&backurl=…`: the test sign-in link (no password: the sandbox trusts its browser). */
export function signInPath(userId: number, backurl?: string): string {
  const q = new URLSearchParams({ user: String(userId) });
  if (backurl) q.set('backurl', backurl);
  return `/auth/?${q}`;
}

/** The sign-in "form": every active user as a link. Guests see it on every page that needs a user. */
function authForm(ctx: PageContext, backurl: string): SafeHtml {
  const users = [...ctx.portal.state.users.values()].filter((u) => u.ACTIVE);
  return html`<div class="bx-authform" id="bx-authform">
<p class="bx-authform-title">Sign in as</p>
<ul class="bx-authform-users">
${users.map((u) => html`<li><a class="bx-authform-user" data-user-id="${u.ID}" href="${signInPath(u.ID, backurl)}">${fullName(u)}</a>${u.isAdmin ? ' (administrator)' : ''}</li>\n`)}
</ul>
</div>`;
}

/** For pages that need a signed-in user: the sign-in form for guests (200, as Bitrix's AuthForm). */
export function guestPage(c: PageCtx, ctx: PageContext): Response {
  const back = safeBackUrl(c.req.path + (new URL(c.req.url).search || ''), '/stream/');
  return c.html(layout(ctx, { title: 'Authorization', content: authForm(ctx, back) }));
}

export function errorPage(c: PageCtx, ctx: PageContext, status: 400 | 403 | 404, message: string): Response {
  return c.html(layout(ctx, { title: 'Error', content: errorContent(message) }), status);
}

/** check_bitrix_sessid() failed: Bitrix's own wording. */
export const SESSID_ERROR = 'Your session has expired. Please try again.';

export function registerAuth(app: Hono<PageEnv>, portal: SandboxRuntime): void {
  app.get('/auth', (c) => {
    const ctx = pageContext(c, portal);
    const back = safeBackUrl(c.req.query('backurl'), '/stream/');
    const userParam = c.req.query('user');
    if (userParam === undefined) {
      return c.html(layout(ctx, { title: 'Authorization', content: authForm(ctx, back) }));
    }
    const user = /^\d+$/.test(userParam) ? portal.state.user(Number(userParam)) : undefined;
    if (!user) return errorPage(c, ctx, 404, 'User not found.');
    // Bitrix refuses to log in a blocked (dismissed) account.
    if (!user.ACTIVE) return errorPage(c, ctx, 403, 'The account is blocked.');
    switchSession(c, ctx, user.ID);
    return c.redirect(back, 302);
  });
}

/** `/?logout=yes&sessid=…`: a valid sessid ends the session (new id, guest); otherwise an error page. */
export function handleLogout(c: PageCtx, ctx: PageContext): Response {
  if (!checkSessid(c, ctx)) return errorPage(c, ctx, 400, SESSID_ERROR);
  switchSession(c, ctx, null);
  return c.redirect('/auth/', 302);
}
