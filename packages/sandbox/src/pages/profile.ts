import type { Hono } from 'hono';
import { fullName } from '../rest/user-view.ts';
import type { SandboxRuntime } from '../runtime.ts';
import type { User } from '../state/types.ts';
import { profileToolbarItems } from './apps.ts';
import { errorPage, guestPage } from './auth.ts';
import { type PageContext, type PageEnv, pageContext } from './context.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

/**
 * The profile's status badge, `intranet-user-profile-rank-{STATUS}` as intranet.user.profile's
 * template prints it; a dismissed employee is `fired`.
 */
export function profileStatus(u: User): 'fired' | 'admin' | 'extranet' | 'email' | 'employee' {
  if (!u.ACTIVE) return 'fired';
  if (u.isAdmin) return 'admin';
  if (u.USER_TYPE !== 'employee') return u.USER_TYPE;
  return 'employee';
}

const STATUS_TEXT: Record<ReturnType<typeof profileStatus>, string> = {
  fired: 'Dismissed',
  admin: 'Administrator',
  extranet: 'Extranet',
  email: 'E-mail user',
  employee: 'Employee',
};

/** Fields shown, in the order of the profile's "Contact information" and "About" blocks. */
const FIELDS: [keyof User, string][] = [
  ['NAME', 'First name'],
  ['LAST_NAME', 'Last name'],
  ['SECOND_NAME', 'Second name'],
  ['WORK_POSITION', 'Position'],
  ['EMAIL', 'E-mail'],
  ['WORK_PHONE', 'Work phone'],
  ['PERSONAL_MOBILE', 'Mobile phone'],
  ['PERSONAL_PHONE', 'Personal phone'],
  ['UF_PHONE_INNER', 'Extension number'],
  ['UF_SKYPE', 'Skype'],
  ['PERSONAL_CITY', 'City'],
  ['PERSONAL_BIRTHDAY', 'Date of birth'],
  ['UF_EMPLOYMENT_DATE', 'Date of employment'],
  ['WORK_COMPANY', 'Company'],
  ['UF_INTERESTS', 'Interests'],
  ['UF_SKILLS', 'Skills'],
];

/**
 * The right column is Bitrix's `ui.form` (entity editor) in view mode: one
 * `div.ui-entity-editor-content-block[data-cid={FIELD}]` per field with its value in
 * `.ui-entity-editor-content-block-text`. Empty fields are left out, as the editor hides them.
 */
function field(name: string, label: string, value: SafeHtml | string): SafeHtml {
  return html`<div class="ui-entity-editor-content-block" data-cid="${name}"><div class="ui-entity-editor-block-title"><label class="ui-entity-editor-block-title-text">${label}</label></div><div class="ui-entity-editor-content-block-text">${value}</div></div>\n`;
}

function profileContent(ctx: PageContext, u: User): SafeHtml {
  const portal = ctx.portal;
  const status = profileStatus(u);
  const online = u.ACTIVE && u.IS_ONLINE ? 'online' : 'offline';
  const departments = u.UF_DEPARTMENT.map((id) => portal.state.departments.get(id)?.name ?? '').filter(
    Boolean,
  );
  const fields = FIELDS.filter(([f]) => String(u[f] ?? '') !== '').map(([f, label]) =>
    field(String(f), label, String(u[f])),
  );
  return html`<div class="intranet-user-profile${u.ACTIVE ? '' : ' intranet-user-profile-fired'}" id="intranet-user-profile-wrap">
<div class="intranet-user-profile-column-left"><div class="intranet-user-profile-column-block">
<div class="intranet-user-profile-rank"><div class="intranet-user-profile-rank-item intranet-user-profile-rank-${status}"><span>${STATUS_TEXT[status].toUpperCase()}</span></div></div>
<div class="intranet-user-profile-status-info"><div class="intranet-user-profile-status intranet-user-profile-status-${online}">${online.toUpperCase()}</div></div>
<div class="intranet-user-profile-userpic ui-icon ui-icon-common-user"><i id="intranet-user-profile-photo"></i></div>
<div class="intranet-user-profile-name" id="intranet-user-profile-name">${fullName(u)}</div>
<div class="intranet-user-profile-position">${u.WORK_POSITION}</div>
</div></div>
<div class="intranet-user-profile-column-right">
${profileToolbarItems(ctx, u.ID)}
<div class="intranet-user-profile-container" data-role="user-profile-fields">
<div class="intranet-user-profile-container-header"><div class="intranet-user-profile-container-title">Contact information</div></div>
<div class="intranet-user-profile-container-body">
${fields}${departments.length > 0 ? field('UF_DEPARTMENT', 'Department', departments.join(', ')) : ''}</div>
</div>
</div>
</div>`;
}

export function registerProfile(app: Hono<PageEnv>, portal: SandboxRuntime): void {
  app.get('/company/personal/user/:id', (c) => {
    const ctx = pageContext(c, portal);
    if (!ctx.user) return guestPage(c, ctx);
    const id = c.req.param('id');
    const u = /^\d+$/.test(id) ? portal.state.user(Number(id)) : undefined;
    if (!u) return errorPage(c, ctx, 404, 'The user was not found.');
    return c.html(
      layout(ctx, { title: fullName(u), content: profileContent(ctx, u), bodyClass: 'page-profile' }),
    );
  });
}
