import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Bitrix24Client } from '../../src/bitrix24/index.ts';
import { ContentVersion } from '../../src/modules/edits/content-version.entity.ts';
import { PortalEvent } from '../../src/modules/portal-events/portal-event.entity.ts';
import { historyQuery, type ListeningApi, startListeningApi } from './listening-api.ts';

let l: ListeningApi;
let auditor: string;
let author: Bitrix24Client;
let taskId: number;

const HISTORY = historyQuery('TASK_COMMENT');

beforeAll(async () => {
  l = await startListeningApi();
  auditor = await l.api.tokenFor(1);
  author = l.api.services.portal.asUser(5)!;
  taskId = l.api.portal.seed.task('Release checklist', 5, 1).id;
});
afterAll(async () => {
  await l?.close();
});

const versionsOf = (commentId: number) =>
  l.api.services.orm.em
    .fork()
    .find(
      ContentVersion,
      { entityType: 'TASK_COMMENT', entityId: String(commentId) },
      { orderBy: { version: 'asc' } },
    );

const addComment = async (text: string) =>
  Number(
    (await author.request('task.commentitem.add', { TASKID: taskId, FIELDS: { POST_MESSAGE: text } })).result,
  );
const editComment = (id: number, text: string) =>
  author.request('task.commentitem.update', { TASKID: taskId, ITEMID: id, FIELDS: { POST_MESSAGE: text } });
const deleteComment = (id: number) =>
  author.request('task.commentitem.delete', { TASKID: taskId, ITEMID: id });

const auditRows = async (commentId: number) =>
  (await l.api.services.orm.em
    .fork()
    .getConnection()
    .execute(
      `select action, target_type, target_id, source from audit_event where target_id = ? order by seq`,
      [String(commentId)],
    )) as { action: string; target_type: string; target_id: string; source: string }[];

