import { APP_PAGE_BOOT_ELEMENT, type AppPageBoot } from '@b24-gdpr/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFrameTicket } from '../../src/modules/app-pages/frame-ticket.ts';
import { ApiToken } from '../../src/modules/identity/api-token.entity.ts';
import { sha256Hex } from '../../src/modules/identity/secrets.ts';
import { type AppApi, startAppApi } from '../app/app-api.ts';
import { startTestApi } from '../support/api.ts';

/**
 * The native pages' shell as the portal's frames receive it (the sandbox posts them to our handlers
 * the way app.layout's form does): who it is for, what it lets the page do, and what the browser is
 * told to allow.
 */
let app: AppApi;
beforeAll(async () => {
  app = await startAppApi();
  await app.install();
});
afterAll(() => app?.close());

const bootOf = (html: string): AppPageBoot => {
  const match = new RegExp(
    `<script type="application/json" id="${APP_PAGE_BOOT_ELEMENT}">(.*?)</script>`,
  ).exec(html);
  if (!match?.[1]) throw new Error(`no boot data in ${html.slice(0, 200)}`);
  return JSON.parse(match[1]) as AppPageBoot;
};

/** The frame the sandbox posted, posted again to see our answer's headers (same AUTH_ID, as a reload). */
async function frame(userId: number, placement = 'DEFAULT', extra: { ownerId?: number; lang?: string } = {}) {
  const posted = await app.api.portal.apps.openFrame(app.registered().id, {
    userId,
    placement,
    ...(extra.ownerId ? { ownerId: extra.ownerId } : {}),
  });
  expect(posted.status).toBe(200);
  const url = new URL(posted.url);
  if (extra.lang) url.searchParams.set('LANG', extra.lang);
  return app.api.fetch(`${url.pathname}${url.search}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(posted.fields).toString(),
  });
}

describe('the app page', () => {
  it('is for the frame’s user, framed only by their portal, with a session that ends by itself', async () => {
    const answer = await frame(5);
    expect(answer.status).toBe(200);
    const csp = answer.headers.get('content-security-policy') ?? '';
    const portalOrigin = new URL(app.api.portal.url).origin;
    expect(csp).toContain(`frame-ancestors ${portalOrigin}`);
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toContain('unsafe');
    expect(answer.headers.get('cache-control')).toBe('no-store');
    const boot = bootOf(await answer.text());
    expect(boot).toMatchObject({
      view: 'page',
      lang: 'en',
      userId: 5,
      subjectUserId: 5,
      isAdmin: false,
      portalOrigin,
    });

    const me = await app.api.gql('{ me { userId roles } }', {}, { token: boot.token });
    expect(me.data?.me).toEqual({ userId: 5, roles: ['EMPLOYEE'] });
    const row = await app.api.services.orm.em
      .fork()
      .findOneOrFail(ApiToken, { tokenHash: sha256Hex(boot.token) });
    const hours = ((row.expiresAt?.getTime() ?? 0) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(1.9);
    expect(hours).toBeLessThanOrEqual(2);
    expect(readFrameTicket(app.api.services.secret, boot.handoffTicket)).toMatchObject({ userId: 5 });
  });

  it('speaks German when the portal’s LANG is de', async () => {
    const html = await (await frame(5, 'DEFAULT', { lang: 'de' })).text();
    expect(html).toContain('<html lang="de">');
    expect(bootOf(html).lang).toBe('de');
  });

  it('on an employee’s card is about the card’s owner; the viewer’s rights come from the portal', async () => {
    const admin = bootOf(await (await frame(1, 'USER_PROFILE_TOOLBAR', { ownerId: 7 })).text());
    expect(admin).toMatchObject({ view: 'profile-toolbar', userId: 1, subjectUserId: 7, isAdmin: true });
    const menu = bootOf(await (await frame(7, 'USER_PROFILE_MENU')).text());
    expect(menu).toMatchObject({ view: 'profile-menu', userId: 7, subjectUserId: 7, isAdmin: false });
  });

  it('refuses a frame the portal did not send, and issues nothing', async () => {
    const before = await app.api.services.orm.em.fork().count(ApiToken, {});
    const forged = await app.api.fetch('/bitrix24/app/page?LANG=en', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        AUTH_ID: 'made-up',
        member_id: 'not-a-portal',
        PLACEMENT: 'DEFAULT',
      }).toString(),
    });
    expect(forged.status).toBe(401);
    expect(forged.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(await forged.text()).not.toContain(APP_PAGE_BOOT_ELEMENT);
    expect(await app.api.services.orm.em.fork().count(ApiToken, {})).toBe(before);
  });

  it('a frame session’s token is refused once it has expired', async () => {
    const boot = bootOf(await (await frame(5)).text());
    await app.api.services.orm.em
      .fork()
      .nativeUpdate(
        ApiToken,
        { tokenHash: sha256Hex(boot.token) },
        { expiresAt: new Date(Date.now() - 1000) },
      );
    const me = await app.api.gql('{ me { userId } }', {}, { token: boot.token });
    expect(me.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });

  it('serves its script and stylesheet, nothing else', async () => {
    const script = await app.api.fetch('/bitrix24/app/assets/page.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    expect((await app.api.fetch('/bitrix24/app/assets/page.css')).headers.get('content-type')).toMatch(
      /^text\/css/,
    );
    expect((await app.api.fetch('/bitrix24/app/assets/..%2Fpackage.json')).status).toBe(404);
    expect((await app.api.fetch('/bitrix24/app/assets/other.js')).status).toBe(404);
  });
});

describe('in webhook mode', () => {
  it('there are no app pages', async () => {
    const api = await startTestApi({ jobs: false });
    try {
      const answer = await api.fetch('/bitrix24/app/page', {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: 'AUTH_ID=x&member_id=y',
      });
      expect(answer.status).toBe(400);
      expect(await answer.text()).toContain('webhooks');
    } finally {
      await api.close();
    }
  });
});
