import { createSandboxPortal, type SandboxPortal } from '@b24-gdpr/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config/config.ts';
import { purgeUninstalled } from '../../src/modules/app/install.ts';
import { tableDigester } from '../support/table-digest.ts';
import { type AppApi, startAppApi } from './app-api.ts';

/** Every row of the app tables as text, the way an operator's dump shows them. */
async function dumpAppTables(app: AppApi): Promise<string> {
  const rows = await app.api.services.orm.em
    .fork()
    .getConnection()
    .execute<{ dump: string }[]>(
      `select coalesce((select json_agg(t)::text from app_portal t), '') ||
              coalesce((select json_agg(t)::text from app_user_token t), '') ||
              coalesce((select json_agg(t)::text from app_admin t), '') as dump`,
    );
  return rows[0]?.dump ?? '';
}

const form = (fields: Record<string, string>) => ({
  method: 'POST',
  headers: { 'content-type': 'application/x-www-form-urlencoded' },
  body: new URLSearchParams(fields).toString(),
});

describe('installing and uninstalling the application', () => {
  let app: AppApi;
  beforeEach(async () => {
    app = await startAppApi();
    await app.install();
  });
  afterEach(() => app.close());

  it("stores the portal and the installer's tokens encrypted, and binds the placements", async () => {
    const delivery = app.api.portal.events.deliveries().find((d) => d.event === 'ONAPPINSTALL');
    expect(delivery?.status).toBe(200);
    const secrets = ['auth[access_token]', 'auth[refresh_token]', 'auth[application_token]'].map(
      (key) => delivery?.body[key] ?? '',
    );
    expect(secrets.every((s) => s.length > 8)).toBe(true);

    const dump = await dumpAppTables(app);
    expect(dump).toContain(delivery?.body['auth[domain]'] ?? 'no domain');
    for (const secret of secrets) expect(dump).not.toContain(secret);

    const status = await app.api.services.portal.credentialStatus(1);
    expect(status).toEqual({ state: 'usable' });
    // The stored token works: the administrator's client acts as the installer.
    const me = await app.api.services.portal.client.call('profile');
    expect(Number(me.ID)).toBe(1);
    const placements = app.api.portal.apps
      .placements(app.registered().id)
      .map((p) => p.placement)
      .sort();
    expect(placements).toEqual(['PAGE_BACKGROUND_WORKER', 'USER_PROFILE_MENU', 'USER_PROFILE_TOOLBAR']);
  });

  it('refreshes at the configured token server, whatever server_endpoint the install named', async () => {
    // The token URL receives our client secret and every refresh token: a server_endpoint stored from an
    // install request (here rewritten to an attacker's host) must not move it.
    await app.api.services.orm.em
      .fork()
      .getConnection()
      .execute(`update app_portal set server_endpoint = 'https://attacker.example/rest/'`);
    app.api.portal.oauth.resetCounters();
    app.api.portal.oauth.expireAccessTokens({ userId: 1 });
    const me = await app.api.services.portal.client.call('profile');
    expect(Number(me.ID)).toBe(1);
    expect(app.api.portal.oauth.counters().byGrant.refresh_token).toBe(1);
  });

  it('refuses an uninstall or a second install with a wrong application token, and stores nothing', async () => {
    const portal = app.api.portal;
    // A real user's frame, whose fields a forger could copy (whatever our placement handler did with it).
    const real = await portal.apps.openFrame(app.registered().id, {
      userId: 4,
      placement: 'USER_PROFILE_MENU',
    });
    const digest = await tableDigester(app.api.services.orm.em.fork());
    const before = await digest();
    const auth = {
      'auth[member_id]': (await app.app.portals.current())!.memberId,
      'auth[domain]': new URL(portal.url).host,
      'auth[client_endpoint]': `${portal.url}/rest/`,
      'auth[server_endpoint]': `${portal.url}/oauth/rest/`,
      'auth[application_token]': 'not-the-token',
    };
    const uninstall = await fetch(
      `${app.base}/bitrix24/app/events`,
      form({ event: 'ONAPPUNINSTALL', ...auth }),
    );
    expect(uninstall.status).toBe(401);
    const reinstall = await fetch(
      `${app.base}/bitrix24/app/install`,
      form({
        event: 'ONAPPINSTALL',
        ...auth,
        'auth[access_token]': 'forged',
        'auth[refresh_token]': 'forged',
      }),
    );
    expect(reinstall.status).toBe(401);
    // A frame (installer or page) with a real user's token but a forged application token: refused too.
    const forgedFrame = await fetch(
      `${app.base}/bitrix24/app/install?DOMAIN=${encodeURIComponent(new URL(portal.url).host)}&PROTOCOL=0&LANG=en`,
      form({ ...real.fields, APPLICATION_TOKEN: 'not-the-token' }),
    );
    expect(forgedFrame.status).toBe(401);
    expect(await digest()).toEqual(before);
    expect(await app.api.services.portal.credentialStatus(1)).toEqual({ state: 'usable' });
  });

  it('ignores a replayed install by an employee with the real application token: nothing changes', async () => {
    const portal = app.api.portal;
    const delivery = portal.events.deliveries().find((d) => d.event === 'ONAPPINSTALL');
    // An employee's own frame tokens, and the application token every frame and page carries.
    const frame = await portal.apps.openFrame(app.registered().id, {
      userId: 4,
      placement: 'USER_PROFILE_MENU',
    });
    await app.app.background?.settled();
    const before = await dumpAppTables(app);
    const replay = await fetch(
      `${app.base}/bitrix24/app/install`,
      form({
        event: 'ONAPPINSTALL',
        'auth[member_id]': (await app.app.portals.current())!.memberId,
        'auth[domain]': new URL(portal.url).host,
        'auth[client_endpoint]': `${portal.url}/rest/`,
        'auth[server_endpoint]': 'https://attacker.example/oauth/rest/',
        'auth[application_token]': delivery?.body['auth[application_token]'] ?? '',
        'auth[scope]': 'user',
        'auth[access_token]': frame.fields.AUTH_ID ?? '',
        'auth[refresh_token]': frame.fields.REFRESH_ID ?? '',
        'auth[expires_in]': '3600',
      }),
    );
    expect(replay.status).toBe(200);
    await app.app.lastBind;
    expect(await dumpAppTables(app)).toBe(before);
    expect((await app.app.portals.current())?.installedBy).toBe(1);
  });

  it('refuses an uninstall with the right application token while the portal still has the app', async () => {
    // An employee's page carries what a forger needs to copy; the portal has not removed the app.
    await app.backgroundFrame(3);
    const digest = await tableDigester(app.api.services.orm.em.fork());
    const before = await digest();
    const portal = app.api.portal;
    const forged = await fetch(
      `${app.base}/bitrix24/app/events`,
      form({
        event: 'ONAPPUNINSTALL',
        'data[LANGUAGE_ID]': 'en',
        'data[CLEAN]': '0',
        'auth[member_id]': (await app.app.portals.current())!.memberId,
        'auth[domain]': portal.domain,
        'auth[client_endpoint]': `${portal.url}/rest/`,
        'auth[server_endpoint]': `${portal.url}/oauth/rest/`,
        'auth[application_token]': app.registered().applicationToken,
      }),
    );
    expect(forged.status).toBe(409);
    expect(await digest()).toEqual(before);
    expect(await app.api.services.portal.usersWithCredentials()).toEqual([1, 3]);
    expect(portal.apps.get(app.registered().id)?.installed).toBe(true);
  });

  it('refuses a portal event with a wrong application token: 401, nothing stored', async () => {
    const digest = await tableDigester(app.api.services.orm.em.fork());
    const before = await digest();
    const portal = app.api.portal;
    const post = portal.seed.post(5, 'A post nobody edited');
    const answer = await fetch(
      `${app.base}/bitrix24/events`,
      form({
        event: 'ONLIVEFEEDPOSTUPDATE',
        'data[FIELDS][ID]': String(post.id),
        ts: String(Math.floor(app.clock.ms / 1000)),
        'auth[member_id]': (await app.app.portals.current())!.memberId,
        'auth[domain]': portal.domain,
        'auth[user_id]': '5',
        'auth[application_token]': 'not-the-token',
      }),
    );
    expect(answer.status).toBe(401);
    await app.api.services.portalEvents.settled();
    expect(await digest()).toEqual(before);
  });

  it('deletes every token on uninstall, marks the portal, and purges it after the retention', async () => {
    await app.backgroundFrame(3);
    expect(await app.api.services.portal.usersWithCredentials()).toEqual([1, 3]);

    app.api.portal.apps.uninstall(app.registered().id);
    await app.api.portal.events.flush();
    const delivery = app.api.portal.events.deliveries().find((d) => d.event === 'ONAPPUNINSTALL');
    expect(delivery?.status).toBe(200);

    const em = app.api.services.orm.em.fork();
    const [tokens] = await em
      .getConnection()
      .execute<{ n: number }[]>('select count(*)::int as n from app_user_token');
    expect(tokens?.n).toBe(0);
    const [portalRow] = await em
      .getConnection()
      .execute<{ state: string; purge_after: string }[]>('select state, purge_after from app_portal');
    expect(portalRow?.state).toBe('uninstalled');
    expect((await app.api.services.portal.credentialStatus(1)).state).toBe('missing');

    // Within the retention (30 days by default) the job keeps it; after it, the portal is gone.
    const purgeAfter = new Date(portalRow!.purge_after).getTime();
    expect(purgeAfter - app.clock.ms).toBe(30 * 86_400_000);
    expect(await purgeUninstalled(app.api.services.orm, new Date(purgeAfter - 1000))).toEqual([]);
    const purged = await purgeUninstalled(app.api.services.orm, new Date(purgeAfter + 1000));
    expect(purged).toHaveLength(1);
    expect(await dumpAppTables(app)).toBe('');
  });
});

