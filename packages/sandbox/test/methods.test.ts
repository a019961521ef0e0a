import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SandboxPortal } from '../src/index.ts';
import { call, startPortal } from './helpers.ts';

let portal: SandboxPortal;
let admin: string;
let alice: string;
let bob: string;

beforeAll(async () => {
  portal = await startPortal({ dataset: 'empty' });
  portal.seed.user({ NAME: 'Alice', LAST_NAME: 'Archer', WORK_POSITION: 'Accountant', UF_DEPARTMENT: [1] });
  portal.seed.user({ NAME: 'Bob', LAST_NAME: 'Baker', WORK_POSITION: 'Baker', UF_DEPARTMENT: [1] });
  admin = portal.webhookUrl(1);
  alice = portal.webhookUrl(2);
  bob = portal.webhookUrl(3);
});
afterAll(() => portal.close());

describe('users', () => {
  it('user.fields lists every standard field with its label', async () => {
    const r = (await call(alice, 'user.fields')).body.result as Record<string, string>;
    expect(r.PERSONAL_BIRTHDAY).toBe('Birthday');
    expect(r.UF_PHONE_INNER).toBe('Internal Phone');
    expect(Object.keys(r)).toHaveLength(63);
  });

  it('user.search finds by FIND and by name prefix', async () => {
    const find = await call(bob, 'user.search', { FILTER: { FIND: 'account' } });
    expect((find.body.result as { ID: string }[]).map((u) => u.ID)).toEqual(['2']);
    const prefix = await call(bob, 'user.search', { NAME: 'Bo' });
    expect((prefix.body.result as { ID: string }[]).map((u) => u.ID)).toEqual(['3']);
    expect(prefix.body.total).toBe(1);
  });

  it('user.get supports NAME_SEARCH and LIKE filters', async () => {
    const r = await call(bob, 'user.get', { FILTER: { NAME_SEARCH: 'archer' } });
    expect((r.body.result as { ID: string }[]).map((u) => u.ID)).toEqual(['2']);
    const like = await call(bob, 'user.get', { filter: { NAME: 'Ali%' } });
    expect((like.body.result as unknown[]).length).toBe(0);
    const like2 = await call(bob, 'user.get', { filter: { '=%NAME': 'Ali%' } });
    expect((like2.body.result as { ID: string }[]).map((u) => u.ID)).toEqual(['2']);
  });
});

describe('notifications', () => {
  it('adds system and personal notifications and returns their ids', async () => {
    const sys = await call(admin, 'im.notify.system.add', {
      USER_ID: 2,
      MESSAGE: ' Export ready ',
      TAG: 'GDPR|2',
    });
    expect(typeof sys.body.result).toBe('number');
    const n = portal.state.notifications.get(sys.body.result as number);
    expect(n).toMatchObject({ userId: 2, authorId: 0, type: 'system', message: 'Export ready' });
    const personal = await call(admin, 'im.notify', { USER_ID: 2, MESSAGE: 'Hi', TYPE: 'USER' });
    expect(portal.state.notifications.get(personal.body.result as number)).toMatchObject({
      type: 'personal',
      authorId: 1,
    });
    const viaPersonal = await call(admin, 'im.notify.personal.add', { USER_ID: 2, MESSAGE: 'Hi again' });
    expect(portal.state.notifications.get(viaPersonal.body.result as number)?.type).toBe('personal');
  });

  it('replaces an older notification with the same TAG', async () => {
    const a = (await call(admin, 'im.notify.system.add', { USER_ID: 3, MESSAGE: 'one', TAG: 'T1' })).body
      .result as number;
    const b = (await call(admin, 'im.notify.system.add', { USER_ID: 3, MESSAGE: 'two', TAG: 'T1' })).body
      .result as number;
    expect(portal.state.notifications.has(a)).toBe(false);
    expect(portal.state.notifications.has(b)).toBe(true);
  });

  it('answers the documented errors', async () => {
    expect((await call(admin, 'im.notify.system.add', { MESSAGE: 'x' })).body.error).toBe('USER_ID_EMPTY');
    expect((await call(admin, 'im.notify.system.add', { USER_ID: 2, MESSAGE: '  ' })).body.error).toBe(
      'MESSAGE_EMPTY',
    );
    const big = 'x'.repeat(31 * 1024);
    expect(
      (await call(admin, 'im.notify.system.add', { USER_ID: 2, MESSAGE: 'x', ATTACH: big })).body.error,
    ).toBe('ATTACH_OVERSIZE');
  });
});

