import type { Hono } from 'hono';
import { backgroundOptions, buildFrame, type FrameForm } from '../apps/frames.ts';
import { finishInstall } from '../apps/lifecycle.ts';
import type { App, Placement } from '../apps/types.ts';
import { readRequestParams } from '../rest/params.ts';
import type { SandboxRuntime } from '../runtime.ts';
import { frameMarkup, frameRegistration } from './app-frame.ts';
import { errorPage, guestPage, SESSID_ERROR } from './auth.ts';
import { checkSessid, type PageContext, type PageEnv, pageContext, safeBackUrl } from './context.ts';
import { html, type SafeHtml } from './html.ts';
import { layout } from './layout.ts';

/** The app page: `/marketplace/app/{ID}/` (app.layout's REST_APPLICATION_URL). */
export function appPagePath(appId: number): string {
  return `/marketplace/app/${appId}/`;
}

/**
 * Where a profile placement opens (a slider on a real portal; here a page of its own, *sandbox path*).
 * `from` is the page it was opened from (PLACEMENT_OPTIONS.URI), `USER_ID` the card's owner for
 * USER_PROFILE_TOOLBAR.
 */
export function placementPagePath(placementId: number, from: string, ownerId?: number): string {
  const q = new URLSearchParams(ownerId === undefined ? { from } : { USER_ID: String(ownerId), from });
  return `/marketplace/placement/${placementId}/?${q}`;
}

/** The frame, its registration with the parent script, or null. */
export function renderFrame(ctx: PageContext, form: FrameForm, hidden: boolean): SafeHtml {
  const user = ctx.user;
  if (!user) return html``;
  const firstRun = !ctx.portal.apps.firstRunDone.has(`${form.app.id}:${user.ID}`);
  return html`${frameMarkup(form, { hidden })}\n${frameRegistration(form, user, firstRun)}`;
}

/**
 * PAGE_BACKGROUND_WORKER (api-reference/widgets/universal/background-worker.md): a hidden frame on
 * every page for the signed-in user, one per installed app that bound it (for everyone or for this
 * user), with PLACEMENT_OPTIONS `{ ID, URI }` where URI is this page's path and query.
 */
export function backgroundFrames(ctx: PageContext): SafeHtml {
  const user = ctx.user;
  if (!user) return html``;
  const out: SafeHtml[] = [];
  for (const { app, placement } of ctx.portal.apps.visiblePlacements('PAGE_BACKGROUND_WORKER', user.ID)) {
    const form = buildFrame(ctx.portal, app, user.ID, { placement }, backgroundOptions(ctx.uri));
    if (!('refused' in form)) out.push(renderFrame(ctx, form, true));
  }
  return html`${out}`;
}

/** Installed apps with an interface, for the header menu (the left menu of a real portal). */
export function appLinks(ctx: PageContext): SafeHtml {
  const apps = [...ctx.portal.apps.apps.values()].filter((a) => a.active && !a.apiOnly);
  return html`${apps.map((a) => html`<a class="menu-item-link menu-item-app" data-app-id="${a.id}" href="${appPagePath(a.id)}">${a.name}</a>\n`)}`;
}

/** USER_PROFILE_MENU items under the avatar's "Extensions" (widgets/user-profile/profile-menu.md). */
export function profileMenuItems(ctx: PageContext): SafeHtml {
  const user = ctx.user;
  if (!user) return html``;
  const items = ctx.portal.apps.visiblePlacements('USER_PROFILE_MENU', user.ID);
  if (items.length === 0) return html``;
  return html`<div class="user-menu-extensions" id="user-menu-extensions"><span class="user-menu-extensions-title">Extensions</span>
${items.map(({ placement }) => html`<a class="user-menu-extension-item" data-placement-id="${placement.id}" href="${placementPagePath(placement.id, ctx.uri)}">${placement.title}</a>\n`)}</div>`;
}

/** USER_PROFILE_TOOLBAR items in the employee card's menu (widgets/user-profile/profile-toolbar.md). */
export function profileToolbarItems(ctx: PageContext, ownerId: number): SafeHtml {
  const user = ctx.user;
  if (!user) return html``;
  const items = ctx.portal.apps.visiblePlacements('USER_PROFILE_TOOLBAR', user.ID);
  if (items.length === 0) return html``;
  const from = `/company/personal/user/${ownerId}/`;
  return html`<div class="intranet-user-profile-toolbar" id="intranet-user-profile-toolbar">
${items.map(({ placement }) => html`<a class="intranet-user-profile-toolbar-item" data-placement-id="${placement.id}" href="${placementPagePath(placement.id, from, ownerId)}">${placement.title}</a>\n`)}</div>`;
}

