import { createHash, randomBytes } from 'node:crypto';
import { UserRightsDocument } from '@b24-gdpr/shared/graphql';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppHandoff } from '../packages/api/src/modules/app-handoff/app-handoff.entity.ts';
import { DataSubjectRequest } from '../packages/api/src/modules/dsr/data-subject-request.entity.ts';
import { ApiToken } from '../packages/api/src/modules/identity/api-token.entity.ts';
import { hasChromium, launchChromium, waitFor } from './support/browser.ts';
import { useExtensionE2e } from './support/e2e.ts';
import { extensionStorage, signOutExtension } from './support/extension-session.ts';
import { codesSent, openPortalAs } from './support/portal.ts';

/**
 * The Bitrix24 application's pages in Chromium, on the sandbox portal with our application installed
 * (application mode): the extension signs in through the app page with no code typed, a script on
 * the portal page gets nothing usable from that, and an employee without the extension uses the
 * native page inside the portal.
 */
const ADMIN = 1;
const EMPLOYEE = 5;
const OTHER = 7;

const e2e = useExtensionE2e(undefined, { app: true });
const appPath = () => `/marketplace/app/${e2e.stack.appId()}/`;
/** The app page's visible frame (the hidden one beside it is the background worker's). */
const APP_FRAME = '.app-frame-layout-default iframe.app-frame';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The tokens issued to a user through the app page. */
const appPageTokensOf = (userId: number) =>
  e2e.stack.api.services.orm.em
    .fork()
    .find(ApiToken, { userId, label: { $like: 'Signed in through the app page%' } });

/** Clicks "sign in through Bitrix24" in the popup with only the API address filled in. */
async function signInThroughPortal(): Promise<Record<string, unknown>> {
  const popup = await e2e.browser.openExtensionPage('popup.html');
  try {
    await popup.getByTestId('api-url').fill(e2e.stack.apiUrl);
    await popup.getByTestId('app-sign-in').click();
    return await waitFor(
      async () => {
        const stored = await extensionStorage(e2e.browser);
        return typeof stored.token === 'string' && stored.user ? stored : undefined;
      },
      'the extension to hold a token',
      45_000,
    );
  } finally {
    await popup.close();
  }
}

