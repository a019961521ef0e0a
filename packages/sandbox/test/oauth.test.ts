import { beforeEach, describe, expect, it } from 'vitest';
import { TOKEN_ENDPOINT_FAULT_NAME } from '../src/index.ts';
import { appTestbed, bodiesOf, callApp, installedApiApp, token } from './app-helpers.ts';
import { call } from './helpers.ts';
import { Browser } from './pages-browser.ts';

const bed = appTestbed();
beforeEach(() => {
  bed.portal.oauth.setLifetimes({ accessSeconds: 3600, refreshSeconds: 180 * 24 * 3600 });
  bed.portal.oauth.resetCounters();
});

describe('ONAPPINSTALL (api-reference/common/events/on-app-install.md)', () => {
  it('posts the installing admin’s tokens, refresh token and application token as a form', async () => {
    const { app } = await installedApiApp(bed.portal, bed.receiver);
    const [install] = bodiesOf(bed.receiver, 'ONAPPINSTALL');
    expect(bed.receiver.received[0]?.type).toBe('application/x-www-form-urlencoded');
    expect(bed.receiver.received[0]?.path).toBe('/b24/install');
    expect(install?.get('data[VERSION]')).toBe('1');
    expect(install?.get('data[INSTALLED]')).toBe('Y');
    expect(install?.get('auth[member_id]')).toBe(bed.portal.memberId);
    expect(install?.get('auth[application_token]')).toBe(app.applicationToken);
    expect(install?.get('auth[client_endpoint]')).toBe(`${bed.portal.url}/rest/`);
    expect(install?.get('auth[expires_in]')).toBe('3600');
    expect(install?.get('auth[status]')).toBe('L');
    expect(install?.get('auth[refresh_token]')).toMatch(/^[0-9a-f]{64}$/);
    // The token URL derives from server_endpoint (settings/oauth/auto-renewal.md).
    expect(new URL('/oauth/token/', install?.get('auth[server_endpoint]') ?? '').href).toBe(
      bed.portal.oauthTokenUrl,
    );
  });

  it('is not sent for an app with an installer until installFinish (installation-finish.md)', async () => {
    const app = bed.portal.apps.register({
      handlerUrl: `${bed.receiver.url}/page`,
      installUrl: `${bed.receiver.url}/install`,
    });
    bed.portal.apps.install(app.id);
    await bed.portal.events.flush();
    expect(bodiesOf(bed.receiver, 'ONAPPINSTALL')).toHaveLength(0);
    expect(bed.portal.apps.get(app.id)?.installed).toBe(false);
    // A regular user sees no app page yet; the admin gets the installer with an install token.
    await expect(bed.portal.apps.openFrame(app.id, { userId: 3 })).rejects.toThrow(/not fully installed/);
    const frame = await bed.portal.apps.openFrame(app.id, { userId: 1 });
    expect(bed.receiver.received.at(-1)?.path).toMatch(/^\/b24\/install\?DOMAIN=/);
    const auth = frame.fields.AUTH_ID ?? '';
    expect(
      (
        await callApp(bed.portal, 'event.bind', auth, {
          event: 'ONAPPINSTALL',
          handler: `${bed.receiver.url}/ev`,
        })
      ).body.result,
    ).toBe(true);
    expect((await callApp(bed.portal, 'app.info', auth)).body.result).toMatchObject({ INSTALLED: false });
    bed.portal.apps.finishInstall(app.id);
    await bed.portal.events.flush();
    const delivered = bed.receiver.received.filter((r) => r.body.get('event') === 'ONAPPINSTALL');
    expect(delivered.map((r) => r.path)).toEqual(['/b24/ev']);
    expect((await callApp(bed.portal, 'app.info', auth)).body.result).toMatchObject({
      INSTALLED: true,
      STATUS: 'L',
    });
  });
});

