import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { type AppApi, startAppApi } from '../app/app-api.ts';

/**
 * The chat poller in application mode: the users' own tokens come from the frames they open in the
 * portal (PAGE_BACKGROUND_WORKER). Who never opened it is "missing"; a revoked refresh token is "dead".
 */
let app: AppApi;
const QUERY = `{ chatCapture(first: 200) { ... on ChatCapture { captured uncapturedCount uncaptured { userId state reason } } } }`;

beforeAll(async () => {
  app = await startAppApi();
  await app.install();
  for (const userId of [3, 4, 5]) await app.backgroundFrame(userId);
  app.api.services.portal.client.limiter.configure({ burst: 100_000, drainPerSecond: 100_000 });
});
afterAll(() => app?.close());

const report = async () => {
  const answer = await app.api.gql(QUERY, {}, { token: await app.api.tokenFor(1) });
  expect(answer.errors).toBeUndefined();
  return answer.data?.chatCapture as {
    captured: number;
    uncapturedCount: number;
    uncaptured: { userId: number; state: string; reason: string }[];
  };
};
const stateOf = async (userId: number) => (await report()).uncaptured.find((u) => u.userId === userId)?.state;

describe('chat poller in application mode', () => {
  it('reads the logs of the users who gave us a token, and reports everyone else as missing', async () => {
    const as3 = app.api.services.portal.asUser(3)!;
    const id = await as3.call('im.message.add', { DIALOG_ID: '4', MESSAGE: 'draft' });
    await app.api.services.chatPoller.poll(); // subscribes 1 (the installer), 3, 4 and 5
    await as3.call('im.message.update', { MESSAGE_ID: id, MESSAGE: 'final' });
    await app.api.services.chatPoller.poll();
    const versions = await app.api.services.orm.em
      .fork()
      .find(ContentVersion, { entityType: 'MESSAGE', entityId: String(id) }, { orderBy: { version: 'asc' } });
    // "draft" was written before anyone subscribed: the log starts at the subscription (event-subscribe.md).
    expect(versions.map((v) => [v.text, v.editor])).toEqual([['final', 3]]);
    const now = await report();
    expect(now.captured).toBe(4);
    expect(now.uncaptured.every((u) => u.state === 'MISSING')).toBe(true);
    expect(now.uncaptured.map((u) => u.userId)).not.toContain(3);
    expect(await stateOf(6)).toBe('MISSING');
  });

  it('a user whose refresh token is revoked is reported dead, and revived by their next frame', async () => {
    app.api.portal.oauth.revokeRefreshTokens({ userId: 4 });
    app.api.portal.oauth.expireAccessTokens({ userId: 4 });
    const round = await app.api.services.chatPoller.poll();
    expect(round.polled).toBe(3);
    expect(await stateOf(4)).toBe('DEAD');
    expect((await report()).captured).toBe(3);

    await app.backgroundFrame(4);
    await app.api.services.chatPoller.poll();
    expect(await stateOf(4)).toBeUndefined();
    expect((await report()).captured).toBe(4);
  });

  it('answers a typed PortalUnavailableError naming the portal once the app was removed from it', async () => {
    const token = await app.api.tokenFor(1);
    const { domain } = (await app.app.portals.current())!;
    // Signed in and confirmed an administrator before the app was removed (both are cached a while).
    expect((await app.api.gql('{ me { roles } }', {}, { token })).data?.me.roles).toContain('ADMIN');
    app.api.services.directory.forget();
    await app.api.services.directory.getUser(1);
    // Removed in the portal; its uninstall event has not reached us (undelivered, or refused).
    app.api.portal.apps.uninstall(app.registered().id);
    const answer = await app.api.gql(
      '{ chatCapture(first: 200) { __typename ... on PortalUnavailableError { message } } }',
      {},
      { token },
    );
    expect(answer.errors).toBeUndefined();
    expect(answer.data?.chatCapture.__typename).toBe('PortalUnavailableError');
    expect(answer.data?.chatCapture.message).toContain(`The portal ${domain} could not be read`);
  });
});