describe.skipIf(!hasChromium)('the application pages', () => {
  it('sign the extension in through the app page, with no code typed', async () => {
    const before = codesSent(e2e.stack, EMPLOYEE);
    const portal = await openPortalAs(
      e2e.browser.context,
      e2e.stack,
      EMPLOYEE,
      `/company/personal/user/${EMPLOYEE}/`,
    );
    const stored = await signInThroughPortal();

    expect(stored.user).toMatchObject({ id: EMPLOYEE });
    expect(stored.roles).toEqual(['EMPLOYEE']);
    // The portal tab was brought to the app page, whose frame says the extension is signed in.
    expect(new URL(portal.url()).pathname).toBe(appPath());
    const frame = portal.frameLocator(APP_FRAME);
    await expect
      .poll(() => frame.getByTestId('handoff-state').getAttribute('data-state'), { timeout: 15_000 })
      .toBe('done');
    await e2e.browser.screenshot(portal, 'app-page-handoff-done');
    // No code was sent, and the API holds the token as one issued through the app page to this user.
    expect(codesSent(e2e.stack, EMPLOYEE)).toBe(before);
    const em = e2e.stack.api.services.orm.em.fork();
    const token = await em.findOneOrFail(ApiToken, { tokenHash: sha256(stored.token as string) });
    expect(token).toMatchObject({ userId: EMPLOYEE, kind: 'USER', revokedAt: null, expiresAt: null });
    expect(token.label).toMatch(/^Signed in through the app page/);
    const handoff = await em.findOneOrFail(
      AppHandoff,
      { userId: EMPLOYEE },
      { orderBy: { createdAt: 'desc' } },
    );
    expect(handoff.usedAt).not.toBeNull();
    await portal.close();
  });

  it('give a script on the portal page nothing usable while the extension signs in', async () => {
    await signOutExtension(e2e.browser);
    const own = randomBytes(32).toString('base64url');
    const ownChallenge = createHash('sha256').update(own).digest('base64url');
    const portal = await e2e.browser.context.newPage();
    // The "malicious" script runs first in every portal document (not in our frame): it records
    // every message the page receives, offers every frame a challenge of its own with a port, and
    // tries to register that challenge with the API itself.
    await portal.addInitScript(
      ({ challenge, apiUrl }) => {
        if (window.top !== window || location.origin === new URL(apiUrl).origin) return;
        const w = window as unknown as { seen: string[]; replies: unknown[]; registered: string };
        w.seen = [];
        w.replies = [];
        w.registered = 'not tried';
        window.addEventListener('message', (event) => w.seen.push(JSON.stringify(event.data)));
        const offer = () => {
          for (const frame of document.querySelectorAll('iframe')) {
            const channel = new MessageChannel();
            channel.port1.onmessage = (event) => w.replies.push(event.data);
            frame.contentWindow?.postMessage({ tag: 'b24-gdpr:handoff', challenge }, '*', [channel.port2]);
          }
        };
        setInterval(offer, 300);
        void fetch(`${apiUrl}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-graphql-yoga-csrf': '1' },
          body: JSON.stringify({
            query: 'mutation($p:String!,$c:String!){startAppSignIn(portalUrl:$p,challenge:$c){__typename}}',
            variables: { p: location.origin, c: challenge },
          }),
        }).then(
          (r) => r.text().then((t) => (w.registered = t)),
          () => (w.registered = 'blocked'),
        );
      },
      { challenge: ownChallenge, apiUrl: e2e.stack.apiUrl },
    );
    await portal.goto(e2e.stack.api.portal.pages.signInUrl(OTHER, '/stream/'));
    const stored = await signInThroughPortal();
    expect(stored.user).toMatchObject({ id: OTHER });

    const seen = await portal.evaluate(() => (window as unknown as { seen: string[] }).seen);
    const replies = await waitFor(
      () =>
        portal
          .evaluate(() => (window as unknown as { replies: unknown[] }).replies)
          .then((r) => (r.length ? r : undefined)),
      'an answer to the page script’s own challenge',
    );
    const registered = await portal.evaluate(() => (window as unknown as { registered: string }).registered);
    // Our frame talked to the page (it announced itself), but no code or token ever reached it.
    expect(seen.some((data) => data.includes('b24-gdpr:frame-ready'))).toBe(true);
    expect(seen.join('\n')).not.toMatch(/b24h_|b24g_/);
    // Its own challenge got a refusal, never a code; it could not register it (CORS, and the API refuses its origin).
    expect(replies).toContainEqual(expect.objectContaining({ ok: false }));
    expect(JSON.stringify(replies)).not.toMatch(/b24h_|b24g_/);
    expect(registered).toBe('blocked');
    const em = e2e.stack.api.services.orm.em.fork();
    expect(await em.count(AppHandoff, { challenge: ownChallenge })).toBe(0);
    // The one token issued to OTHER through the app page is the extension's.
    const issued = await em.find(ApiToken, {
      userId: OTHER,
      label: { $like: 'Signed in through the app page%' },
    });
    expect(issued.map((t) => t.tokenHash)).toEqual([sha256(stored.token as string)]);
    await portal.close();
  });

  it('keep no token when a frame injected into the portal page answers for another user', async () => {
    await signOutExtension(e2e.browser);
    const before = (await appPageTokensOf(OTHER)).length;
    // A colleague's frame, as the portal posted it to them; the page's script replaces the app's
    // own frame with it, so the challenge can only reach the colleague's session.
    const posted = await e2e.stack.api.portal.apps.openFrame(e2e.stack.appId(), { userId: OTHER });
    const portal = await e2e.browser.context.newPage();
    await portal.addInitScript(
      ({ action, fields }) => {
        if (window.top !== window || !location.pathname.startsWith('/marketplace/app/')) return;
        document.addEventListener('DOMContentLoaded', () => {
          for (const own of document.querySelectorAll('.app-frame-layout')) own.remove();
          const frame = document.createElement('iframe');
          frame.name = 'injected';
          const form = document.createElement('form');
          form.method = 'POST';
          form.action = action;
          form.target = 'injected';
          for (const [name, value] of Object.entries(fields)) {
            const input = document.createElement('input');
            input.type = 'hidden';
            input.name = name;
            input.value = value;
            form.append(input);
          }
          document.body.append(frame, form);
          form.submit();
        });
      },
      { action: posted.url, fields: posted.fields },
    );
    await portal.goto(e2e.stack.api.portal.pages.signInUrl(EMPLOYEE, '/stream/'));
    const popup = await e2e.browser.openExtensionPage('popup.html');
    await popup.getByTestId('api-url').fill(e2e.stack.apiUrl);
    await popup.getByTestId('app-sign-in').click();
    const error = popup.getByTestId('sign-in-error');
    await error.waitFor({ timeout: 45_000 });
    expect(await error.textContent()).toMatch(/another user/);
    expect((await extensionStorage(e2e.browser)).token ?? null).toBeNull();
    // The colleague's token the handoff produced was revoked at once: none of theirs is live.
    const issued = await appPageTokensOf(OTHER);
    expect(issued.length).toBe(before + 1);
    expect(issued.filter((t) => t.revokedAt === null)).toEqual([]);
    await popup.close();
    await portal.close();
  });

  describe('without the extension', () => {
    let plain: Browser;
    beforeAll(async () => {
      if (hasChromium) plain = await launchChromium();
    });
    afterAll(() => plain?.close());

    it('an employee asks for an export on the native page, and sees the refusal while deletion is off', async () => {
      const context = await plain.newContext({ acceptDownloads: true });
      const page = await context.newPage();
      await page.goto(e2e.stack.api.portal.pages.signInUrl(EMPLOYEE, appPath()));
      const frame = page.frameLocator(APP_FRAME);
      const panel = frame.getByTestId('gdpr-panel');
      await expect.poll(() => panel.getAttribute('data-viewer'), { timeout: 20_000 }).toBe('own');

      // Deletion is switched off after install: the button says which rule refuses it, as the API decides.
      const { userRights } = await e2e.stack.query(EMPLOYEE, UserRightsDocument, { userId: EMPLOYEE });
      if (userRights.__typename !== 'UserRights') throw new Error('no rights');
      const erase = userRights.actions.find((a) => a.action === 'ERASE')!;
      expect(erase.allowed).toBe(false);
      const remove = panel.getByTestId('gdpr-delete');
      expect(await remove.isDisabled()).toBe(true);
      expect(await remove.getAttribute('data-rule')).toBe(erase.rule);
      expect(await panel.getByTestId('gdpr-reason-delete').textContent()).toBe(erase.message ?? erase.rule);

      const download = panel.getByTestId('gdpr-download');
      await expect.poll(() => download.isEnabled(), { timeout: 10_000 }).toBe(true);
      await download.click();
      await expect
        .poll(() => panel.getByTestId('download-ready').isVisible(), { timeout: 45_000, interval: 250 })
        .toBe(true);
      await e2e.browser.screenshot(page, 'app-page-employee-export');
      const request = await e2e.stack.api.services.orm.em
        .fork()
        .findOneOrFail(
          DataSubjectRequest,
          { subjectUserId: EMPLOYEE, type: 'EXPORT' },
          { orderBy: { createdAt: 'desc' } },
        );
      expect(request).toMatchObject({ status: 'COMPLETED', requesterUserId: EMPLOYEE });
      // Asked with the native page's own frame session, not a token of the extension.
      const via = await e2e.stack.api.services.orm.em
        .fork()
        .findOneOrFail(ApiToken, { id: request.requesterTokenId! });
      expect(via.label).toMatch(/^Bitrix24 app page/);
      expect(via.expiresAt).not.toBeNull();
      await context.close();
    });

    it('the profile placements: the card owner’s panel for an administrator, the viewer’s own from the avatar menu', async () => {
      const context = await plain.newContext();
      const page = await context.newPage();
      const placed = (placement: string) =>
        page
          .frameLocator(`.app-frame-layout[data-placement="${placement}"] iframe.app-frame`)
          .getByTestId('app-page');

      // An administrator on the employee's card: USER_PROFILE_TOOLBAR acts on the card's owner.
      await page.goto(e2e.stack.api.portal.pages.signInUrl(ADMIN, `/company/personal/user/${EMPLOYEE}/`));
      await page.locator('a.intranet-user-profile-toolbar-item').first().click();
      const toolbar = placed('USER_PROFILE_TOOLBAR');
      const panel = toolbar.getByTestId('gdpr-panel');
      await expect.poll(() => panel.getAttribute('data-viewer'), { timeout: 20_000 }).toBe('admin');
      expect(await panel.getAttribute('data-user-id')).toBe(String(EMPLOYEE));
      expect(await toolbar.getAttribute('data-view')).toBe('profile-toolbar');

      // A colleague on the same card is no administrator: the page says so and offers nothing.
      await page.goto(e2e.stack.api.portal.pages.signInUrl(OTHER, `/company/personal/user/${EMPLOYEE}/`));
      await page.locator('a.intranet-user-profile-toolbar-item').first().click();
      await placed('USER_PROFILE_TOOLBAR').getByTestId('app-page-not-admin').waitFor({ timeout: 20_000 });
      expect(await placed('USER_PROFILE_TOOLBAR').getByTestId('gdpr-panel').count()).toBe(0);

      // USER_PROFILE_MENU: the viewer's own data.
      await page.goto(e2e.stack.api.portal.pages.signInUrl(EMPLOYEE, '/stream/'));
      await page.locator('a.user-menu-extension-item').first().click();
      const own = placed('USER_PROFILE_MENU').getByTestId('gdpr-panel');
      await expect.poll(() => own.getAttribute('data-viewer'), { timeout: 20_000 }).toBe('own');
      expect(await own.getAttribute('data-user-id')).toBe(String(EMPLOYEE));
      await context.close();
    });
  });
});
