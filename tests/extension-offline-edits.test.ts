import { AuditEventsDocument, GrantAuditorDocument } from '@b24-gdpr/shared/graphql';
import { describe, expect, it } from 'vitest';
import { hasChromium, waitFor } from './support/browser.ts';
import { useExtensionE2e } from './support/e2e.ts';
import { extensionStorage, signInExtension } from './support/extension-session.ts';
import { openPortalAs } from './support/portal.ts';

const ADMIN = 1;
const AUDITOR = 15;
const AUTHOR = 5;
const VIEWER = 9;
const FLUSH_ALARM = 'event-queue-flush';

const e2e = useExtensionE2e(async ({ stack }) => {
  await stack.query(ADMIN, GrantAuditorDocument, { userId: AUDITOR });
});

const queued = async () =>
  ((await extensionStorage(e2e.browser)).eventQueue ?? []) as { action: string; targetId: string }[];
const versionsOf = (postId: number) =>
  e2e.stack.api.services.edits.history(e2e.stack.api.services.orm.em.fork(), {
    entityType: 'POST',
    entityId: String(postId),
  });
const editEventsOf = async (postId: number) => {
  const { auditEvents } = await e2e.stack.query(AUDITOR, AuditEventsDocument, {
    filter: { actionPrefix: 'post', targetId: String(postId) },
    first: 50,
  });
  if (auditEvents.__typename !== 'QueryAuditEventsConnection') throw new Error(auditEvents.__typename);
  return auditEvents.edges.map((e) => e.node);
};
/** The queue's retry alarm, moved to now: the test skips the backoff's wait, not the retry itself. */
const retryNow = () =>
  e2e.browser.inWorker(async (name) => {
    const alarm = await chrome.alarms.get(name);
    if (!alarm) return false;
    await chrome.alarms.create(name, { when: Date.now() });
    return true;
  }, FLUSH_ALARM);

describe.skipIf(!hasChromium)('an edit seen while the API is down', () => {
  it('waits in the extension, and reaches the API exactly once when it is back', async () => {
    // The portal sends the API no events here: what the API learns about the post comes from the page.
    const post = e2e.stack.api.portal.seed.post(AUTHOR, 'Lunch is at noon today');
    await signInExtension(e2e.browser, e2e.stack, VIEWER);
    const page = await openPortalAs(e2e.browser.context, e2e.stack, VIEWER, '/stream/');
    // The first sighting is only remembered (a hash), not reported.
    await waitFor(async () => {
      const seen = (await extensionStorage(e2e.browser)).seenTexts as Record<string, string> | undefined;
      return Object.keys(seen ?? {}).some((k) => k.endsWith(String(post.id))) ? true : undefined;
    }, 'the post to be seen');
    expect(await queued()).toEqual([]);

    await e2e.stack.stopHttp();
    await e2e.stack.api.services.portal
      .asUser(AUTHOR)!
      .call('log.blogpost.update', { POST_ID: post.id, POST_MESSAGE: 'Lunch is at one today' });
    await page.reload();
    await expect
      .poll(async () => (await queued()).map((e) => [e.action, e.targetId]), { timeout: 15_000 })
      .toEqual([['post.edited', String(post.id)]]);
    // The flush failed and a retry is scheduled; the API has nothing yet.
    await expect
      .poll(async () => (await extensionStorage(e2e.browser)).eventQueueFailures, { timeout: 15_000 })
      .toBeGreaterThan(0);
    expect(await versionsOf(post.id)).toEqual([]);

    await e2e.stack.startHttp();
    expect(await retryNow()).toBe(true);
    await expect.poll(() => queued(), { timeout: 15_000 }).toEqual([]);
    const versions = await versionsOf(post.id);
    expect(versions.map((v) => [v.version.text, v.version.source])).toEqual([
      ['Lunch is at one today', 'extension'],
    ]);
    expect((await editEventsOf(post.id)).map((e) => [e.action, e.actor])).toEqual([
      ['post.edited', String(VIEWER)],
    ]);

    // Seeing the same text again, and another flush, change nothing.
    await page.reload();
    await page.waitForTimeout(1_000);
    await e2e.browser.inWorker((name) => chrome.alarms.create(name, { when: Date.now() }), FLUSH_ALARM);
    await page.waitForTimeout(1_000);
    expect(await queued()).toEqual([]);
    expect(await versionsOf(post.id)).toHaveLength(1);
    expect(await editEventsOf(post.id)).toHaveLength(1);
  });
});
