import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../src/jobs/job-names.ts';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { ChatPollCursor } from '../../src/modules/portal-events/chat-poll-cursor.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';

/**
 * Chat edits for everyone, server-side: every active employee's own `im.v2` event log is read with their
 * own credentials (on the sandbox every user has a webhook), without the extension anywhere. What is
 * checked is what an auditor would: the versions stored, the cursor rows, the portal's own counters.
 */
let api: TestApi;

beforeAll(async () => {
  api = await startTestApi({ jobs: false });
  // Every round sends one request per employee (45): with the sandbox's rate limit off, let our own
  // client-side bucket (standard plan: 2/s after a burst of 50) not pace the test either.
  api.services.portal.client.limiter.configure({ burst: 100_000, drainPerSecond: 100_000 });
});
afterAll(async () => {
  await api?.close();
});

const em = () => api.services.orm.em.fork();
const messageVersions = async (id: number) =>
  (
    await em().find(
      ContentVersion,
      { entityType: 'MESSAGE', entityId: String(id) },
      { orderBy: { version: 'asc' } },
    )
  ).map((v) => [v.version, v.deleted ? '(deleted)' : v.text, v.editor]);
const activeIds = () =>
  [...api.portal.state.users.values()].filter((u) => u.ACTIVE && u.USER_TYPE === 'employee').map((u) => u.ID);
const as = (userId: number) => api.services.portal.asUser(userId)!;