describe('REST with an access token (settings/oauth/index.md)', () => {
  it('answers profile and user.admin for the token’s own user', async () => {
    const { app } = await installedApiApp(bed.portal, bed.receiver);
    const frame = await bed.portal.apps.openFrame(app.id, { userId: 3 });
    const admin = await callApp(
      bed.portal,
      'profile',
      bodiesOf(bed.receiver, 'ONAPPINSTALL')[0]?.get('auth[access_token]') ?? '',
    );
    expect(admin.body.result).toMatchObject({ ID: '1', ADMIN: true });
    const employee = await callApp(bed.portal, 'profile', frame.fields.AUTH_ID ?? '');
    expect(employee.body.result).toMatchObject({ ID: '3', ADMIN: false });
    expect((await callApp(bed.portal, 'user.admin', frame.fields.AUTH_ID ?? '')).body.result).toBe(false);
    bed.portal.setAdmin(3, true);
    expect((await callApp(bed.portal, 'profile', frame.fields.AUTH_ID ?? '')).body.result).toMatchObject({
      ADMIN: true,
    });
    bed.portal.setAdmin(3, false);
  });

  it('takes the token as auth, access_token or a Bearer header, in a batch too', async () => {
    const { accessToken } = await installedApiApp(bed.portal, bed.receiver);
    const q = await fetch(`${bed.portal.url}/rest/profile.json?auth=${accessToken}`);
    expect(((await q.json()) as { result: { ID: string } }).result.ID).toBe('1');
    const b = await fetch(`${bed.portal.url}/rest/user.admin`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await b.json()) as { result: boolean }).result).toBe(true);
    const batch = await callApp(bed.portal, 'batch', accessToken, { cmd: { p: 'profile', a: 'app.info' } });
    expect(batch.body.result).toMatchObject({ result: { p: { ID: '1' }, a: { STATUS: 'L' } } });
  });

  it('refuses a missing, unknown or expired token with the documented 401s', async () => {
    const { accessToken } = await installedApiApp(bed.portal, bed.receiver);
    expect(await callApp(bed.portal, 'profile', null)).toMatchObject({
      status: 401,
      body: { error: 'NO_AUTH_FOUND' },
    });
    expect(await callApp(bed.portal, 'profile', 'f'.repeat(64))).toMatchObject({
      status: 401,
      body: { error: 'invalid_token' },
    });
    expect(bed.portal.oauth.expireAccessTokens({ userId: 1 })).toBeGreaterThan(0);
    expect(await callApp(bed.portal, 'profile', accessToken)).toMatchObject({
      status: 401,
      body: { error: 'expired_token', error_description: 'The access token provided has expired' },
    });
  });

  it('expires a user\u2019s tokens when a chosen call of theirs arrives, alone or in a batch, once', async () => {
    const { accessToken } = await installedApiApp(bed.portal, bed.receiver);
    bed.portal.oauth.expireAccessTokensOnCall({ userId: 1, method: 'user.admin' });
    expect((await callApp(bed.portal, 'profile', accessToken)).status).toBe(200);
    const batch = await callApp(bed.portal, 'batch', accessToken, { cmd: { p: 'profile', a: 'user.admin' } });
    expect(batch).toMatchObject({ status: 401, body: { error: 'expired_token' } });
    expect(await callApp(bed.portal, 'profile', accessToken)).toMatchObject({ status: 401 });
    expect(bed.portal.oauth.tokenSummary(1).liveAccess).toBe(0);
  });

  it('refuses methods outside the app’s scopes with insufficient_scope', async () => {
    const { accessToken } = await installedApiApp(bed.portal, bed.receiver, ['user']);
    expect((await callApp(bed.portal, 'user.get', accessToken, { ID: 1 })).status).toBe(200);
    expect(await callApp(bed.portal, 'im.recent.list', accessToken)).toMatchObject({
      status: 401,
      body: { error: 'insufficient_scope' },
    });
    expect((await callApp(bed.portal, 'profile', accessToken)).status).toBe(200);
  });

  it('refuses app.info to a webhook (app-info.md)', async () => {
    const r = await call(bed.portal.webhookUrl(1), 'app.info');
    expect(r).toMatchObject({ status: 400, body: { error: 'ACCESS_DENIED' } });
    expect((await call(bed.portal.webhookUrl(3), 'profile')).body.result).toMatchObject({
      ID: '3',
      ADMIN: false,
    });
  });
});

