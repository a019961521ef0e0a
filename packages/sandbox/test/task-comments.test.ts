import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, callForm, type Receiver, startPortal, startReceiver } from './helpers.ts';

let portal: SandboxPortal;
let admin: string;
let alice: string;
let bob: string;
let carol: string;
let taskId: number;
let receiver: Receiver;
let receiverUrl: string;

type Comment = Record<string, unknown> & { ID: string; POST_MESSAGE: string };

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  portal.seed.user({ NAME: 'Alice', LAST_NAME: 'Archer' });
  portal.seed.user({ NAME: 'Bob', LAST_NAME: 'Baker' });
  portal.seed.user({ NAME: 'Carol', LAST_NAME: 'Cook' });
  [admin, alice, bob, carol] = [1, 2, 3, 4].map((id) => portal.webhookUrl(id)) as [
    string,
    string,
    string,
    string,
  ];
  // Alice and Bob take part in the task; Carol does not.
  taskId = portal.seed.task('Quarterly report', 2, 3).id;
  receiver = await startReceiver();
  receiverUrl = receiver.url;
});
afterAll(async () => {
  await portal.close();
  await receiver.close();
});

const add = async (hook: string, text: string, extra: Record<string, unknown> = {}) =>
  call(hook, 'task.commentitem.add', { TASKID: taskId, FIELDS: { POST_MESSAGE: text, ...extra } });

describe('task.commentitem.add / get', () => {
  it('adds a comment and answers its id in the documented envelope; get answers the documented fields', async () => {
    const r = await add(alice, 'First draft is ready');
    expect(r.status).toBe(200);
    expect(typeof r.body.result).toBe('number');
    expect(r.body.time).toMatchObject({ operating: expect.any(Number), date_start: expect.any(String) });
    const got = await call(bob, 'task.commentitem.get', { TASKID: taskId, ITEMID: r.body.result });
    expect(got.body.result).toEqual({
      POST_MESSAGE_HTML: null,
      ID: String(r.body.result),
      AUTHOR_ID: '2',
      AUTHOR_NAME: 'Alice Archer',
      AUTHOR_EMAIL: '',
      POST_DATE: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00$/),
      POST_MESSAGE: 'First draft is ready',
      ATTACHED_OBJECTS: {},
    });
  });

  it('takes AUTHOR_ID and POST_DATE, also form-encoded', async () => {
    const r = await callForm(
      bob,
      'task.commentitem.add',
      `TASKID=${taskId}&FIELDS[POST_MESSAGE]=On+behalf&FIELDS[AUTHOR_ID]=2&FIELDS[POST_DATE]=2025-07-15T14:30:00%2B02:00`,
    );
    const got = (await call(admin, 'task.commentitem.get', { TASKID: taskId, ITEMID: r.body.result })).body
      .result as Comment;
    expect(got).toMatchObject({
      AUTHOR_ID: '2',
      POST_DATE: '2025-07-15T12:30:00+00:00',
      POST_MESSAGE: 'On behalf',
    });
  });

  it('answers the documented ERROR_CORE texts', async () => {
    const id = (await add(alice, 'Kept')).body.result;
    const expectError = (r: Awaited<ReturnType<typeof call>>, text: string) => {
      expect(r.status).toBe(400);
      expect(r.body).toEqual({ error: 'ERROR_CORE', error_description: `${text}.<br>` });
    };
    expectError(await add(alice, '   '), 'Comment text not specified');
    expectError(await add(carol, 'Let me in'), 'Insufficient permissions to add a comment');
    expectError(await add(alice, 'With a file', { UF_FORUM_MESSAGE_DOC: ['n4755'] }), 'File not found');
    expectError(
      await call(alice, 'task.commentitem.add', { TASKID: 'abc', FIELDS: { POST_MESSAGE: 'x' } }),
      'TASKS_ERROR_EXCEPTION_#256; Param #0 (taskId) for method ctaskcommentitem::add() expected to be of type "integer", but given something else.; 256/TE/WRONG_ARGUMENTS',
    );
    const notFound =
      'TASKS_ERROR_EXCEPTION_#512; Check listitem not found or not accessible; 512/TE/ITEM_NOT_FOUND_OR_NOT_ACCESSIBLE';
    expectError(await call(alice, 'task.commentitem.get', { TASKID: taskId, ITEMID: 999 }), notFound);
    expectError(await call(alice, 'task.commentitem.get', { TASKID: 999, ITEMID: id }), notFound);
    expectError(await call(carol, 'task.commentitem.get', { TASKID: taskId, ITEMID: id }), notFound);
    // Parameters out of the documented order are mapped to the wrong positions by the portal.
    expectError(await call(alice, 'task.commentitem.get', { ITEMID: id, TASKID: taskId }), notFound);
    expectError(
      await call(alice, 'task.commentitem.get', { TASKID: taskId }),
      'TASKS_ERROR_EXCEPTION_#256; Param #1 (itemId) expected by method ctaskcommentitem::get(), but not given.; 256/TE/WRONG_ARGUMENTS',
    );
  });
});

