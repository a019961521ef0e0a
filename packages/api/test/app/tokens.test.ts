import { SeedHelpers, TOKEN_ENDPOINT_FAULT_NAME } from '@b24-gdpr/sandbox';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Bitrix24AuthError, lists, readBatchedKeyset, rows } from '../../src/bitrix24/index.ts';
import { createLogger } from '../../src/config/logger.ts';
import { connectApp } from '../../src/modules/app/app-connection.ts';
import { type AppApi, startAppApi } from './app-api.ts';

describe('user tokens: refreshed only when the portal refuses them, once', () => {
  let app: AppApi;
  beforeEach(async () => {
    app = await startAppApi();
    await app.install();
    await app.backgroundFrame(3);
    app.api.portal.oauth.resetCounters();
  });
  afterEach(() => app.close());

  const refreshes = () => app.api.portal.oauth.counters().byGrant.refresh_token ?? 0;

  /** User 3's call whose refresh the authorization server is holding for `latencyMs` (waited for, bounded). */
  async function refreshHeldByTokenServer(latencyMs: number) {
    const faults = app.api.portal.faults;
    const slow = faults.inject({ kind: 'latency', methods: [TOKEN_ENDPOINT_FAULT_NAME], latencyMs });
    app.api.portal.oauth.expireAccessTokens({ userId: 3 });
    const call = app.api.services.portal.asUser(3)!.call('profile');
    const held = () => faults.list().some((f) => f.id === slow && f.hits > 0);
    for (let i = 0; i < 400 && !held(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(held()).toBe(true);
    return { call, slow };
  }

  it('expired mid-read: refreshes once and the read completes', async () => {
    new SeedHelpers(app.api.portal.state).users(5_000);
    const client = app.api.services.portal.asUser(3)!;
    let read = 0;
    for await (const _user of rows(readBatchedKeyset(client, lists.users({ FILTER: { ACTIVE: true } })))) {
      // The portal expires the token part-way through the read (after the first 2,500-row request).
      if (++read === 1) app.api.portal.oauth.expireAccessTokens({ userId: 3 });
    }
    expect(read).toBeGreaterThan(5_000);
    expect(refreshes()).toBe(1);
    expect(app.api.portal.oauth.counters().byUser['3']).toBe(1);
    // No refresh without a refusal: the next calls use the new token as it is.
    await client.call('profile');
    await client.call('profile');
    expect(refreshes()).toBe(1);
  });

  it('two concurrent calls, and a second process, with an expired token: one refresh call', async () => {
    const services = app.api.services;
    const other = connectApp(services.config, createLogger('silent', false), {
      orm: services.orm,
      cipher: services.portal.app!.cipher,
    });
    other.app.credentials.current = services.portal.app!.credentials.current;
    // Both processes have used the token, so both hold it in memory.
    await services.portal.asUser(3)!.call('profile');
    await other.app.clientOf(3).call('profile');
    app.api.portal.oauth.expireAccessTokens({ userId: 3 });

    const answers = await Promise.all([
      services.portal.asUser(3)!.call('profile'),
      services.portal.asUser(3)!.call('profile'),
      other.app.clientOf(3).call('profile'),
      other.app.clientOf(3).call('profile'),
    ]);
    expect(answers.map((a) => Number(a.ID))).toEqual([3, 3, 3, 3]);
    expect(refreshes()).toBe(1);
    await other.close();
  });

  it('a refresh waiting on a slow token server holds no lock: another connection uses the row meanwhile', async () => {
    // The authorization server holds every token request for 3 s.
    const { call, slow } = await refreshHeldByTokenServer(3_000);

    // Another connection reads and writes the very row being refreshed (a frame, the console, a worker).
    const touched = await app.api.services.orm.em
      .fork()
      .getConnection()
      .execute<{ user_id: number }[]>(
        'update app_user_token set received_at = received_at where user_id = 3 returning user_id',
      );
    expect(touched).toEqual([{ user_id: 3 }]);
    // ...and finished while the token server had not answered yet.
    expect(app.api.portal.oauth.counters().total).toBe(0);

    expect(Number((await call).ID)).toBe(3);
    expect(refreshes()).toBe(1);
    app.api.portal.faults.remove(slow);
  });

  it('invalid_grant for a refresh token no longer stored: the newer token is used, nothing marked dead', async () => {
    const { call, slow } = await refreshHeldByTokenServer(1_500);
    // While the refresh waits, the refresh token it sent dies, and the user's next page hands over a new pair.
    app.api.portal.oauth.revokeRefreshTokens({ userId: 3 });
    await app.backgroundFrame(3);

    expect(Number((await call).ID)).toBe(3);
    expect(app.api.portal.oauth.counters().errors.invalid_grant).toBe(1);
    expect(await app.api.services.portal.credentialStatus(3)).toEqual({ state: 'usable' });
    expect(await app.api.services.portal.usersWithCredentials()).toEqual([1, 3]);
    app.api.portal.faults.remove(slow);
  });

  it('a revoked refresh token ends the call with a typed dead state', async () => {
    app.api.portal.oauth.revokeRefreshTokens({ userId: 3 });
    app.api.portal.oauth.expireAccessTokens({ userId: 3 });
    const failure = await app.api.services.portal
      .asUser(3)!
      .call('profile')
      .catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(Bitrix24AuthError);
    expect((failure as Bitrix24AuthError).code).toBe('invalid_grant');
    const status = await app.api.services.portal.credentialStatus(3);
    expect(status.state).toBe('dead');
    expect(await app.api.services.portal.usersWithCredentials()).toEqual([1]);
    expect(await app.api.services.portal.credentialsFor(3)).toBeUndefined();
    expect(app.api.portal.oauth.counters().errors.invalid_grant).toBe(1);

    // The user opens the portal again: a new token revives them.
    await app.backgroundFrame(3);
    expect(await app.api.services.portal.credentialStatus(3)).toEqual({ state: 'usable' });
  });
});
