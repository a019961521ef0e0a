import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { APP_PATHS } from '../packages/api/src/modules/app/app-paths.ts';
import { type AppApi, startAppApi } from '../packages/api/test/app/app-api.ts';
import { hasChromium, launchChromium } from './support/browser.ts';

/**
 * The API in application mode installed the way an administrator installs a local application with an
 * interface: they open it in the portal, our installer page runs in the portal's frame, binds ONAPPINSTALL
 * with the frame's token and finishes the install over the BX24 frame protocol; the install event then
 * stores the portal and their token and binds the placements. Then an
 * employee opens a portal page and the hidden background frame hands us their token. Real Chromium, the
 * sandbox's pages and app layout, no test control in between.
 */
let app: AppApi;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  app = await startAppApi();
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await app?.close();
});

async function until<T>(read: () => Promise<T | undefined> | T | undefined, what: string): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe.runIf(hasChromium)('installing the application in Chromium', { timeout: 120_000 }, () => {
  it('installs from the installer frame, then every employee\u2019s page hands us their token', async () => {
    const portal = app.api.portal;
    const registered = portal.apps.register({
      name: 'b24-gdpr',
      handlerUrl: `${app.base}${APP_PATHS.page}`,
      installUrl: `${app.base}${APP_PATHS.install}`,
    });
    app.app.credentials.current = { clientId: registered.clientId, clientSecret: registered.clientSecret };
    portal.apps.install(registered.id);

    const admin = await browser.newContext();
    const page = await admin.newPage();
    await page.goto(portal.pages.signInUrl(1, `/marketplace/app/${registered.id}/`));
    // Our page's setInstallFinish: the portal marks the app installed and reloads the page.
    await page.waitForURL(/install_finished=Y/);
    expect(portal.apps.get(registered.id)?.installed).toBe(true);
    // The finished install sends ONAPPINSTALL to the handler our installer bound (frames carry no
    // application token, widget_data.md); that event installs us.
    await portal.events.flush();
    await until(async () => {
      await app.app.lastBind;
      const status = await app.api.services.portal.credentialStatus(1);
      return status.state === 'usable' ? status : undefined;
    }, 'the install event');
    await app.app.lastBind;
    const placements = portal.apps
      .placements(registered.id)
      .map((p) => p.placement)
      .sort();
    expect(placements).toEqual(['PAGE_BACKGROUND_WORKER', 'USER_PROFILE_MENU', 'USER_PROFILE_TOOLBAR']);
    await admin.close();

    const employee = await browser.newContext();
    await (await employee.newPage()).goto(portal.pages.signInUrl(5, '/stream/'));
    await until(async () => {
      await app.app.background?.settled();
      const status = await app.api.services.portal.credentialStatus(5);
      return status.state === 'usable' ? status : undefined;
    }, 'user 5\u2019s token from the background frame');
    const me = await app.api.services.portal.asUser(5)!.call('profile');
    expect(Number(me.ID)).toBe(5);
    await employee.close();
  });
});
