import type { Hono } from 'hono';
import type { SandboxRuntime } from '../runtime.ts';
import { errorPage, guestPage } from './auth.ts';
import { type PageEnv, pageContext } from './context.ts';

/**
 * Step 1 of the full protocol (settings/oauth/index.md): `/oauth/authorize/?client_id=…&state=…`.
 * A signed-in user (else the sign-in form) of a portal where the app is installed goes back to the
 * app's redirect URI with `code` (30 s), `state`, `domain`, `member_id`, `scope` and
 * `server_domain`; otherwise "Bitrix24 shows the error to the user on its own page".
 */
export function registerOAuthAuthorize(app: Hono<PageEnv>, portal: SandboxRuntime): void {
  app.get('/oauth/authorize', (c) => {
    const ctx = pageContext(c, portal);
    const user = ctx.user;
    if (!user) return guestPage(c, ctx);
    const client = portal.apps.byClientId(c.req.query('client_id') ?? '');
    if (!client?.active) return errorPage(c, ctx, 400, 'The application is not installed.');
    const code = portal.tokens.issueCode(client.id, user.ID);
    const back = new URL(client.redirectUri);
    back.searchParams.set('code', code.code);
    back.searchParams.set('state', c.req.query('state') ?? '');
    back.searchParams.set('domain', portal.frameHost);
    back.searchParams.set('member_id', portal.memberId);
    back.searchParams.set('scope', client.scope.join(','));
    back.searchParams.set('server_domain', portal.frameHost);
    return c.redirect(back.href, 302);
  });
}