describe('task.commentitem.update / delete', () => {
  const notAllowed = 'TASKS_ERROR_EXCEPTION_#4; Action is not allowed; 4/TE/ACTION_NOT_ALLOWED.<br>';

  it('lets the author or an administrator update, and nobody else', async () => {
    const id = (await add(alice, 'Due on Monday')).body.result;
    const update = (hook: string, text: string, item: unknown = id) =>
      call(hook, 'task.commentitem.update', { TASKID: taskId, ITEMID: item, FIELDS: { POST_MESSAGE: text } });
    expect((await update(alice, 'Due on Tuesday')).body.result).toBe(true);
    expect((await update(bob, 'Due never')).body.error_description).toBe(notAllowed);
    expect((await update(alice, 'x', 999)).body.error_description).toBe(notAllowed);
    expect((await update(alice, '')).body.error_description).toBe('Comment text not specified.<br>');
    expect((await update(admin, 'Due on Wednesday')).body.result).toBe(true);
    const got = await call(alice, 'task.commentitem.get', { TASKID: taskId, ITEMID: id });
    expect((got.body.result as Comment).POST_MESSAGE).toBe('Due on Wednesday');
  });

  it('lets the author or an administrator delete; a deleted comment is gone', async () => {
    const id = (await add(alice, 'Temporary')).body.result;
    const del = (hook: string, item: unknown = id) =>
      call(hook, 'task.commentitem.delete', { TASKID: taskId, ITEMID: item });
    expect((await del(bob)).body.error_description).toBe(notAllowed);
    expect((await del(alice)).body.result).toBe(true);
    expect((await del(alice)).body.error_description).toBe(notAllowed);
    expect((await call(alice, 'task.commentitem.get', { TASKID: taskId, ITEMID: id })).body.error).toBe(
      'ERROR_CORE',
    );
    const state = (await (
      await fetch(`${portal.url}/_sandbox/state/task-comments?taskId=${taskId}`)
    ).json()) as {
      id: number;
    }[];
    expect(state.some((c) => c.id === id)).toBe(false);
  });
});