describe('/oauth/token/ (settings/oauth/auto-renewal.md, error-codes.md)', () => {
  it('answers faults only when they name it: a held token request, a failing token server', async () => {
    const { app, refreshToken } = await installedApiApp(bed.portal, bed.receiver);
    const grant = { grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret };
    // A fault for REST methods (no names) leaves the authorization server alone.
    const rest = bed.portal.faults.inject({ kind: 'internal-error' });
    const first = await token(bed.portal, { ...grant, refresh_token: refreshToken });
    expect(first.status).toBe(200);
    bed.portal.faults.remove(rest);
    const failing = bed.portal.faults.inject({
      kind: 'internal-error',
      methods: [TOKEN_ENDPOINT_FAULT_NAME],
    });
    const refused = await token(bed.portal, { ...grant, refresh_token: String(first.body.refresh_token) });
    expect(refused).toMatchObject({ status: 500, body: { error: 'INTERNAL_SERVER_ERROR' } });
    bed.portal.faults.remove(failing);
    // Nothing was spent: the refresh token still works, and the held request is counted once it answers.
    const held = bed.portal.faults.inject({
      kind: 'latency',
      methods: [TOKEN_ENDPOINT_FAULT_NAME],
      latencyMs: 50,
    });
    const later = await token(bed.portal, { ...grant, refresh_token: String(first.body.refresh_token) });
    expect(later.status).toBe(200);
    expect(bed.portal.faults.list().find((f) => f.id === held)?.hits).toBe(1);
    expect(bed.portal.oauth.counters().byGrant.refresh_token).toBe(2);
  });

  it('rotates the refresh token: a new pair, the old refresh token then invalid_grant', async () => {
    const { app, refreshToken } = await installedApiApp(bed.portal, bed.receiver);
    const grant = { grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret };
    const first = await token(bed.portal, { ...grant, refresh_token: refreshToken });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      expires_in: 3600,
      member_id: bed.portal.memberId,
      user_id: 1,
      status: 'L',
    });
    expect(first.body.refresh_token).not.toBe(refreshToken);
    expect((await callApp(bed.portal, 'profile', String(first.body.access_token))).status).toBe(200);
    expect(await token(bed.portal, { ...grant, refresh_token: refreshToken })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The new refresh token works once, by form POST too (what b24jssdk sends).
    const res = await fetch(bed.portal.oauthTokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...grant, refresh_token: String(first.body.refresh_token) }),
    });
    expect(res.status).toBe(200);
    expect(bed.portal.oauth.counters()).toMatchObject({
      total: 3,
      byGrant: { refresh_token: 3 },
      byUser: { '1': 2 },
      errors: { invalid_grant: 1 },
    });
  });

  it('answers invalid_client for a wrong secret and invalid_grant for a revoked refresh token', async () => {
    const { app, refreshToken } = await installedApiApp(bed.portal, bed.receiver);
    const grant = { grant_type: 'refresh_token', client_id: app.clientId, refresh_token: refreshToken };
    expect(await token(bed.portal, { ...grant, client_secret: 'wrong' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(bed.portal.oauth.revokeRefreshTokens({ userId: 1 })).toBeGreaterThan(0);
    expect(await token(bed.portal, { ...grant, client_secret: app.clientSecret })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(await token(bed.portal, { grant_type: 'password', client_id: app.clientId })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });

  it('issues tokens with the lifetimes a test sets', async () => {
    const { app, refreshToken } = await installedApiApp(bed.portal, bed.receiver);
    bed.portal.oauth.setLifetimes({ accessSeconds: 60 });
    const r = await token(bed.portal, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      refresh_token: refreshToken,
    });
    expect(r.body.expires_in).toBe(60);
    expect(Number(r.body.expires) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);
    // A refresh token past its lifetime is invalid_grant.
    bed.portal.oauth.setLifetimes({ refreshSeconds: 0 });
    const frame = await bed.portal.apps.openFrame(app.id, { userId: 3 });
    expect(
      await token(bed.portal, {
        grant_type: 'refresh_token',
        client_id: app.clientId,
        client_secret: app.clientSecret,
        refresh_token: frame.fields.REFRESH_ID ?? '',
      }),
    ).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
  });
});

describe('ONAPPUNINSTALL (api-reference/common/events/on-app-uninstall.md)', () => {
  it('posts no tokens, then the app’s tokens stop working', async () => {
    const { app, accessToken, refreshToken } = await installedApiApp(bed.portal, bed.receiver);
    await callApp(bed.portal, 'event.bind', accessToken, {
      event: 'ONAPPUNINSTALL',
      handler: `${bed.receiver.url}/events`,
    });
    bed.portal.apps.uninstall(app.id, { clean: true });
    await bed.portal.events.flush();
    const [gone] = bodiesOf(bed.receiver, 'ONAPPUNINSTALL');
    expect(gone?.get('data[CLEAN]')).toBe('1');
    expect(gone?.get('auth[application_token]')).toBe(app.applicationToken);
    expect(gone?.get('auth[member_id]')).toBe(bed.portal.memberId);
    expect([...(gone?.keys() ?? [])].filter((k) => /token\]$/.test(k))).toEqual(['auth[application_token]']);
    expect((await callApp(bed.portal, 'profile', accessToken)).body.error).toBe('invalid_token');
    const refresh = await token(bed.portal, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      refresh_token: refreshToken,
    });
    expect(refresh.body.error).toBe('invalid_client');
  });
});