/** app.layout's component.php: the app page's PLACEMENT_OPTIONS are its GET parameters, system ones left out. */
const SYSTEM_PARAMS = new Set(['sessid', '_r', 'login', 'logout', 'clear_cache']);

function pageOptions(url: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of new URL(url).searchParams) if (!SYSTEM_PARAMS.has(k)) out[k] = v;
  return out;
}

export function registerApps(app: Hono<PageEnv>, portal: SandboxRuntime): void {
  app.get('/marketplace/app/:id', (c) => {
    const ctx = pageContext(c, portal);
    if (!ctx.user) return guestPage(c, ctx);
    const id = c.req.param('id');
    const target = /^\d+$/.test(id) ? portal.apps.get(Number(id)) : undefined;
    if (!target?.active) return errorPage(c, ctx, 404, 'The application was not found.');
    const form = buildFrame(portal, target, ctx.user.ID, { placement: 'DEFAULT' }, pageOptions(c.req.url));
    if ('refused' in form) return errorPage(c, ctx, 403, form.refused);
    return c.html(
      layout(ctx, { title: target.name, content: renderFrame(ctx, form, false), bodyClass: 'page-app' }),
    );
  });

  app.get('/marketplace/placement/:id', (c) => {
    const ctx = pageContext(c, portal);
    const user = ctx.user;
    if (!user) return guestPage(c, ctx);
    const id = Number(c.req.param('id'));
    const found = findPlacement(portal, id, user.ID);
    if (!found) return errorPage(c, ctx, 404, 'The placement was not found.');
    const from = safeBackUrl(c.req.query('from'), '');
    let options: Record<string, string>;
    if (found.placement.placement === 'USER_PROFILE_TOOLBAR') {
      const owner = Number(c.req.query('USER_ID'));
      if (!portal.state.user(owner)) return errorPage(c, ctx, 404, 'The user was not found.');
      options = { USER_ID: String(owner), URI: from };
    } else {
      options = { USER_ID: String(user.ID), URI: from };
    }
    const form = buildFrame(portal, found.app, user.ID, { placement: found.placement }, options);
    if ('refused' in form) return errorPage(c, ctx, 403, form.refused);
    return c.html(
      layout(ctx, {
        title: found.placement.title,
        content: renderFrame(ctx, form, false),
        bodyClass: 'page-app',
      }),
    );
  });

  // The parent script's requests (applayout.js `query` → app.layout's lazyload.ajax.php actions).
  app.post('/bitrix/components/bitrix/app.layout/lazyload.ajax.php', async (c) => {
    const ctx = pageContext(c, portal);
    if (!checkSessid(c, ctx)) return errorPage(c, ctx, 400, SESSID_ERROR);
    const user = ctx.user;
    if (!user) return c.json({ error: 'NO_AUTH' }, 401);
    const p = await readRequestParams(c.req.raw);
    const params = (p.PARAMS as { params?: { ID?: string } } | undefined)?.params;
    const target = portal.apps.get(Number(params?.ID));
    if (!target?.active) return c.json({ error: 'APP_NOT_FOUND' }, 404);
    switch (p.action) {
      case 'access_refresh': {
        const pair = portal.tokens.issue(target.id, user.ID);
        return c.json({
          access_token: pair.access.token,
          refresh_token: pair.refresh.token,
          expires_in: String(portal.tokens.lifetimes.accessSeconds),
        });
      }
      case 'set_install':
        portal.apps.firstRunDone.add(`${target.id}:${user.ID}`);
        return c.json({ result: true });
      case 'set_installed': {
        if (!user.isAdmin) return c.json({ result: 'false' });
        if (p.v === 'N') target.installed = false;
        else finishInstall(portal, target.id, user.ID);
        return c.json({ result: 'true' });
      }
      default:
        return c.json({ error: 'UNKNOWN_ACTION' }, 400);
    }
  });
}

function findPlacement(
  portal: SandboxRuntime,
  id: number,
  userId: number,
): { app: App; placement: Placement } | undefined {
  const p = portal.apps.placements.get(id);
  if (!p || (p.placement !== 'USER_PROFILE_MENU' && p.placement !== 'USER_PROFILE_TOOLBAR')) return undefined;
  return portal.apps.visiblePlacements(p.placement, userId).find((v) => v.placement.id === id);
}
