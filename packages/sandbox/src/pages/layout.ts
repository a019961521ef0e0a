import { fullName } from '../rest/user-view.ts';
import { APP_LAYOUT_SCRIPT } from './app-layout-script.ts';
import { appLinks, backgroundFrames, profileMenuItems } from './apps.ts';
import type { PageContext } from './context.ts';
import { html, raw, type SafeHtml } from './html.ts';
import { bxBootstrap, CLIENT_SCRIPT } from './scripts.ts';

export interface PageOptions {
  title: string;
  content: SafeHtml;
  /** Extra class on <body>, e.g. the page's Bitrix24 template class. */
  bodyClass?: string;
}

/** `/?logout=yes&sessid=…`, the link of Bitrix24's user menu. */
export function logoutUrl(ctx: Pick<PageContext, 'sessid'>): string {
  return `/?logout=yes&sessid=${ctx.sessid}`;
}

export function profileUrl(userId: number): string {
  return `/company/personal/user/${userId}/`;
}

/** The header: portal name, a small menu, the signed-in user (`#user-name`) and "Log out". */
function header(ctx: PageContext): SafeHtml {
  const u = ctx.user;
  const menu = u
    ? html`<nav class="menu-items-block" id="menu-items-block">
<a class="menu-item-link" href="/stream/" data-slider>Feed</a>
<a class="menu-item-link" href="/online/" data-slider>Messenger</a>
<a class="menu-item-link" href="${profileUrl(u.ID)}" data-slider>My profile</a>
${u.isAdmin ? html`<a class="menu-item-link" href="/bitrix/admin/user_admin.php?lang=en">Users</a>` : ''}
${appLinks(ctx)}</nav>`
    : '';
  const who = u
    ? html`<div class="user-block" id="user-block" data-user-id="${u.ID}">
<a class="user-name" id="user-name" href="${profileUrl(u.ID)}" data-slider>${fullName(u)}</a>
<a class="user-logout" id="user-logout" href="${logoutUrl(ctx)}">Log out</a>
${profileMenuItems(ctx)}</div>`
    : html`<div class="user-block" id="user-block"><a class="user-name user-name-guest" id="user-name" href="/auth/">Sign in</a></div>`;
  return html`<header class="header" id="header">
<a class="logo" href="/stream/">${ctx.portal.state.name}</a>
${menu}${who}
</header>`;
}

/**
 * Every page: `BX` in <head> (USER_ID '' for a guest), the header, and the content inside
 * `#workarea-content`, the node the in-page navigation swaps.
 */
export function layout(ctx: PageContext, page: PageOptions): string {
  const messages = {
    USER_ID: ctx.user ? String(ctx.user.ID) : '',
    bitrix_sessid: ctx.sessid,
    SITE_ID: 's1',
    SITE_DIR: '/',
    LANGUAGE_ID: 'en',
  };
  return html`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${page.title}</title>
<script>${raw(bxBootstrap(messages))}</script>
${ctx.user ? html`<script>${raw(APP_LAYOUT_SCRIPT)}</script>` : ''}
</head>
<body class="${page.bodyClass ?? ''}">
${header(ctx)}
<div class="workarea" id="workarea">
<div id="workarea-content"><h1 class="pagetitle" id="pagetitle">${page.title}</h1>
${page.content}
</div>
</div>
${backgroundFrames(ctx)}
<script>${raw(CLIENT_SCRIPT)}</script>
</body></html>`.value;
}

/** An error page inside the layout (404 unknown id, 403 not allowed, 400 bad sessid). */
export function errorContent(message: string): SafeHtml {
  return html`<div class="errortext" id="sandbox-error">${message}</div>`;
}
