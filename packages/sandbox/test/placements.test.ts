import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { appTestbed, callApp, installedApiApp } from './app-helpers.ts';
import { call } from './helpers.ts';
import { all, Browser } from './pages-browser.ts';

const bed = appTestbed();

/** An installed app, its admin token (user 1) and an employee's token (user 3). */
async function setup() {
  const { app, accessToken } = await installedApiApp(bed.portal, bed.receiver);
  const employee = (await bed.portal.apps.openFrame(app.id, { userId: 3 })).fields.AUTH_ID ?? '';
  return { app, admin: accessToken, employee };
}

const worker = (handler: string) => ({
  PLACEMENT: 'PAGE_BACKGROUND_WORKER',
  HANDLER: handler,
  OPTIONS: { errorHandlerUrl: `${handler}/error` },
});

describe('placement.bind (api-reference/widgets/placement-bind.md)', () => {
  it('is refused to webhooks (WRONG_AUTH_TYPE) and to non-administrators (ACCESS_DENIED)', async () => {
    const { admin, employee } = await setup();
    expect(
      await call(bed.portal.webhookUrl(1), 'placement.bind', worker(`${bed.receiver.url}/bg`)),
    ).toMatchObject({
      status: 403,
      body: { error: 'WRONG_AUTH_TYPE' },
    });
    expect(
      await callApp(bed.portal, 'placement.bind', employee, worker(`${bed.receiver.url}/bg`)),
    ).toMatchObject({
      status: 403,
      body: { error: 'ACCESS_DENIED', error_description: 'Access denied!' },
    });
    expect(await callApp(bed.portal, 'placement.get', employee)).toMatchObject({ status: 403 });
    expect(
      (await callApp(bed.portal, 'placement.bind', admin, worker(`${bed.receiver.url}/bg`))).body.result,
    ).toBe(true);
  });

  it('keeps the rules of PAGE_BACKGROUND_WORKER: errorHandlerUrl, one per app, USER_ID only there', async () => {
    const { app, admin } = await setup();
    const bg = `${bed.receiver.url}/bg`;
    expect(
      await callApp(bed.portal, 'placement.bind', admin, {
        PLACEMENT: 'PAGE_BACKGROUND_WORKER',
        HANDLER: bg,
      }),
    ).toMatchObject({ body: { error: 'EMPTY_ERROR_HANDLER_URL' } });
    expect((await callApp(bed.portal, 'placement.bind', admin, worker(bg))).body.result).toBe(true);
    expect(await callApp(bed.portal, 'placement.bind', admin, worker(bg))).toMatchObject({
      body: { error: 'ERROR_PLACEMENT_MAX_COUNT' },
    });
    expect(
      await callApp(bed.portal, 'placement.bind', admin, {
        PLACEMENT: 'USER_PROFILE_MENU',
        HANDLER: `${bed.receiver.url}/menu`,
        USER_ID: 3,
      }),
    ).toMatchObject({ body: { error: 'ERROR_PLACEMENT_USER_MODE' } });
    expect(await callApp(bed.portal, 'placement.bind', admin, { HANDLER: bg })).toMatchObject({
      status: 400,
      body: { error: 'ERROR_ARGUMENT', argument: 'PLACEMENT' },
    });
    const got = await callApp(bed.portal, 'placement.get', admin);
    expect(got.body.result).toEqual([
      {
        placement: 'PAGE_BACKGROUND_WORKER',
        userId: 0,
        handler: bg,
        options: { errorHandlerUrl: `${bg}/error` },
        title: app.name,
        description: '',
        langAll: { en: { TITLE: app.name, DESCRIPTION: '', GROUP_NAME: '' } },
      },
    ]);
    // placement-unbind.md: the count grows by one before and one after each removal.
    expect(
      (await callApp(bed.portal, 'placement.unbind', admin, { PLACEMENT: 'PAGE_BACKGROUND_WORKER' })).body
        .result,
    ).toEqual({ count: 2 });
    expect(bed.portal.apps.placements(app.id)).toEqual([]);
  });
});