describe('the full protocol (settings/oauth/index.md)', () => {
  it('sends a signed-in user back with a 30-second code that is exchanged once', async () => {
    const { app } = await installedApiApp(bed.portal, bed.receiver);
    const b = new Browser(bed.portal.url);
    await b.signIn(4);
    const res = await b.get(`/oauth/authorize/?client_id=${app.clientId}&state=s1`);
    expect(res.status).toBe(302);
    const back = new URL(res.location ?? '');
    expect(back.origin + back.pathname).toBe(`${bed.receiver.url}/page`);
    expect(back.searchParams.get('state')).toBe('s1');
    expect(back.searchParams.get('member_id')).toBe(bed.portal.memberId);
    const code = back.searchParams.get('code') ?? '';
    const grant = {
      grant_type: 'authorization_code',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code,
    };
    const first = await token(bed.portal, grant);
    expect(first.body).toMatchObject({ user_id: 4, expires_in: 3600 });
    expect((await callApp(bed.portal, 'profile', String(first.body.access_token))).body.result).toMatchObject(
      { ID: '4' },
    );
    expect(await token(bed.portal, grant)).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    const unknown = await b.get('/oauth/authorize/?client_id=local.nope');
    expect(unknown.status).toBe(400);
  });
});

describe('events bound by an application (api-reference/events/index.md)', () => {
  it('carry the triggering user’s real token and the app’s application_token', async () => {
    const { app, accessToken } = await installedApiApp(bed.portal, bed.receiver);
    const bound = await callApp(bed.portal, 'event.bind', accessToken, {
      event: 'ONLIVEFEEDPOSTADD',
      handler: `${bed.receiver.url}/feed`,
    });
    expect(bound.body.result).toBe(true);
    bed.receiver.received.length = 0;
    await call(bed.portal.webhookUrl(3), 'log.blogpost.add', { POST_MESSAGE: 'Hello' });
    await bed.portal.events.flush();
    const got = bed.receiver.received.filter((r) => r.path === '/b24/feed').map((r) => r.body);
    expect(got).toHaveLength(1);
    expect(got[0]?.get('auth[application_token]')).toBe(app.applicationToken);
    expect(got[0]?.get('auth[user_id]')).toBe('3');
    expect(got[0]?.get('auth[refresh_token]')).toBeNull();
    const who = await callApp(bed.portal, 'profile', got[0]?.get('auth[access_token]') ?? '');
    expect(who.body.result).toMatchObject({ ID: '3' });
    // The app sees only its own handlers.
    const list = await callApp(bed.portal, 'event.get', accessToken);
    expect(list.body.result).toEqual([
      { event: 'ONLIVEFEEDPOSTADD', handler: `${bed.receiver.url}/feed`, auth_type: '0', offline: 0 },
    ]);
  });

  it('refuses a dismissed user’s token with authorization_error', async () => {
    const { app } = await installedApiApp(bed.portal, bed.receiver);
    const frame = await bed.portal.apps.openFrame(app.id, { userId: 12 });
    const user = bed.portal.state.user(12);
    if (!user) throw new Error('no user 12');
    user.ACTIVE = false;
    expect(await callApp(bed.portal, 'profile', frame.fields.AUTH_ID ?? '')).toMatchObject({
      status: 401,
      body: { error: 'authorization_error' },
    });
    user.ACTIVE = true;
  });
});

