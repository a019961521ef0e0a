// @vitest-environment node
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createBackgroundApi } from '../../src/background/api.ts';
import { createImpersonationTracker, INTENT_TTL_MS } from '../../src/background/impersonation.ts';
import { apiUrlItem, impersonationSessionsItem, tokenItem } from '../../src/storage/items.ts';
import { type ApiStack, startApiStack } from '../api/api-stack.ts';

let stack: ApiStack;
let adminToken: string;
beforeAll(async () => {
  stack = await startApiStack();
  adminToken = await stack.api.tokenFor(1);
}, 120_000);
afterAll(() => stack?.close());
beforeEach(async () => {
  fakeBrowser.reset();
  await apiUrlItem.setValue(stack.apiUrl);
  await tokenItem.setValue(adminToken);
});

const portal = 'https://portal.example.com';
const key = (c: string) => c.repeat(64);

interface StoredSession {
  id: string;
  adminUserId: number;
  impersonatedUserId: number;
  sessionKey: string;
  endedAt: string | null;
}
async function sessionsWithKey(sessionKey: string): Promise<StoredSession[]> {
  const answer = await stack.api.gql<{ impersonationSessions: { edges: { node: StoredSession }[] } }>(
    `{ impersonationSessions(first: 50) { edges { node { id adminUserId impersonatedUserId sessionKey endedAt } } } }`,
    {},
    { token: adminToken },
  );
  return (answer.data?.impersonationSessions.edges ?? [])
    .map((e) => e.node)
    .filter((s) => s.sessionKey === sessionKey);
}

describe('impersonation tracking', () => {
  it('starts a session when the page after "Authorize" shows the target, shows it on every page, ends it when the session changes', async () => {
    const tracker = createImpersonationTracker(createBackgroundApi());
    await tracker.authorizeIntent({
      portalOrigin: portal,
      adminUserId: 1,
      targetUserId: 12,
      sessionKey: key('a'),
    });

    // The admin's own page again (the switch has not happened): nothing yet.
    expect(await tracker.pageIdentity({ portalOrigin: portal, userId: 1, sessionKey: key('a') })).toEqual({
      actingAs: null,
    });

    const first = await tracker.pageIdentity({ portalOrigin: portal, userId: 12, sessionKey: key('b') });
    expect(first.actingAs).toMatchObject({ adminUserId: 1, impersonatedUserId: 12 });
    expect(first.actingAs?.adminName).toEqual(expect.any(String));
    expect(first.actingAs?.impersonatedName).toEqual(expect.any(String));
    const [stored] = await sessionsWithKey(key('b'));
    expect(stored).toMatchObject({
      id: first.actingAs?.sessionId,
      adminUserId: 1,
      impersonatedUserId: 12,
      endedAt: null,
    });

    // Every page of the same session: the same banner, no second start.
    const again = await tracker.pageIdentity({ portalOrigin: portal, userId: 12, sessionKey: key('b') });
    expect(again.actingAs).toEqual(first.actingAs);
    expect(await sessionsWithKey(key('b'))).toHaveLength(1);
    // Another portal knows nothing of it.
    expect(
      (
        await tracker.pageIdentity({
          portalOrigin: 'https://other.example.com',
          userId: 12,
          sessionKey: key('b'),
        })
      ).actingAs,
    ).toBeNull();

    // Logged out (guest): the session ends.
    expect(
      (await tracker.pageIdentity({ portalOrigin: portal, userId: null, sessionKey: null })).actingAs,
    ).toBeNull();
    expect((await sessionsWithKey(key('b')))[0]?.endedAt).not.toBeNull();
    expect(await impersonationSessionsItem.getValue()).toEqual({});
  });

  it('ends a session from the banner link and ignores an intent older than two minutes', async () => {
    let now = Date.now();
    const tracker = createImpersonationTracker(createBackgroundApi(), () => now);
    await tracker.authorizeIntent({
      portalOrigin: portal,
      adminUserId: 1,
      targetUserId: 13,
      sessionKey: key('c'),
    });
    const started = await tracker.pageIdentity({ portalOrigin: portal, userId: 13, sessionKey: key('d') });
    expect(started.actingAs).not.toBeNull();
    expect(await tracker.endImpersonation({ portalOrigin: portal })).toEqual({ ok: true, value: null });
    expect((await sessionsWithKey(key('d')))[0]?.endedAt).not.toBeNull();
    expect(await tracker.endImpersonation({ portalOrigin: portal })).toMatchObject({
      ok: false,
      error: { kind: 'notFound' },
    });

    await tracker.authorizeIntent({
      portalOrigin: portal,
      adminUserId: 1,
      targetUserId: 14,
      sessionKey: key('c'),
    });
    now += INTENT_TTL_MS + 1;
    expect(
      (await tracker.pageIdentity({ portalOrigin: portal, userId: 14, sessionKey: key('e') })).actingAs,
    ).toBeNull();
    expect(await sessionsWithKey(key('e'))).toEqual([]);
  });

  it('reports an end the API missed while it was down on the next page', async () => {
    const tracker = createImpersonationTracker(createBackgroundApi());
    await tracker.authorizeIntent({
      portalOrigin: portal,
      adminUserId: 1,
      targetUserId: 16,
      sessionKey: key('1'),
    });
    expect(
      (await tracker.pageIdentity({ portalOrigin: portal, userId: 16, sessionKey: key('2') })).actingAs,
    ).not.toBeNull();
    await stack.stopHttp();
    try {
      // Logged out while the API is down: no banner any more, the end waits.
      expect(
        (await tracker.pageIdentity({ portalOrigin: portal, userId: null, sessionKey: null })).actingAs,
      ).toBeNull();
    } finally {
      await stack.startHttp();
    }
    expect((await sessionsWithKey(key('2')))[0]?.endedAt).toBeNull();
    await tracker.pageIdentity({ portalOrigin: portal, userId: 1, sessionKey: key('1') });
    expect((await sessionsWithKey(key('2')))[0]?.endedAt).not.toBeNull();
  });

  it('refuses malformed identities from the page and shows nothing when the API refuses the start', async () => {
    const tracker = createImpersonationTracker(createBackgroundApi());
    await tracker.authorizeIntent({
      portalOrigin: portal,
      adminUserId: 1,
      targetUserId: 15,
      sessionKey: key('f'),
    });
    const bogus = { portalOrigin: portal, userId: 15, sessionKey: '<script>' };
    expect((await tracker.pageIdentity(bogus)).actingAs).toBeNull();

    // An employee signed into the extension cannot report sessions.
    await tokenItem.setValue(await stack.api.tokenFor(9));
    expect(
      (await tracker.pageIdentity({ portalOrigin: portal, userId: 15, sessionKey: key('9') })).actingAs,
    ).toBeNull();
    expect(await sessionsWithKey(key('9'))).toEqual([]);
  });
});