describe('chat poller: every user’s own event log', () => {
  it('subscribes every active employee once, with their own credentials, one request each', async () => {
    api.portal.counters.reset();
    const round = await api.services.chatPoller.poll();
    const users = activeIds();
    expect(round).toMatchObject({ users: users.length, polled: users.length, uncaptured: 0, stored: 0 });
    // Each user: one `batch` (subscribe + first page, both as that user); the user list is one more.
    expect(api.portal.counters.calls('im.v2.Event.subscribe')).toBe(users.length);
    expect(api.portal.counters.calls('im.v2.Event.get')).toBe(users.length);
    expect(api.portal.counters.httpRequests).toBe(users.length + 1);
    expect([...api.portal.state.imSubscribers].sort((a, b) => a - b)).toEqual(users);
    const rows = await em().find(ChatPollCursor, {}, { orderBy: { userId: 'asc' } });
    expect(rows.map((r) => [r.userId, r.state, r.subscribedAt !== null])).toEqual(
      users.map((id) => [id, 'usable', true]),
    );
  });

  it('stores edits and deletions by several users in private and group chats the admin is not in', async () => {
    // Nobody here is user 1 (the webhook owner of the old single-user poller) or runs the extension.
    const group = api.portal.seed.chat([3, 4, 5], { title: 'Offsite' });
    const privateMsg = await as(6).call('im.message.add', { DIALOG_ID: '7', MESSAGE: 'lunch at 12?' });
    await as(6).call('im.message.update', { MESSAGE_ID: privateMsg, MESSAGE: 'lunch at 13?' });
    const reply = await as(7).call('im.message.add', { DIALOG_ID: '6', MESSAGE: 'ok, 13' });
    await as(7).call('im.message.delete', { MESSAGE_ID: reply });
    const groupMsg = await as(4).call('im.message.add', {
      DIALOG_ID: `chat${group.id}`,
      MESSAGE: 'budget 100',
    });
    await as(4).call('im.message.update', { MESSAGE_ID: groupMsg, MESSAGE: 'budget 120' });
    await as(4).call('im.message.update', { MESSAGE_ID: groupMsg, MESSAGE: 'budget 150' });
    const other = await as(5).call('im.message.add', { DIALOG_ID: `chat${group.id}`, MESSAGE: 'agenda' });
    await as(5).call('im.message.update', { MESSAGE_ID: other, MESSAGE: 'agenda v2' });

    api.portal.counters.reset();
    const round = await api.services.chatPoller.poll();
    // Every change once, although each is in the log of every member (3 for the group, 2 in private).
    expect(await messageVersions(privateMsg)).toEqual([
      [1, 'lunch at 12?', 6],
      [2, 'lunch at 13?', 6],
    ]);
    expect(await messageVersions(reply)).toEqual([
      [1, 'ok, 13', 7],
      [2, '(deleted)', null],
    ]);
    expect(await messageVersions(groupMsg)).toEqual([
      [1, 'budget 100', 4],
      [2, 'budget 120', 4],
      [3, 'budget 150', 4],
    ]);
    expect(await messageVersions(other)).toEqual([
      [1, 'agenda', 5],
      [2, 'agenda v2', 5],
    ]);
    expect(round.stored).toBe(9);
    // Subscribed already: one `im.v2.Event.get` per user, nothing else as them.
    expect(api.portal.counters.calls('im.v2.Event.subscribe')).toBe(0);
    expect(api.portal.counters.httpFor('im.v2.Event.get')).toBe(activeIds().length);

    // The next round acknowledges what was stored and stores nothing again.
    const again = await api.services.chatPoller.poll();
    expect(again).toMatchObject({ stored: 0, events: 0 });
    expect(api.portal.state.imEvents.filter((e) => [3, 4, 5, 6, 7].includes(e.userId))).toEqual([]);
  });

  it('a change seen first by one member and later by another is not stored again', async () => {
    const group = api.portal.seed.chat([8, 9, 10], { title: 'Late reader' });
    const id = await as(8).call('im.message.add', { DIALOG_ID: `chat${group.id}`, MESSAGE: 'v1' });
    await as(8).call('im.message.update', { MESSAGE_ID: id, MESSAGE: 'v2' });
    // A consumer read user 9's page without acknowledging it (a round that crashed before storing).
    await as(9).call('im.v2.Event.get', { limit: 10 });
    const first = await api.services.chatPoller.poll();
    expect(first.stored).toBe(2);
    // Copies of one change carry the same date, give or take a second; a revert comes later than that.
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    await as(8).call('im.message.update', { MESSAGE_ID: id, MESSAGE: 'v1' });
    await api.services.chatPoller.poll();
    // The revert to "v1" is a later change, so it is a version; the copies in 9's and 10's logs are not.
    expect((await messageVersions(id)).map(([, text]) => text)).toEqual(['v1', 'v2', 'v1']);
  });

  it('two concurrent rounds store each change once', async () => {
    const group = api.portal.seed.chat([12, 13], { title: 'Race' });
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await as(12).call('im.message.add', { DIALOG_ID: `chat${group.id}`, MESSAGE: `m${i}` }));
    for (const id of ids)
      await as(13).call('im.message.add', { DIALOG_ID: `chat${group.id}`, MESSAGE: `re ${id}` });
    for (const id of ids) await as(12).call('im.message.update', { MESSAGE_ID: id, MESSAGE: `edited ${id}` });
    const [a, b] = await Promise.all([api.services.chatPoller.poll(), api.services.chatPoller.poll()]);
    expect(a.stored + b.stored).toBe(15);
    for (const id of ids) expect((await messageVersions(id)).map(([v]) => v)).toEqual([1, 2]);
  });

  it('runs as the pg-boss job', async () => {
    const id = await as(14).call('im.message.add', { DIALOG_ID: '15', MESSAGE: 'first' });
    await as(14).call('im.message.update', { MESSAGE_ID: id, MESSAGE: 'second' });
    const workers = await import('../../src/jobs/job-workers.ts');
    const running = await workers.startJobWorkers(api.services, api.services.boss);
    try {
      await api.services.boss.send(JOBS.pollPortalEvents, {});
      const versions = await eventually(
        async () => {
          const found = await messageVersions(id);
          return found.length === 2 ? found : undefined;
        },
        'versions from the job',
        200,
      );
      expect(versions.map(([, text]) => text)).toEqual(['first', 'second']);
    } finally {
      await running.stop();
    }
  }, 30_000);

  it('a user whose credentials the portal refuses is reported to administrators, and only to them', async () => {
    // User 16 deleted their webhook: we hold it, the portal refuses it.
    await as(16).call('user.current');
    for (const hook of api.portal.state.webhooks.values()) if (hook.userId === 16) hook.active = false;
    const id = await as(17).call('im.message.add', { DIALOG_ID: '16', MESSAGE: 'hi' });
    const round = await api.services.chatPoller.poll();
    expect(round.uncaptured).toBe(1);
    // 17's log still has the message: what 16 could not give us, 17 did.
    expect(await messageVersions(id)).toEqual([[1, 'hi', 17]]);

    const query = `{ chatCapture { ... on ChatCapture { captured uncapturedCount lastPolledAt
      uncaptured { userId state reason since user { id } } } } }`;
    const admin = await api.gql(query, {}, { token: await api.tokenFor(1) });
    expect(admin.errors).toBeUndefined();
    expect(admin.data?.chatCapture).toMatchObject({
      captured: activeIds().length - 1,
      uncapturedCount: 1,
      uncaptured: [{ userId: 16, state: 'DEAD', user: { id: 16 } }],
    });
    expect(admin.data?.chatCapture.uncaptured[0].reason).toMatch(/refused user 16's own credentials/);
    const employee = await api.gql(query, {}, { token: await api.tokenFor(16) });
    expect(employee.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');

    // A new webhook: the next round reads 16's log again and the report is empty.
    for (const hook of api.portal.state.webhooks.values()) if (hook.userId === 16) hook.active = true;
    await api.services.chatPoller.poll();
    const after = await api.gql(query, {}, { token: await api.tokenFor(1) });
    expect(after.data?.chatCapture).toMatchObject({ uncapturedCount: 0, uncaptured: [] });
  });
});
