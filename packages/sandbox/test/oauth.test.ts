import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { bodiesOf, callApp, installedApiApp, token } from './app-helpers.ts';
import { call, type Receiver, startPortal, startReceiver } from './helpers.ts';

let portal: SandboxPortal;
let receiver: Receiver;

beforeAll(async () => {
  portal = await startPortal();
  receiver = await startReceiver();
});
afterAll(async () => {
  await portal.close();
  await receiver.close();
});
beforeEach(() => {
  receiver.received.length = 0;
  portal.oauth.setLifetimes({ accessSeconds: 3600, refreshSeconds: 180 * 24 * 3600 });
  portal.oauth.resetCounters();
});

describe('ONAPPINSTALL (api-reference/common/events/on-app-install.md)', () => {
  it('posts the installing admin’s tokens, refresh token and application token as a form', async () => {
    const { app } = await installedApiApp(portal, receiver);
    const [install] = bodiesOf(receiver, 'ONAPPINSTALL');
    expect(receiver.received[0]?.type).toBe('application/x-www-form-urlencoded');
    expect(receiver.received[0]?.path).toBe('/b24/install');
    expect(install?.get('data[VERSION]')).toBe('1');
    expect(install?.get('data[INSTALLED]')).toBe('Y');
    expect(install?.get('auth[member_id]')).toBe(portal.memberId);
    expect(install?.get('auth[application_token]')).toBe(app.applicationToken);
    expect(install?.get('auth[client_endpoint]')).toBe(`${portal.url}/rest/`);
    expect(install?.get('auth[expires_in]')).toBe('3600');
    expect(install?.get('auth[status]')).toBe('L');
    expect(install?.get('auth[refresh_token]')).toMatch(/^[0-9a-f]{64}$/);
    // The token URL derives from server_endpoint (settings/oauth/auto-renewal.md).
    expect(new URL('/oauth/token/', install?.get('auth[server_endpoint]') ?? '').href).toBe(
      portal.oauthTokenUrl,
    );
  });

  it('is not sent for an app with an installer until installFinish (installation-finish.md)', async () => {
    const app = portal.apps.register({
      handlerUrl: `${receiver.url}/page`,
      installUrl: `${receiver.url}/install`,
    });
    portal.apps.install(app.id);
    await portal.events.flush();
    expect(bodiesOf(receiver, 'ONAPPINSTALL')).toHaveLength(0);
    expect(portal.apps.get(app.id)?.installed).toBe(false);
    // A regular user sees no app page yet; the admin gets the installer with an install token.
    await expect(portal.apps.openFrame(app.id, { userId: 3 })).rejects.toThrow(/not fully installed/);
    const frame = await portal.apps.openFrame(app.id, { userId: 1 });
    expect(receiver.received.at(-1)?.path).toMatch(/^\/b24\/install\?DOMAIN=/);
    const auth = frame.fields.AUTH_ID ?? '';
    expect(
      (await callApp(portal, 'event.bind', auth, { event: 'ONAPPINSTALL', handler: `${receiver.url}/ev` }))
        .body.result,
    ).toBe(true);
    expect((await callApp(portal, 'app.info', auth)).body.result).toMatchObject({ INSTALLED: false });
    portal.apps.finishInstall(app.id);
    await portal.events.flush();
    const delivered = receiver.received.filter((r) => r.body.get('event') === 'ONAPPINSTALL');
    expect(delivered.map((r) => r.path)).toEqual(['/b24/ev']);
    expect((await callApp(portal, 'app.info', auth)).body.result).toMatchObject({
      INSTALLED: true,
      STATUS: 'L',
    });
  });
});