describe('one name for the portal in app mode', () => {
  it('uses the host of client_endpoint as ONAPPINSTALL’s domain and the frames’ DOMAIN', async () => {
    const { app } = await installedApiApp(bed.portal, bed.receiver);
    const install = bodiesOf(bed.receiver, 'ONAPPINSTALL').at(-1);
    const frame = await bed.portal.apps.openFrame(app.id, { userId: 3 });
    const host = new URL(install?.get('auth[client_endpoint]') ?? '').host;
    expect(install?.get('auth[domain]')).toBe(host);
    expect(new URL(frame.url).searchParams.get('DOMAIN')).toBe(host);
  });
});

describe('reset()', () => {
  it('keeps applications, their tokens and the handlers they bound', async () => {
    const { app, accessToken } = await installedApiApp(bed.portal, bed.receiver);
    await callApp(bed.portal, 'event.bind', accessToken, {
      event: 'ONAPPUNINSTALL',
      handler: `${bed.receiver.url}/gone`,
    });
    await call(bed.portal.webhookUrl(1), 'event.bind', {
      event: 'ONTASKADD',
      handler: `${bed.receiver.url}/hook`,
    });
    bed.portal.reset();
    expect((await callApp(bed.portal, 'profile', accessToken)).body.result).toMatchObject({ ID: '1' });
    const handlers = [...bed.portal.state.eventBindings.values()].map((b) => b.handler);
    expect(handlers).toContain(`${bed.receiver.url}/gone`);
    expect(handlers).not.toContain(`${bed.receiver.url}/hook`);
    bed.portal.apps.uninstall(app.id);
    await bed.portal.events.flush();
    expect(bed.receiver.received.some((r) => r.path === '/b24/gone')).toBe(true);
  });
});

describe('batch with a token (settings/how-to-call-rest-api/batch.md)', () => {
  it('runs every command as the batch’s own user, whatever auth a command carries', async () => {
    const { app, accessToken } = await installedApiApp(bed.portal, bed.receiver);
    const other = (await bed.portal.apps.openFrame(app.id, { userId: 5 })).fields.AUTH_ID ?? '';
    const r = await callApp(bed.portal, 'batch', accessToken, {
      cmd: { mine: 'profile', theirs: `profile?auth=${other}` },
    });
    expect(r.body.result).toMatchObject({ result: { mine: { ID: '1' }, theirs: { ID: '1' } } });
  });
});
