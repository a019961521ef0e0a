import type { Context, Hono } from 'hono';
import type { AppServices } from '../../app-services.ts';
import { clientIp } from '../../http/client-ip.ts';
import { escapeHtml } from '../../http/escape-html.ts';
import { APP_PATHS } from './app-paths.ts';
import { BackgroundDisabledReports } from './background-disabled.ts';
import { BackgroundFrames } from './background-frames.ts';
import { framePage, jsonForScript, readFrame } from './frame-http.ts';
import {
  bindHandlers,
  type InstallDeps,
  install,
  installEventFromFrame,
  parseInstallEvent,
  prepareInstallFromFrame,
  uninstall,
} from './install.ts';
import { verifyFrame } from './verify-frame.ts';

/**
 * Application mode's routes (PLAN15 shared decisions): install, events and the background worker here;
 * the app page, the profile placements and the extension hand-off are the pages' (they call verifyFrame).
 * In webhook mode they answer 404, as if absent.
 */
export function registerAppRoutes(http: Hono, services: AppServices): void {
  const app = services.portal.app;
  if (!app) return;
  const deps: InstallDeps = {
    orm: services.orm,
    cipher: app.cipher,
    app,
    logger: services.logger.child({ component: 'app-install' }),
    retentionDays: services.config.APP_UNINSTALL_RETENTION_DAYS,
  };
  const background = new BackgroundFrames(app, services.logger.child({ component: 'app-frames' }), {
    perMinute: services.config.APP_BACKGROUND_VERIFY_PER_MINUTE,
    perAddress: services.config.APP_BACKGROUND_VERIFY_PER_ADDRESS_PER_MINUTE,
  });
  app.background = background;
  const handlerBase = () => services.config.APP_PUBLIC_URL ?? services.urls.public;
  const disabledReports = new BackgroundDisabledReports(
    app,
    services.logger.child({ component: 'app-frames' }),
    () => new URL(APP_PATHS.background, handlerBase()).toString(),
  );

  http.post(APP_PATHS.install, async (c) => {
    const frame = await readFrame(c);
    if (frame.form.has('event')) return installEvent(c, frame.form);
    return installPage(c, frame);
  });

  /** ONAPPINSTALL (simple-way.md: form POST with the installer's tokens and the application token). */
  async function installEvent(c: Context, form: URLSearchParams): Promise<Response> {
    if ((form.get('event') ?? '').toUpperCase() !== 'ONAPPINSTALL')
      return c.json({ error: 'not an install event' }, 400);
    const event = parseInstallEvent(form);
    if ('invalid' in event)
      return c.json({ error: `${event.invalid} is missing or malformed`, field: event.invalid }, 400);
    const outcome = await install(deps, event);
    if (!outcome.ok) return c.json({ error: outcome.error }, outcome.status);
    // The portal does not wait for our binds: they follow the answer.
    const installer = outcome.installedBy;
    if (installer)
      app!.lastBind = bindHandlers(app!, handlerBase(), installer, deps.logger).then(() =>
        // The Live Feed and task comment events (modules/portal-events), now that there is a token.
        services.portalEvents.bindHandlers().then(
          () => undefined,
          (err: unknown) => deps.logger.warn({ err }, 'could not bind portal event handlers'),
        ),
      );
    return c.json({ status: 'installed' });
  }

  /**
   * The install page, opened once in a frame for the installing administrator (simple-way.md): stores
   * their token when the install event has arrived, binds our handlers, and tells the portal the install
   * is finished (BX24.installFinish, sent as the BX24 frame protocol does: `setInstallFinish:<key>:<APP_SID>`
   * posted to the portal's origin, J `frame/message/controller.ts`).
   */
  async function installPage(c: Context, frame: Awaited<ReturnType<typeof readFrame>>): Promise<Response> {
    let verified = await verifyFrame(app, frame);
    if (!verified.ok && verified.code === 'UNKNOWN_PORTAL') {
      // A local app's installer comes before any install event. A frame carrying the application token
      // (not among the documented fields, but harmless to accept) installs us at once; the documented
      // frame makes the portal send ONAPPINSTALL once the installer finishes.
      const event = installEventFromFrame(frame.form, frame.query);
      if (!event) return finishInstallLater(c, frame);
      const outcome = await install(deps, event);
      if (outcome.ok) verified = await verifyFrame(app, frame);
      else return c.json({ error: outcome.error }, outcome.status);
    }
    if (!verified.ok)
      return framePage(c, {
        title: 'b24-gdpr',
        body: `<p>${escapeHtml(verified.message)}</p>`,
        status: verified.status,
      });
    if (verified.isAdmin) {
      await bindHandlers(app!, handlerBase(), verified.userId, deps.logger);
      await services.portalEvents
        .bindHandlers()
        .catch((err: unknown) => deps.logger.warn({ err }, 'could not bind portal event handlers'));
    }
    const message = verified.appSid ? `setInstallFinish:${Date.now().toString(36)}:${verified.appSid}` : null;
    return framePage(c, {
      title: 'b24-gdpr',
      body: '<p>b24-gdpr is installed.</p>',
      portalOrigin: verified.portalOrigin,
      ...(message
        ? {
            script: `parent.postMessage(${jsonForScript(message)}, ${jsonForScript(verified.portalOrigin)});`,
          }
        : {}),
    });
  }

  /** The installer frame of a portal we do not know yet: bind ONAPPINSTALL, then finish the install. */
  async function finishInstallLater(c: Context, frame: Awaited<ReturnType<typeof readFrame>>) {
    const installUrl = new URL(APP_PATHS.install, handlerBase()).toString();
    const prepared = await prepareInstallFromFrame(app!, frame.form, frame.query, installUrl);
    if (!prepared.ok)
      return framePage(c, {
        title: 'b24-gdpr',
        body: `<p>${escapeHtml(prepared.error)}</p>`,
        status: prepared.status,
      });
    const sid = frame.query.get('APP_SID') ?? '';
    const message = /^[A-Za-z0-9]{1,64}$/.test(sid)
      ? `setInstallFinish:${Date.now().toString(36)}:${sid}`
      : null;
    return framePage(c, {
      title: 'b24-gdpr',
      body: '<p>b24-gdpr is being installed.</p>',
      portalOrigin: prepared.portalOrigin,
      ...(message
        ? {
            script: `parent.postMessage(${jsonForScript(message)}, ${jsonForScript(prepared.portalOrigin)});`,
          }
        : {}),
    });
  }

  /** ONAPPUNINSTALL and other application events, each checked against the stored application token. */
  http.post(APP_PATHS.events, async (c) => {
    const form = new URLSearchParams(await c.req.text());
    const event = (form.get('event') ?? '').toUpperCase();
    const memberId = form.get('auth[member_id]') ?? '';
    const token = form.get('auth[application_token]') ?? '';
    if (event === 'ONAPPUNINSTALL') {
      const outcome = await uninstall(deps, memberId, token);
      if (!outcome.ok) return c.json({ error: outcome.error }, outcome.status);
      return c.json({ status: 'uninstalled' });
    }
    if (!(await app.portals.verified(memberId, token)))
      return c.json({ error: 'unknown application token' }, 401);
    return c.json({ status: 'ignored' });
  });

  /**
   * The portal switched the background worker off (too slow, background-worker.md). The post is not
   * authenticated: BackgroundDisabledReports confirms it with the portal (rate-limited) before logging.
   */
  http.post(APP_PATHS.backgroundDisabled, async (c) => {
    await disabledReports.receive();
    return c.json({ status: 'noted' });
  });

  /**
   * PAGE_BACKGROUND_WORKER: answered at once (BackgroundFrames says why), an empty page that the
   * installed portal may frame (with `frame-ancestors 'none'` Chromium shows an error page in it).
   */
  http.post(APP_PATHS.background, async (c) => {
    const { outcome, portalOrigin } = await background.receive(await readFrame(c), clientIp(c));
    return framePage(c, { title: 'b24-gdpr', status: outcome === 'refused' ? 401 : 200, portalOrigin });
  });
}
