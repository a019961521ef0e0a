import type { Hono } from 'hono';
import { fullName } from '../rest/user-view.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import { errorPage, guestPage, SESSID_ERROR } from './auth.ts';
import {
  checkSessid,
  type PageContext,
  type PageCtx,
  type PageEnv,
  pageContext,
  switchSession,
} from './context.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

export const USER_ADMIN_PATH = '/bitrix/admin/user_admin.php';

/** The row action "Authorize" of the admin user list (BITRIX24.md, Impersonation). */
export function authorizeUrl(userId: number, sessid: string): string {
  return `${USER_ADMIN_PATH}?lang=en&ID=${userId}&action=authorize&sessid=${sessid}`;
}

function row(u: User, ctx: PageContext): SafeHtml {
  return html`<tr class="adm-list-table-row" data-id="${u.ID}">
<td class="adm-list-table-cell">${u.ID}</td>
<td class="adm-list-table-cell">${u.EMAIL}</td>
<td class="adm-list-table-cell">${fullName(u)}</td>
<td class="adm-list-table-cell">${u.ACTIVE ? 'Yes' : 'No'}</td>
<td class="adm-list-table-cell">${u.isAdmin ? 'Administrator' : ''}</td>
<td class="adm-list-table-cell adm-list-table-actions"><a class="adm-list-table-action-authorize" href="${authorizeUrl(u.ID, ctx.sessid)}">Authorize</a></td>
</tr>
`;
}

function userList(ctx: PageContext): SafeHtml {
  const users = [...ctx.portal.state.users.values()].sort((a, b) => a.ID - b.ID);
  return html`<table class="adm-list-table" id="tbl_user">
<thead><tr class="adm-list-table-header"><td>ID</td><td>E-mail</td><td>Name</td><td>Active</td><td>Groups</td><td></td></tr></thead>
<tbody>
${users.map((u) => row(u, ctx))}</tbody>
</table>`;
}

/**
 * `action=authorize`, as main/admin/user_admin.php does it: check_bitrix_sessid(), then the
 * operation right (administrators here), then `$USER->LoginAs(ID)`, which regenerates the session:
 * a new session id, hence a new bitrix_sessid. Nothing changes when a check fails.
 */
function authorize(c: PageCtx, ctx: PageContext, admin: User): Response {
  if (!checkSessid(c, ctx)) return errorPage(c, ctx, 400, SESSID_ERROR);
  if (!admin.isAdmin) return errorPage(c, ctx, 403, 'Access denied.');
  const idParam = c.req.query('ID') ?? '';
  const target = /^\d+$/.test(idParam) ? ctx.portal.state.user(Number(idParam)) : undefined;
  if (!target) return errorPage(c, ctx, 404, 'The user was not found.');
  // A blocked account cannot be logged in to (*unconfirmed* for LoginAs).
  if (!target.ACTIVE) return errorPage(c, ctx, 400, 'The account is blocked.');
  const next = switchSession(c, ctx, target.ID);
  ctx.portal.sessions.authorizations.push({
    at: new Date().toISOString(),
    adminId: admin.ID,
    userId: target.ID,
    sessidBefore: ctx.sessid,
    sessidAfter: next.sessid,
  });
  return c.redirect('/stream/', 302);
}

export function registerUserAdmin(app: Hono<PageEnv>, portal: SandboxRuntime): void {
  app.get(USER_ADMIN_PATH, (c) => {
    const ctx = pageContext(c, portal);
    const user = ctx.user;
    if (!user) return guestPage(c, ctx);
    if (c.req.query('action') === 'authorize') return authorize(c, ctx, user);
    if (!user.isAdmin) return errorPage(c, ctx, 403, 'Access denied.');
    return c.html(layout(ctx, { title: 'Users', content: userList(ctx), bodyClass: 'adm-workarea' }));
  });
}