describe('before the first install: only the configured portal, only our application', () => {
  let app: AppApi;
  let foreign: SandboxPortal | undefined;
  beforeEach(async () => {
    app = await startAppApi();
    // Our application registered in the sandbox portal (its keys configured), not installed yet.
    const ours = app.api.portal.apps.register({
      name: 'b24-gdpr',
      handlerUrl: `${app.base}/bitrix24/app/page`,
      installEventHandlerUrl: `${app.base}/bitrix24/app/install`,
    });
    app.app.credentials.current = { clientId: ours.clientId, clientSecret: ours.clientSecret };
  });
  afterEach(async () => {
    await foreign?.close();
    foreign = undefined;
    await app.close();
  });

  it('refuses an install from another portal with 403 before asking it anything, and stores nothing', async () => {
    // An attacker's portal where "our" application (same keys) is installed: its tokens are genuine there.
    foreign = await createSandboxPortal({ port: 0, domain: 'attacker.example' });
    const keys = app.app.credentials.current!;
    const copy = foreign.apps.register({
      name: 'b24-gdpr',
      clientId: keys.clientId,
      clientSecret: keys.clientSecret,
      handlerUrl: `${app.base}/bitrix24/app/page`,
      installEventHandlerUrl: `${app.base}/bitrix24/app/install`,
    });
    foreign.counters.reset();
    app.api.portal.counters.reset();
    foreign.apps.install(copy.id);
    await foreign.events.flush();
    const delivery = foreign.events.deliveries().find((d) => d.event === 'ONAPPINSTALL');
    expect(delivery?.body['auth[access_token]']?.length).toBeGreaterThan(8);
    expect(delivery?.status).toBe(403);

    // The installer frame naming the attacker's portal: refused the same way.
    const frame = await fetch(
      `${app.base}/bitrix24/app/install?DOMAIN=${encodeURIComponent(new URL(foreign.url).host)}&PROTOCOL=0&LANG=en`,
      form({
        AUTH_ID: delivery?.body['auth[access_token]'] ?? '',
        REFRESH_ID: delivery?.body['auth[refresh_token]'] ?? '',
        AUTH_EXPIRES: '3600',
        member_id: foreign.memberId,
        APPLICATION_TOKEN: delivery?.body['auth[application_token]'] ?? '',
        SERVER_ENDPOINT: `${foreign.url}/oauth/rest/`,
        status: 'L',
      }),
    );
    expect(frame.status).toBe(403);

    expect(await dumpAppTables(app)).toBe('');
    // No request reached either portal: not `profile`, not `app.info`, not the token server.
    expect(foreign.counters.httpRequests).toBe(0);
    expect(foreign.oauth.counters().total).toBe(0);
    expect(app.api.portal.counters.httpRequests).toBe(0);
    expect(await app.api.services.portal.usersWithCredentials()).toEqual([]);
  });

  it("refuses an install carrying another application's tokens with 403, and stores nothing", async () => {
    // Another application on the same, configured portal, whose install event is pointed at our handler.
    const other = app.api.portal.apps.register({
      name: 'someone else',
      handlerUrl: `${app.base}/bitrix24/app/page`,
      installEventHandlerUrl: `${app.base}/bitrix24/app/install`,
    });
    app.api.portal.apps.install(other.id);
    await app.api.portal.events.flush();
    const delivery = app.api.portal.events.deliveries().find((d) => d.event === 'ONAPPINSTALL');
    expect(delivery?.body['auth[client_endpoint]']).toBe(`${app.api.portal.url}/rest/`);
    expect(delivery?.status).toBe(403);
    expect(await dumpAppTables(app)).toBe('');
    expect(await app.api.services.portal.credentialStatus(1)).toMatchObject({ state: 'missing' });
  });
});

describe('BITRIX24_PORTAL_DOMAIN', () => {
  const realApp = { BITRIX24_CLIENT_ID: 'local.0123456789abcd.12345678', BITRIX24_CLIENT_SECRET: 'secret' };
  it('is required in application mode with a real application, with a start-up error that names it', () => {
    expect(() => loadConfig(realApp)).toThrow(/BITRIX24_PORTAL_DOMAIN.*example\.bitrix24\.de/);
    expect(() => loadConfig({ ...realApp, BITRIX24_PORTAL_DOMAIN: 'https://example.bitrix24.de/' })).toThrow(
      /Invalid BITRIX24_PORTAL_DOMAIN/,
    );
    expect(
      loadConfig({ ...realApp, BITRIX24_PORTAL_DOMAIN: 'Example.Bitrix24.de' }).BITRIX24_PORTAL_DOMAIN,
    ).toBe('example.bitrix24.de');
    // Webhook mode and the sandbox application need none.
    expect(() =>
      loadConfig({ BITRIX24_WEBHOOK_URL: 'https://example.bitrix24.de/rest/1/abc/' }),
    ).not.toThrow();
    expect(() => loadConfig({})).not.toThrow();
  });
});
