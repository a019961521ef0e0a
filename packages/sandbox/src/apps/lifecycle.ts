import type { SandboxRuntime } from '../runtime.ts';
import type { App } from './types.ts';

/** Thrown by the test controls for a request the portal's UI would not allow. */
export class AppControlError extends Error {}

function appOrThrow(portal: SandboxRuntime, appId: number): App {
  const app = portal.apps.get(appId);
  if (!app) throw new AppControlError(`no application ${appId}`);
  return app;
}

/**
 * An administrator adds the application (settings/app-installation/local-apps/index.md). Only an
 * administrator may. What happens next depends on the app (installation-finish.md):
 * - API only: installed at once; ONAPPINSTALL goes to the "Initial installation path" as the
 *   installation callback (local-apps/installation-callback.md).
 * - With an interface and an installer (`installUrl`): not installed until the installer calls
 *   `installFinish` (the admin opening `/marketplace/app/<id>/`, or `finishInstall` headless).
 * - With an interface and no installer: installed at once (installation-master.md: no install.html →
 *   no wizard).
 */
export function installApp(portal: SandboxRuntime, appId: number, userId: number): App {
  const app = appOrThrow(portal, appId);
  const admin = portal.state.user(userId);
  if (!admin?.ACTIVE || !admin.isAdmin)
    throw new AppControlError(`user ${userId} is not an active administrator`);
  if (app.active) throw new AppControlError(`application ${appId} is already added`);
  app.active = true;
  app.installed = false;
  app.installedBy = userId;
  if (app.apiOnly || app.installUrl === '') completeInstall(portal, app, userId);
  return app;
}

/**
 * The parent page's `setInstallFinish` (modules/rest/install/js/rest/applayout.js → app.layout
 * component's `set_installed` action): an administrator marks the app installed, then
 * `AppTable::install` fires ONAPPINSTALL. Also the headless stand-in for an installer page calling
 * `BX24.installFinish()`.
 */
export function finishInstall(portal: SandboxRuntime, appId: number, userId: number): App {
  const app = appOrThrow(portal, appId);
  const user = portal.state.user(userId);
  if (!app.active) throw new AppControlError(`application ${appId} is not added`);
  if (!user?.ACTIVE || !user.isAdmin)
    throw new AppControlError(`user ${userId} is not an active administrator`);
  if (!app.installed) completeInstall(portal, app, userId);
  return app;
}

/**
 * ONAPPINSTALL (api-reference/common/events/on-app-install.md): a form POST with `data[VERSION]`,
 * `data[ACTIVE]`, `data[INSTALLED]`, `data[LANGUAGE_ID]` and the installing user's `auth[...]`
 * including `refresh_token` and `application_token`, to every handler the app bound for it, to the
 * Market card's installation event handler, and for an API-only app to its installation callback.
 */
function completeInstall(portal: SandboxRuntime, app: App, userId: number): void {
  app.installed = true;
  const data = { VERSION: app.version, ACTIVE: 'Y', INSTALLED: 'Y', LANGUAGE_ID: 'en' };
  const send = (url: string, bindingId: number) =>
    portal.events.send(
      url,
      'ONAPPINSTALL',
      bindingId,
      portal.events.appBody(app, 'ONAPPINSTALL', data, {
        userId,
        handlerId: bindingId === 0 ? null : bindingId,
        refresh: true,
      }),
    );
  const urls = new Set<string>();
  for (const b of portal.state.eventBindings.values()) {
    if (b.appId === app.id && b.event === 'ONAPPINSTALL' && !urls.has(b.handler)) {
      urls.add(b.handler);
      send(b.handler, b.id);
    }
  }
  for (const url of [app.installEventHandlerUrl, app.apiOnly ? app.installUrl : '']) {
    if (url !== '' && !urls.has(url)) {
      urls.add(url);
      send(url, 0);
    }
  }
}

/**
 * Uninstall (api-reference/common/events/on-app-uninstall.md): ONAPPUNINSTALL to the app's bound
 * handlers with `data[LANGUAGE_ID]`, `data[CLEAN]` and no tokens, only the portal's addresses and
 * the application token; then "all access permissions for the application to the API are revoked":
 * its tokens, placements and event handlers go.
 */
export function uninstallApp(portal: SandboxRuntime, appId: number, clean: boolean): App {
  const app = appOrThrow(portal, appId);
  if (!app.active) throw new AppControlError(`application ${appId} is not added`);
  if (app.installed) {
    const data = { LANGUAGE_ID: 'en', CLEAN: clean ? 1 : 0 };
    for (const b of portal.state.eventBindings.values()) {
      if (b.appId !== app.id || b.event !== 'ONAPPUNINSTALL') continue;
      portal.events.send(
        b.handler,
        'ONAPPUNINSTALL',
        b.id,
        portal.events.appBody(app, 'ONAPPUNINSTALL', data, { userId: 0, handlerId: b.id, refresh: false }),
      );
    }
  }
  app.active = false;
  app.installed = false;
  app.installedBy = null;
  portal.tokens.dropApp(app.id);
  portal.apps.removePlacementsOf(app.id);
  for (const [k, b] of portal.state.eventBindings)
    if (b.appId === app.id) portal.state.eventBindings.delete(k);
  return app;
}
