import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SystemSetting } from '../../src/db/system-setting.entity.ts';
import { JOBS } from '../../src/jobs/job-names.ts';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';

let api: TestApi;

beforeAll(async () => {
  api = await startTestApi();
});
afterAll(async () => {
  await api?.close();
});

const messageVersions = (id: number) =>
  api.services.orm.em
    .fork()
    .find(ContentVersion, { entityType: 'MESSAGE', entityId: String(id) }, { orderBy: { version: 'asc' } });

describe('chat poller (im.v2.Event.get)', () => {
  it('stores chat edits as versions, and a second run stores nothing new', async () => {
    const { chatPoller, portal } = api.services;
    // The first run subscribes the webhook's user (an administrator, member of the chat).
    expect(await chatPoller.poll()).toMatchObject({ stored: 0 });
    const chat = api.portal.seed.chat([1, 5], { title: 'Planning' });
    const author = portal.asUser(5)!;
    const messageId = await author.call('im.message.add', {
      DIALOG_ID: `chat${chat.id}`,
      MESSAGE: 'Budget is 100 EUR',
    });
    await author.call('im.message.update', { MESSAGE_ID: messageId, MESSAGE: 'Budget is 120 EUR' });
    const other = await author.call('im.message.add', { DIALOG_ID: `chat${chat.id}`, MESSAGE: 'oops' });
    await author.call('im.message.delete', { MESSAGE_ID: other });

    const first = await chatPoller.poll();
    expect(first.stored).toBe(4);
    expect((await messageVersions(messageId)).map((v) => [v.version, v.text, v.editor, v.source])).toEqual([
      [1, 'Budget is 100 EUR', 5, 'portal-poll'],
      [2, 'Budget is 120 EUR', 5, 'portal-poll'],
    ]);
    expect((await messageVersions(other)).map((v) => [v.text, v.deleted])).toEqual([
      ['oops', false],
      ['', true],
    ]);

    const cursor = await api.services.orm.em
      .fork()
      .findOneOrFail(SystemSetting, { key: 'edits.chat-poll.1' });
    expect(cursor.value).toMatchObject({ subscribed: true, offset: expect.any(Number) });
    const again = await chatPoller.poll();
    expect(again).toMatchObject({ stored: 0, events: 0 });
    expect(await api.services.orm.em.fork().count(ContentVersion, { entityType: 'MESSAGE' })).toBe(4);
  });

  it('runs as a pg-boss job and goes on from the stored cursor', async () => {
    const chat = api.portal.seed.chat([1, 6], { title: 'Ops' });
    const author = api.services.portal.asUser(6)!;
    const messageId = await author.call('im.message.add', { DIALOG_ID: `chat${chat.id}`, MESSAGE: 'first' });
    await author.call('im.message.update', { MESSAGE_ID: messageId, MESSAGE: 'second' });
    await api.services.boss.send(JOBS.pollPortalEvents, {});
    const versions = await eventually(
      async () => {
        const found = await messageVersions(messageId);
        return found.length === 2 ? found : undefined;
      },
      'versions from the job',
      200,
    );
    expect(versions.map((v) => v.text)).toEqual(['first', 'second']);
    // Earlier messages were acknowledged: nothing of them is stored twice.
    expect(await api.services.orm.em.fork().count(ContentVersion, { entityType: 'MESSAGE' })).toBe(6);
  }, 30_000);

  it('two concurrent runs store each event once', async () => {
    const chat = api.portal.seed.chat([1, 7], { title: 'Race' });
    const author = api.services.portal.asUser(7)!;
    const ids: number[] = [];
    for (let i = 0; i < 5; i++)
      ids.push(await author.call('im.message.add', { DIALOG_ID: `chat${chat.id}`, MESSAGE: `m${i}` }));
    for (const id of ids) await author.call('im.message.update', { MESSAGE_ID: id, MESSAGE: `edited ${id}` });
    const [a, b] = await Promise.all([api.services.chatPoller.poll(), api.services.chatPoller.poll()]);
    expect(a.stored + b.stored).toBe(10);
    for (const id of ids) expect((await messageVersions(id)).map((v) => v.version)).toEqual([1, 2]);
  });
});