describe('messenger', () => {
  it('im.message.add answers the message id and the documented errors', async () => {
    const id = (await call(alice, 'im.message.add', { DIALOG_ID: '3', MESSAGE: 'lunch?' })).body.result;
    expect(typeof id).toBe('number');
    expect((await call(alice, 'im.message.add', { DIALOG_ID: '3', MESSAGE: '' })).body.error).toBe(
      'MESSAGE_EMPTY',
    );
    expect((await call(alice, 'im.message.add', { DIALOG_ID: '', MESSAGE: 'x' })).body.error).toBe(
      'USER_ID_EMPTY',
    );
    expect((await call(alice, 'im.dialog.messages.get', {})).body.error).toBe('DIALOG_ID_EMPTY');
  });

  it('im.dialog.messages.get answers messages, users and chat_id in the documented shape', async () => {
    const r = (await call(bob, 'im.dialog.messages.get', { DIALOG_ID: '2' })).body.result as {
      messages: Record<string, unknown>[];
      users: Record<string, unknown>[];
      chat_id: number;
    };
    expect(Object.keys(r.messages[0] ?? {})).toEqual([
      'id',
      'chat_id',
      'author_id',
      'date',
      'text',
      'params',
    ]);
    expect(r.messages[0]).toMatchObject({ author_id: 2, text: 'lunch?', params: null });
    expect(r.users[0]).toMatchObject({ id: 2, first_name: 'Alice', last_name: 'Archer' });
    expect(r.chat_id).toBeGreaterThan(0);
  });

  it('im.recent.list lists the caller’s chats', async () => {
    const r = (await call(bob, 'im.recent.list')).body.result as {
      items: { id: string; type: string; message: { text: string } }[];
    };
    expect(r.items[0]).toMatchObject({ id: '2', type: 'user', message: { text: 'lunch?' } });
  });

  it("im.recent.list gives a group chat's entity: a task's chat is TASKS_TASK and the task id", async () => {
    const chat = portal.seed.chat([2, 3], { title: 'Task chat', type: 'chat' });
    chat.entity = { type: 'TASKS_TASK', id: '51' };
    portal.seed.message(chat.id, 2, 'about the task');
    const r = (await call(bob, 'im.recent.list')).body.result as { items: Record<string, unknown>[] };
    expect(r.items.find((i) => i.chat_id === chat.id)).toMatchObject({
      id: `chat${chat.id}`,
      chat: { id: chat.id, type: 'chat', entity_type: 'TASKS_TASK', entity_id: '51' },
    });
  });
});

describe('Live Feed reading', () => {
  it('log.blogpost.get answers posts newest first with the documented fields', async () => {
    const first = (await call(alice, 'log.blogpost.add', { POST_MESSAGE: 'First', POST_TITLE: 'One' })).body
      .result as number;
    const second = (await call(alice, 'log.blogpost.add', { POST_MESSAGE: 'Second' })).body.result as number;
    const r = await call(bob, 'log.blogpost.get');
    const posts = r.body.result as Record<string, unknown>[];
    expect(posts.map((p) => p.ID)).toEqual([String(second), String(first)]);
    expect(posts[1]).toMatchObject({
      TITLE: 'One',
      AUTHOR_ID: '2',
      MICRO: 'N',
      DETAIL_TEXT: 'First',
      PUBLISH_STATUS: 'P',
    });
    expect(posts[0]?.DATE_PUBLISH).toMatch(/^\d\d\.\d\d\.\d{4} \d\d:\d\d:\d\d$/);
    const after = await call(bob, 'log.blogpost.get', { FIRST_ID: first });
    expect((after.body.result as { ID: string }[]).map((p) => p.ID)).toEqual([String(second)]);
    const limited = await call(bob, 'log.blogpost.get', { LIMIT: 1 });
    expect(limited.body.next).toBe(1);
  });

  it('comments: add, refuse duplicates, list per user, delete', async () => {
    const postId = (await call(alice, 'log.blogpost.add', { POST_MESSAGE: 'Comment me' })).body
      .result as number;
    const c1 = (await call(bob, 'log.blogcomment.add', { POST_ID: postId, TEXT: 'Nice' })).body
      .result as number;
    expect(
      (await call(bob, 'log.blogcomment.add', { POST_ID: postId, TEXT: 'Nice' })).body.error_description,
    ).toBe('Duplicate comment');
    const mine = (await call(bob, 'log.blogcomment.user.get')).body.result as {
      comments: Record<string, unknown>[];
    };
    expect(mine.comments.map((c) => c.id)).toEqual([c1]);
    expect(Object.keys(mine.comments[0] ?? {})).toEqual([
      'id',
      'comment_id',
      'log_id',
      'date',
      'text',
      'attach',
    ]);
    const asAdmin = (await call(admin, 'log.blogcomment.user.get', { USER_ID: 3 })).body.result as {
      comments: { text: string }[];
    };
    expect(asAdmin.comments[0]?.text).toBe('Nice');
    expect((await call(alice, 'log.blogcomment.delete', { COMMENT_ID: c1 })).body.error_description).toBe(
      'No permissions',
    );
    expect((await call(bob, 'log.blogcomment.delete', { COMMENT_ID: c1 })).body.result).toBe(true);
  });
});