describe('task comment events (ONTASKCOMMENTADD / UPDATE / DELETE)', () => {
  it('binds the three events with event.bind on connect', () => {
    expect(l.bound).toEqual(
      expect.arrayContaining(['ONTASKCOMMENTADD', 'ONTASKCOMMENTUPDATE', 'ONTASKCOMMENTDELETE']),
    );
    const events = [...l.api.portal.state.eventBindings.values()]
      .filter((b) => b.handler === `${l.base}/bitrix24/events`)
      .map((b) => b.event);
    expect(events).toEqual(
      expect.arrayContaining(['ONTASKCOMMENTADD', 'ONTASKCOMMENTUPDATE', 'ONTASKCOMMENTDELETE']),
    );
  });

  it('stores a version for a comment added and edited in the portal; the same text again adds none', async () => {
    const id = await addComment('The build is green on Monday');
    await l.processed();
    await editComment(id, 'The build is green on Tuesday');
    await l.processed();
    // An edit that keeps the text (the portal still sends ONTASKCOMMENTUPDATE) is not a new version.
    await editComment(id, 'The build is green on Tuesday');
    await l.processed();
    const deliveries = l.api.portal.events.deliveries().filter((d) => d.url.startsWith(l.base));
    expect(deliveries.map((d) => [d.event, d.status])).toEqual([
      ['ONTASKCOMMENTADD', 200],
      ['ONTASKCOMMENTUPDATE', 200],
      ['ONTASKCOMMENTUPDATE', 200],
    ]);
    const versions = await versionsOf(id);
    expect(versions.map((v) => [v.version, v.text, v.editor, v.source, v.deleted])).toEqual([
      [1, 'The build is green on Monday', 5, 'portal-event', false],
      [2, 'The build is green on Tuesday', 5, 'portal-event', false],
    ]);
    const res = await l.api.gql(HISTORY, { id: String(id) }, { token: auditor });
    expect(res.errors).toBeUndefined();
    expect(res.data?.editHistory.versions.map((v: { version: { text: string } }) => v.version.text)).toEqual([
      'The build is green on Monday',
      'The build is green on Tuesday',
    ]);
    expect(res.data?.editHistory.versions[1].diff).toEqual([
      { kind: 'UNCHANGED', text: 'The build is green on ' },
      { kind: 'REMOVED', text: 'Monday' },
      { kind: 'ADDED', text: 'Tuesday' },
    ]);
    // The edit is in the audit log; the first sighting is not an edit.
    expect(await auditRows(id)).toEqual([
      {
        action: 'message.edited',
        target_type: 'task_comment',
        target_id: String(id),
        source: 'portal-event',
      },
    ]);
  });

  it('records a deletion as a version and an audit event', async () => {
    const id = await addComment('Short-lived note');
    await l.processed();
    await deleteComment(id);
    await l.processed();
    expect((await versionsOf(id)).map((v) => [v.version, v.text, v.deleted])).toEqual([
      [1, 'Short-lived note', false],
      [2, '', true],
    ]);
    expect(await auditRows(id)).toEqual([
      {
        action: 'message.deleted',
        target_type: 'task_comment',
        target_id: String(id),
        source: 'portal-event',
      },
    ]);
  });

  it('skips, without retrying, an add whose comment is gone and a new-card comment (a chat message)', async () => {
    const delivery = (fieldsAfter: Record<string, string>) =>
      l.deliver({
        event: 'ONTASKCOMMENTADD',
        event_handler_id: '1',
        'data[FIELDS_BEFORE]': 'undefined',
        ...Object.fromEntries(Object.entries(fieldsAfter).map(([k, v]) => [`data[FIELDS_AFTER][${k}]`, v])),
        ts: String(Math.floor(Date.now() / 1000)),
        'auth[domain]': l.api.portal.domain,
        'auth[application_token]': l.api.portal.applicationToken,
      });
    // Posted by hand, so that the comment is certainly gone when the delivery is processed.
    expect((await delivery({ ID: '999001', TASK_ID: String(taskId) })).status).toBe(200);
    expect((await delivery({ ID: '0', TASK_ID: String(taskId), MESSAGE_ID: '1458' })).status).toBe(200);
    await l.processed();
    const rows = await l.api.services.orm.em.fork().find(PortalEvent, { event: 'ONTASKCOMMENTADD' });
    const gone = rows.find((r) => r.payload['data[FIELDS_AFTER][ID]'] === '999001');
    const chat = rows.find((r) => r.payload['data[FIELDS_AFTER][MESSAGE_ID]'] === '1458');
    expect(gone).toMatchObject({ attempts: 1, error: expect.stringMatching(/999001 not found/) });
    expect(gone?.processedAt).not.toBeNull();
    expect(chat).toMatchObject({ attempts: 1, error: expect.stringMatching(/chat message 1458/) });
    expect(chat?.processedAt).not.toBeNull();
    expect(await versionsOf(999001)).toEqual([]);
  });

  it('refuses a task comment delivery with a wrong application_token and stores nothing', async () => {
    const em = l.api.services.orm.em.fork();
    const before = await em.count(PortalEvent, {});
    const res = await l.deliver({
      event: 'ONTASKCOMMENTUPDATE',
      event_handler_id: '1',
      'data[FIELDS_AFTER][ID]': '424242',
      'data[FIELDS_AFTER][TASK_ID]': String(taskId),
      ts: String(Math.floor(Date.now() / 1000)),
      'auth[domain]': l.api.portal.domain,
      'auth[application_token]': 'forged',
    });
    expect(res.status).toBe(401);
    await l.processed();
    expect(await em.count(PortalEvent, {})).toBe(before);
    expect(await versionsOf(424242)).toEqual([]);
  });

  it('records a deletion from the delivery alone (the comment cannot be fetched any more)', async () => {
    const res = await l.deliver({
      event: 'ONTASKCOMMENTDELETE',
      event_handler_id: '9',
      'data[FIELDS_BEFORE][ID]': '777',
      'data[FIELDS_BEFORE][TASK_ID]': '55',
      'data[FIELDS_AFTER][ID]': '777',
      'data[FIELDS_AFTER][TASK_ID]': '55',
      'data[FIELDS_AFTER][ACTION]': 'DEL',
      ts: '1795430000',
      'auth[domain]': l.api.portal.domain,
      'auth[application_token]': l.api.portal.applicationToken,
    });
    expect(res.status).toBe(200);
    await l.processed();
    const [version] = await versionsOf(777);
    expect(version).toMatchObject({ deleted: true, text: '', source: 'portal-event' });
    expect(version?.editedAt.getTime()).toBe(1795430000 * 1000);
  });
});