describe('REST with an access token (settings/oauth/index.md)', () => {
  it('answers profile and user.admin for the token’s own user', async () => {
    const { app } = await installedApiApp(portal, receiver);
    const frame = await portal.apps.openFrame(app.id, { userId: 3 });
    const admin = await callApp(
      portal,
      'profile',
      bodiesOf(receiver, 'ONAPPINSTALL')[0]?.get('auth[access_token]') ?? '',
    );
    expect(admin.body.result).toMatchObject({ ID: '1', ADMIN: true });
    const employee = await callApp(portal, 'profile', frame.fields.AUTH_ID ?? '');
    expect(employee.body.result).toMatchObject({ ID: '3', ADMIN: false });
    expect((await callApp(portal, 'user.admin', frame.fields.AUTH_ID ?? '')).body.result).toBe(false);
    portal.setAdmin(3, true);
    expect((await callApp(portal, 'profile', frame.fields.AUTH_ID ?? '')).body.result).toMatchObject({
      ADMIN: true,
    });
    portal.setAdmin(3, false);
  });

  it('takes the token as auth, access_token or a Bearer header, in a batch too', async () => {
    const { accessToken } = await installedApiApp(portal, receiver);
    const q = await fetch(`${portal.url}/rest/profile.json?auth=${accessToken}`);
    expect(((await q.json()) as { result: { ID: string } }).result.ID).toBe('1');
    const b = await fetch(`${portal.url}/rest/user.admin`, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(((await b.json()) as { result: boolean }).result).toBe(true);
    const batch = await callApp(portal, 'batch', accessToken, { cmd: { p: 'profile', a: 'app.info' } });
    expect(batch.body.result).toMatchObject({ result: { p: { ID: '1' }, a: { STATUS: 'L' } } });
  });

  it('refuses a missing, unknown or expired token with the documented 401s', async () => {
    const { accessToken } = await installedApiApp(portal, receiver);
    expect(await callApp(portal, 'profile', null)).toMatchObject({
      status: 401,
      body: { error: 'NO_AUTH_FOUND' },
    });
    expect(await callApp(portal, 'profile', 'f'.repeat(64))).toMatchObject({
      status: 401,
      body: { error: 'invalid_token' },
    });
    expect(portal.oauth.expireAccessTokens({ userId: 1 })).toBeGreaterThan(0);
    expect(await callApp(portal, 'profile', accessToken)).toMatchObject({
      status: 401,
      body: { error: 'expired_token', error_description: 'The access token provided has expired' },
    });
  });

  it('refuses methods outside the app’s scopes with insufficient_scope', async () => {
    const { accessToken } = await installedApiApp(portal, receiver, ['user']);
    expect((await callApp(portal, 'user.get', accessToken, { ID: 1 })).status).toBe(200);
    expect(await callApp(portal, 'im.recent.list', accessToken)).toMatchObject({
      status: 401,
      body: { error: 'insufficient_scope' },
    });
    expect((await callApp(portal, 'profile', accessToken)).status).toBe(200);
  });

  it('refuses app.info to a webhook (app-info.md)', async () => {
    const r = await call(portal.webhookUrl(1), 'app.info');
    expect(r).toMatchObject({ status: 400, body: { error: 'ACCESS_DENIED' } });
    expect((await call(portal.webhookUrl(3), 'profile')).body.result).toMatchObject({
      ID: '3',
      ADMIN: false,
    });
  });
});

describe('/oauth/token/ (settings/oauth/auto-renewal.md, error-codes.md)', () => {
  it('rotates the refresh token: a new pair, the old refresh token then invalid_grant', async () => {
    const { app, refreshToken } = await installedApiApp(portal, receiver);
    const grant = { grant_type: 'refresh_token', client_id: app.clientId, client_secret: app.clientSecret };
    const first = await token(portal, { ...grant, refresh_token: refreshToken });
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({
      expires_in: 3600,
      member_id: portal.memberId,
      user_id: 1,
      status: 'L',
    });
    expect(first.body.refresh_token).not.toBe(refreshToken);
    expect((await callApp(portal, 'profile', String(first.body.access_token))).status).toBe(200);
    expect(await token(portal, { ...grant, refresh_token: refreshToken })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    // The new refresh token works once, by form POST too (what b24jssdk sends).
    const res = await fetch(portal.oauthTokenUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...grant, refresh_token: String(first.body.refresh_token) }),
    });
    expect(res.status).toBe(200);
    expect(portal.oauth.counters()).toMatchObject({
      total: 3,
      byGrant: { refresh_token: 3 },
      byUser: { '1': 2 },
      errors: { invalid_grant: 1 },
    });
  });

  it('answers invalid_client for a wrong secret and invalid_grant for a revoked refresh token', async () => {
    const { app, refreshToken } = await installedApiApp(portal, receiver);
    const grant = { grant_type: 'refresh_token', client_id: app.clientId, refresh_token: refreshToken };
    expect(await token(portal, { ...grant, client_secret: 'wrong' })).toMatchObject({
      status: 401,
      body: { error: 'invalid_client' },
    });
    expect(portal.oauth.revokeRefreshTokens({ userId: 1 })).toBeGreaterThan(0);
    expect(await token(portal, { ...grant, client_secret: app.clientSecret })).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant' },
    });
    expect(await token(portal, { grant_type: 'password', client_id: app.clientId })).toMatchObject({
      status: 400,
      body: { error: 'invalid_request' },
    });
  });

  it('issues tokens with the lifetimes a test sets', async () => {
    const { app, refreshToken } = await installedApiApp(portal, receiver);
    portal.oauth.setLifetimes({ accessSeconds: 60 });
    const r = await token(portal, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      refresh_token: refreshToken,
    });
    expect(r.body.expires_in).toBe(60);
    expect(Number(r.body.expires) - Math.floor(Date.now() / 1000)).toBeLessThanOrEqual(60);
    // A refresh token past its lifetime is invalid_grant.
    portal.oauth.setLifetimes({ refreshSeconds: 0 });
    const frame = await portal.apps.openFrame(app.id, { userId: 3 });
    expect(
      await token(portal, {
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
    const { app, accessToken, refreshToken } = await installedApiApp(portal, receiver);
    await callApp(portal, 'event.bind', accessToken, {
      event: 'ONAPPUNINSTALL',
      handler: `${receiver.url}/events`,
    });
    portal.apps.uninstall(app.id, { clean: true });
    await portal.events.flush();
    const [gone] = bodiesOf(receiver, 'ONAPPUNINSTALL');
    expect(gone?.get('data[CLEAN]')).toBe('1');
    expect(gone?.get('auth[application_token]')).toBe(app.applicationToken);
    expect(gone?.get('auth[member_id]')).toBe(portal.memberId);
    expect([...(gone?.keys() ?? [])].filter((k) => /token\]$/.test(k))).toEqual(['auth[application_token]']);
    expect((await callApp(portal, 'profile', accessToken)).body.error).toBe('invalid_token');
    const refresh = await token(portal, {
      grant_type: 'refresh_token',
      client_id: app.clientId,
      client_secret: app.clientSecret,
      refresh_token: refreshToken,
    });
    expect(refresh.body.error).toBe('invalid_client');
  });
});