describe('tasks, calendar, Drive', () => {
  it('tasks.task.list filters by RESPONSIBLE_ID / CREATED_BY with camelCase fields and visibility', async () => {
    portal.seed.task('Alice task', 2, 1);
    portal.seed.task('Bob task', 3, 2);
    portal.seed.task('Admin only', 1, 1);
    const all = (await call(admin, 'tasks.task.list')).body;
    expect((all.result as { tasks: unknown[] }).tasks).toHaveLength(3);
    expect(all.total).toBe(3);
    const byResp = (await call(admin, 'tasks.task.list', { filter: { RESPONSIBLE_ID: 2 } })).body.result as {
      tasks: Record<string, unknown>[];
    };
    expect(byResp.tasks.map((t) => t.title)).toEqual(['Alice task']);
    expect(byResp.tasks[0]).toMatchObject({ responsibleId: '2', createdBy: '1', status: '2' });
    const byCreator = (await call(admin, 'tasks.task.list', { filter: { CREATED_BY: 2 } })).body.result as {
      tasks: { title: string }[];
    };
    expect(byCreator.tasks.map((t) => t.title)).toEqual(['Bob task']);
    const asBob = (await call(bob, 'tasks.task.list')).body.result as { tasks: { title: string }[] };
    expect(asBob.tasks.map((t) => t.title)).toEqual(['Bob task']);
  });

  it('calendar.event.get needs type and lists an owner’s events and meetings in range', async () => {
    expect((await call(alice, 'calendar.event.get', {})).body.error).toBe('');
    portal.seed.calendarEvent(2, 'Dentist', {
      dateFrom: '2030-01-10T09:00:00.000Z',
      dateTo: '2030-01-10T10:00:00.000Z',
    });
    portal.seed.calendarEvent(3, 'Sync', {
      dateFrom: '2030-01-11T09:00:00.000Z',
      dateTo: '2030-01-11T09:30:00.000Z',
      attendees: [3, 2],
    });
    const r = await call(alice, 'calendar.event.get', {
      type: 'user',
      ownerId: 2,
      from: '2030-01-01',
      to: '2030-02-01',
    });
    const events = r.body.result as Record<string, unknown>[];
    expect(events.map((e) => e.NAME)).toEqual(['Dentist', 'Sync']);
    expect(events[0]).toMatchObject({ OWNER_ID: '2', CAL_TYPE: 'user', DATE_FROM: '01/10/2030 09:00:00 am' });
    // The invitee's own answer, as their copy of the meeting carries it (calendar_event_fields.md).
    expect(events[1]).toMatchObject({ IS_MEETING: true, MEETING_HOST: '3', MEETING_STATUS: 'Y' });
  });

  it("calendar.event.get shows each reader's answer to a meeting: H for the host", async () => {
    portal.seed.calendarEvent(3, 'Review', {
      dateFrom: '2030-03-01T09:00:00.000Z',
      dateTo: '2030-03-01T10:00:00.000Z',
      attendees: [3, 2, 4],
      answers: { 2: 'N', 4: 'Q' },
    });
    const range = { type: 'user', from: '2030-03-01', to: '2030-03-02' };
    const status = async (ownerId: number) =>
      (
        (await call(alice, 'calendar.event.get', { ...range, ownerId })).body.result as Record<
          string,
          unknown
        >[]
      )[0];
    expect(await status(2)).toMatchObject({ MEETING_STATUS: 'N' });
    expect(await status(3)).toMatchObject({ MEETING_STATUS: 'H' });
    expect((await status(4))?.ATTENDEE_LIST).toEqual([
      { id: 3, entryId: expect.any(String), status: 'H' },
      { id: 2, entryId: expect.any(String), status: 'N' },
      { id: 4, entryId: expect.any(String), status: 'Q' },
    ]);
  });

  it('disk.storage.getlist lists available storages', async () => {
    portal.seed.storage('user', '2', 'Alice Archer');
    const mine = (await call(alice, 'disk.storage.getlist')).body.result as {
      ENTITY_TYPE: string;
      ENTITY_ID: string;
    }[];
    expect(mine.every((s) => s.ENTITY_TYPE !== 'user' || s.ENTITY_ID === '2')).toBe(true);
    const filtered = await call(admin, 'disk.storage.getlist', {
      filter: { ENTITY_TYPE: 'user', ENTITY_ID: '2' },
    });
    expect((filtered.body.result as { NAME: string }[]).map((s) => s.NAME)).toEqual(['Alice Archer']);
  });
});