describe('frames (settings/oauth/simple-way.md, widgets/_includes/widget_data.md)', () => {
  it('posts the documented fields to the handler, a fresh token of the viewer each time', async () => {
    const { app, admin } = await setup();
    await callApp(bed.portal, 'placement.bind', admin, worker(`${bed.receiver.url}/bg`));
    bed.receiver.received.length = 0;
    const frame = await bed.portal.apps.openFrame(app.id, {
      userId: 4,
      placement: 'PAGE_BACKGROUND_WORKER',
      uri: '/stream/?x=1',
    });
    const got = bed.receiver.received[0];
    expect(frame.status).toBe(200);
    const query = new URLSearchParams(got?.path.split('?')[1]);
    expect([...query.keys()]).toEqual(['DOMAIN', 'PROTOCOL', 'LANG', 'APP_SID']);
    expect(query.get('DOMAIN')).toBe(new URL(bed.portal.url).host);
    expect(query.get('APP_SID')).toMatch(/^[0-9a-f]{32}$/);
    expect([...(got?.body.keys() ?? [])]).toEqual([
      'AUTH_ID',
      'AUTH_EXPIRES',
      'REFRESH_ID',
      'SERVER_ENDPOINT',
      'APPLICATION_SCOPE',
      'member_id',
      'status',
      'PLACEMENT',
      'PLACEMENT_OPTIONS',
    ]);
    // The application token authenticates events; an employee's page must not hand it out.
    expect(got?.body.has('APPLICATION_TOKEN')).toBe(false);
    expect(JSON.parse(got?.body.get('PLACEMENT_OPTIONS') ?? '')).toEqual({
      ID: 'PAGE_BACKGROUND_WORKER',
      URI: '/stream/?x=1',
    });
    const who = await callApp(bed.portal, 'profile', got?.body.get('AUTH_ID') ?? '');
    expect(who.body.result).toMatchObject({ ID: '4' });
  });

  it('shows the background worker as a hidden auto-submitted frame on every page of a signed-in user', async () => {
    const { app, admin } = await setup();
    await callApp(bed.portal, 'placement.bind', admin, worker(`${bed.receiver.url}/bg-pages`));
    const b = new Browser(bed.portal.url);
    await b.signIn(5);
    const page = await b.get('/company/personal/user/7/');
    const forms = all(page.document, '.app-frame-hidden form').filter((f) =>
      (f.getAttribute('action') ?? '').startsWith(`${bed.receiver.url}/bg-pages?`),
    );
    expect(forms).toHaveLength(1);
    const form = forms[0];
    const field = (n: string) => form?.querySelector(`input[name="${n}"]`)?.getAttribute('value');
    expect(JSON.parse(field('PLACEMENT_OPTIONS') ?? '')).toEqual({
      ID: 'PAGE_BACKGROUND_WORKER',
      URI: '/company/personal/user/7/',
    });
    expect(field('PLACEMENT')).toBe('PAGE_BACKGROUND_WORKER');
    const sid = new URL(form?.getAttribute('action') ?? '').searchParams.get('APP_SID');
    const iframe = page.document.querySelector(`iframe#appframe_${sid}`);
    expect(iframe?.getAttribute('name')).toBe(`${new URL(bed.portal.url).host}|0|${sid}`);
    expect(form?.getAttribute('target')).toBe(iframe?.getAttribute('name'));
    expect((await callApp(bed.portal, 'profile', field('AUTH_ID') ?? '')).body.result).toMatchObject({
      ID: '5',
    });
    bed.portal.apps.uninstall(app.id);
    const after = await b.get('/stream/');
    expect(after.text).not.toContain(`${bed.receiver.url}/bg-pages?`);
  });

  it('binds a worker for one user only (USER_ID) and shows it to nobody else', async () => {
    const { admin } = await setup();
    await callApp(bed.portal, 'placement.bind', admin, {
      ...worker(`${bed.receiver.url}/only6`),
      USER_ID: 6,
    });
    const six = new Browser(bed.portal.url);
    await six.signIn(6);
    const seven = new Browser(bed.portal.url);
    await seven.signIn(7);
    expect((await six.get('/stream/')).text).toContain(`${bed.receiver.url}/only6?`);
    expect((await seven.get('/stream/')).text).not.toContain(`${bed.receiver.url}/only6?`);
  });

  it('offers USER_PROFILE_MENU under the avatar and USER_PROFILE_TOOLBAR on a card, with the right USER_ID', async () => {
    const { admin } = await setup();
    await callApp(bed.portal, 'placement.bind', admin, {
      PLACEMENT: 'USER_PROFILE_MENU',
      HANDLER: `${bed.receiver.url}/menu`,
      TITLE: 'My data',
    });
    await callApp(bed.portal, 'placement.bind', admin, {
      PLACEMENT: 'USER_PROFILE_TOOLBAR',
      HANDLER: `${bed.receiver.url}/card`,
    });
    const b = new Browser(bed.portal.url);
    await b.signIn(8);
    const card = await b.get('/company/personal/user/9/');
    const menu = all(card.document, '#user-menu-extensions a.user-menu-extension-item').find(
      (a) => a.textContent === 'My data',
    );
    const toolbar = all(
      card.document,
      '#intranet-user-profile-toolbar a.intranet-user-profile-toolbar-item',
    ).at(-1);
    const options = async (href: string | null | undefined) => {
      const page = await b.get(href ?? '');
      const input = page.document.querySelector('form input[name="PLACEMENT_OPTIONS"]');
      return JSON.parse(input?.getAttribute('value') ?? '{}');
    };
    expect(await options(menu?.getAttribute('href'))).toEqual({
      USER_ID: '8',
      URI: '/company/personal/user/9/',
    });
    expect(await options(toolbar?.getAttribute('href'))).toEqual({
      USER_ID: '9',
      URI: '/company/personal/user/9/',
    });
  });

  it('answers access_refresh only with the session’s sessid', async () => {
    const { app } = await setup();
    const b = new Browser(bed.portal.url);
    await b.signIn(3);
    const page = await b.get(`/marketplace/app/${app.id}/`);
    const sessid = bed.portal.pages.sessid(b.sessionId ?? '') ?? '';
    const post = (token: string) =>
      fetch(`${bed.portal.url}/bitrix/components/bitrix/app.layout/lazyload.ajax.php`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          cookie: `PHPSESSID=${b.sessionId}`,
          'x-bitrix-csrf-token': token,
        },
        body: new URLSearchParams({ action: 'access_refresh', 'PARAMS[params][ID]': String(app.id) }),
      });
    expect(page.document.querySelector('iframe.app-frame')).not.toBeNull();
    expect((await post('wrong')).status).toBe(400);
    const ok = (await (await post(sessid)).json()) as { access_token: string };
    expect((await callApp(bed.portal, 'profile', ok.access_token)).body.result).toMatchObject({ ID: '3' });
  });
});