describe('task.commentitem.getlist', () => {
  it('lists every comment of the task, newest first, with no paging fields', async () => {
    const other = portal.seed.task('Other', 2, 2).id;
    for (let i = 0; i < 60; i++) portal.seed.taskComment(other, i % 2 === 0 ? 2 : 3, `Note ${i}`);
    const r = await call(alice, 'task.commentitem.getlist', { TASKID: other });
    const rows = r.body.result as Comment[];
    expect(rows).toHaveLength(60);
    expect(r.body.total).toBeUndefined();
    expect(r.body.next).toBeUndefined();
    expect(rows.map((c) => Number(c.ID))).toEqual([...rows.map((c) => Number(c.ID))].sort((a, b) => b - a));
    expect(rows[0]?.POST_MESSAGE).toBe('Note 59');
  });

  it('sorts by ORDER and filters by FILTER with the documented prefixes', async () => {
    const t = portal.seed.task('Filtered', 2, 1).id;
    const [a, b, c] = [
      portal.seed.taskComment(t, 2, 'a', { date: '2025-01-01T10:00:00.000Z' }),
      portal.seed.taskComment(t, 3, 'b', { date: '2025-02-01T10:00:00.000Z' }),
      portal.seed.taskComment(t, 2, 'c', { date: '2025-03-01T10:00:00.000Z' }),
    ];
    const list = async (params: Record<string, unknown>) =>
      (
        (await call(admin, 'task.commentitem.getlist', { TASKID: t, ...params })).body.result as Comment[]
      ).map((x) => x.POST_MESSAGE);
    expect(await list({ ORDER: { POST_DATE: 'asc' } })).toEqual(['a', 'b', 'c']);
    expect(await list({ ORDER: { ID: 'asc' }, FILTER: { AUTHOR_ID: 2 } })).toEqual(['a', 'c']);
    expect(await list({ ORDER: { ID: 'asc' }, FILTER: { '!AUTHOR_ID': 2 } })).toEqual(['b']);
    expect(await list({ ORDER: { ID: 'asc' }, FILTER: { '>=POST_DATE': '2025-02-01' } })).toEqual(['b', 'c']);
    expect(await list({ ORDER: { ID: 'asc' }, FILTER: { '>ID': a.id, '<ID': c.id } })).toEqual(['b']);
    expect(b.taskId).toBe(t);
  });

  it('refuses unknown filter keys, a task without access, and parameters out of order', async () => {
    const r = await call(alice, 'task.commentitem.getlist', {
      TASKID: taskId,
      FILTER: { '%POST_DATE': '2025' },
    });
    expect(r.body).toEqual({
      error: 'ERROR_CORE',
      error_description:
        'TASKS_ERROR_EXCEPTION_#256; Param #2 (arFilter) for method ctaskcommentitem::getlist() must not contain key "%POST_DATE".; 256/TE/WRONG_ARGUMENTS.<br>',
    });
    const failed = 'TASKS_ERROR_EXCEPTION_#8; Action failed; 8/TE/ACTION_FAILED_TO_BE_PROCESSED.<br>';
    expect((await call(carol, 'task.commentitem.getlist', { TASKID: taskId })).body.error_description).toBe(
      failed,
    );
    expect((await call(alice, 'task.commentitem.getlist', { TASKID: 9999 })).body.error_description).toBe(
      failed,
    );
    const swapped = await call(alice, 'task.commentitem.getlist', { TASKID: taskId, FILTER: {}, ORDER: {} });
    expect(swapped.body.error_description).toBe(failed);
  });
});

describe('ONTASKCOMMENTADD / UPDATE / DELETE', () => {
  it('delivers the documented data[FIELDS_BEFORE] / data[FIELDS_AFTER] to bound handlers', async () => {
    for (const event of ['OnTaskCommentAdd', 'OnTaskCommentUpdate', 'OnTaskCommentDelete']) {
      expect((await call(admin, 'event.bind', { event, handler: receiverUrl })).body.result).toBe(true);
    }
    receiver.received.length = 0;
    const id = (await add(alice, 'Hello')).body.result as number;
    await call(alice, 'task.commentitem.update', {
      TASKID: taskId,
      ITEMID: id,
      FIELDS: { POST_MESSAGE: 'Hi' },
    });
    await call(alice, 'task.commentitem.delete', { TASKID: taskId, ITEMID: id });
    await portal.events.flush();
    const received = receiver.received.map((r) => r.body);
    const data = (p: URLSearchParams) =>
      Object.fromEntries([...p.entries()].filter(([k]) => k.startsWith('data[')));
    expect(received.map((p) => p.get('event'))).toEqual([
      'ONTASKCOMMENTADD',
      'ONTASKCOMMENTUPDATE',
      'ONTASKCOMMENTDELETE',
    ]);
    const ids = { ID: String(id), TASK_ID: String(taskId) };
    const flat = (prefix: string, o: Record<string, string>) =>
      Object.fromEntries(Object.entries(o).map(([k, v]) => [`data[${prefix}][${k}]`, v]));
    const undef = { 'data[IS_ACCESSIBLE_BEFORE]': 'undefined', 'data[IS_ACCESSIBLE_AFTER]': 'undefined' };
    expect(received.map(data)).toEqual([
      { 'data[FIELDS_BEFORE]': 'undefined', ...flat('FIELDS_AFTER', ids), ...undef },
      { ...flat('FIELDS_BEFORE', ids), ...flat('FIELDS_AFTER', { ...ids, ACTION: 'EDIT' }), ...undef },
      { ...flat('FIELDS_BEFORE', ids), ...flat('FIELDS_AFTER', { ...ids, ACTION: 'DEL' }), ...undef },
    ]);
    expect(received[0]?.get('auth[application_token]')).toBe(portal.applicationToken);
    // A refused call changes nothing and emits nothing.
    receiver.received.length = 0;
    await call(bob, 'task.commentitem.update', { TASKID: taskId, ITEMID: id, FIELDS: { POST_MESSAGE: 'x' } });
    await portal.events.flush();
    expect(receiver.received).toEqual([]);
  });
});