describe('PAGE_BACKGROUND_WORKER overtime (universal/background-worker.md)', () => {
  it('unbinds a handler slower than the budget more than ten times a day and tells errorHandlerUrl', async () => {
    const { app, admin } = await setup();
    const slow = createServer((_req, res) => {
      setTimeout(() => res.end('late'), 60);
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const slowUrl = `http://127.0.0.1:${(slow.address() as AddressInfo).port}/bg`;
    try {
      await callApp(bed.portal, 'placement.bind', admin, {
        PLACEMENT: 'PAGE_BACKGROUND_WORKER',
        HANDLER: slowUrl,
        OPTIONS: { errorHandlerUrl: `${bed.receiver.url}/bg-error` },
      });
      bed.portal.apps.setFrameBudget(10);
      for (let i = 0; i < 10; i++)
        await bed.portal.apps.openFrame(app.id, { userId: 3, placement: 'PAGE_BACKGROUND_WORKER' });
      expect(bed.portal.apps.placements(app.id)).toHaveLength(1);
      await bed.portal.apps.openFrame(app.id, { userId: 3, placement: 'PAGE_BACKGROUND_WORKER' });
      expect(bed.portal.apps.placements(app.id)).toEqual([]);
      await bed.portal.events.flush();
      const report = bed.receiver.received.find((r) => r.path === '/b24/bg-error');
      expect(report?.body.get('error')).toBe('ERROR_PLACEMENT_LOADING_OVERTIME');
      expect(report?.body.get('AUTH_ID')).toBeNull();
    } finally {
      bed.portal.apps.setFrameBudget(5_000);
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });
});
