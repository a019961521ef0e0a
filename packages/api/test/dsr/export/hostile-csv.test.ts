import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from '../../../src/modules/audit/audit-sql.ts';
import { ContentVersion } from '../../../src/modules/edits/content-version.entity.ts';
import { sorted, toSecond } from './support/expected.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';
import { cell } from './support/portal-checks.ts';
import { sandboxState } from './support/sandbox-state.ts';
import { strictCsv } from './support/strict-csv.ts';

/** Texts that break a CSV written carelessly: line breaks of every kind, quotes, delimiters, edges. */
const HOSTILE = [
  'first line\nsecond line (lone LF)',
  'first line\rsecond line (lone CR)',
  'first line\r\nsecond line (CRLF)',
  'ends with a line break\n',
  '\nstarts with a line break',
  'she said "no", then left',
  '"',
  ',',
  'a;b;c',
  '  leading spaces',
  'trailing spaces  ',
  ' ',
  '=1+1',
  '=HYPERLINK("http://evil.example/","x")\n;,"',
  '@SUM(A1)',
  'emoji 😀 and a family 👩‍👩‍👧 ok',
  'line\u2028separator\u2029paragraph\u0085next',
  'tab\tinside\t',
  '\ttab first',
];

let fixture: ExportFixture;
let result: ExportResult;
let subject: number;

beforeAll(async () => {
  fixture = await startExportFixture({ sandbox: { dataset: 'empty' } });
  const { seed } = fixture.portal;
  subject = seed.user({
    NAME: 'Ann\nMarie',
    LAST_NAME: ' O"Neil, jr ',
    WORK_POSITION: '=head;of\rsales',
    PERSONAL_CITY: 'Zürich\r\n',
  }).ID;
  const other = seed.user({ NAME: 'Other' }).ID;
  const chat = seed.chat([subject, other], { title: 'team\n"a", b;c ', type: 'chat' });
  for (const text of HOSTILE) {
    const post = seed.post(subject, text, { title: text });
    seed.comment(post.id, subject, text);
    seed.message(chat.id, subject, text);
    const task = seed.task(text, subject, subject, { description: text });
    seed.taskComment(task.id, subject, text);
    seed.calendarEvent(subject, text, { description: text, location: text });
    seed.calendarEvent(other, text, { attendees: [other, subject], answers: { [subject]: 'Q' } });
    seed.task(text, other, other, { auditors: [subject] });
  }
  const em = fixture.db.orm.em.fork();
  for (const [i, text] of HOSTILE.entries()) {
    em.create(ContentVersion, {
      entityType: 'MESSAGE',
      entityId: String(9000 + i),
      version: 1,
      text,
      textHash: createHash('sha256').update(text).digest('hex'),
      deleted: false,
      editedAt: new Date(),
      editor: subject,
      sessionKey: null,
      source: 'extension',
    });
  }
  await em.flush();
  result = await runExport(fixture, subject);
});
afterAll(() => fixture?.close());

describe('every CSV of a hostile subject is valid RFC 4180 and holds the portal text exactly', () => {
  it('parses every CSV in the archive strictly, with the row count the manifest gives', () => {
    const csvs = [...result.files.keys()].filter((name) => name.endsWith('.csv'));
    expect(csvs.length).toBe(result.manifest.categories.length);
    for (const category of result.manifest.categories) {
      const parsed = strictCsv(result.files.get(category.file)!);
      expect(parsed.header, category.file).toEqual(category.columns);
      expect(parsed.rows, category.file).toHaveLength(category.rows);
    }
  });

  it('has in posts, comments, chats and messages the texts the portal holds, cell for cell', async () => {
    const portal = sandboxState(fixture.portal.url);
    const csv = (name: string) => strictCsv(result.files.get(`${name}.csv`)!).rows;

    const posts = await portal.posts(subject);
    expect(posts).toHaveLength(HOSTILE.length);
    expect(sorted(csv('posts').map((r) => r.post_id))).toEqual(sorted(posts.map((p) => String(p.id))));
    for (const row of csv('posts')) {
      const post = posts.find((p) => String(p.id) === row.post_id)!;
      expect([row.title, row.text]).toEqual([cell(post.title), cell(post.text)]);
    }

    const comments = await portal.comments(subject);
    expect(csv('comments')).toHaveLength(comments.length);
    for (const row of csv('comments')) {
      const comment = comments.find((c) => String(c.id) === row.comment_id)!;
      expect([row.text, row.feed_entry_id]).toEqual([cell(comment.text), String(comment.logId)]);
    }

    const [chat] = await portal.chats(subject);
    expect(csv('chats').map((r) => [r.chat_id, r.title])).toEqual([[String(chat!.id), cell(chat!.title)]]);
    const messages = (await portal.messages(subject)).filter((m) => !m.system);
    expect(csv('chat-messages')).toHaveLength(messages.length);
    for (const row of csv('chat-messages')) {
      const message = messages.find((m) => String(m.id) === row.message_id)!;
      expect([row.text, row.chat_id, row.chat_title]).toEqual([
        cell(message.text),
        String(chat!.id),
        cell(chat!.title),
      ]);
      expect(Date.parse(row.sent_at!)).toBe(toSecond(message.date));
    }
  });

  it('has in tasks, task comments, calendars and profile the texts the portal holds, cell for cell', async () => {
    const portal = sandboxState(fixture.portal.url);
    const csv = (name: string) => strictCsv(result.files.get(`${name}.csv`)!).rows;

    const tasks = (await portal.tasks()).filter((t) => t.createdBy === subject);
    expect(csv('tasks')).toHaveLength(HOSTILE.length);
    for (const row of csv('tasks')) {
      const task = tasks.find((t) => String(t.id) === row.task_id)!;
      expect([row.title, row.description]).toEqual([cell(task.title), cell(task.description)]);
    }

    const invitations = (await portal.calendarEvents()).filter((e) => e.createdBy !== subject);
    expect(csv('calendar-attendance')).toHaveLength(HOSTILE.length);
    for (const row of csv('calendar-attendance')) {
      const event = invitations.find((e) => String(e.id) === row.event_id)!;
      expect([row.name, row.your_answer]).toEqual([cell(event.name), 'not answered']);
    }

    const events = (await portal.calendarEvents()).filter((e) => e.ownerId === subject);
    expect(csv('calendar')).toHaveLength(HOSTILE.length);
    for (const row of csv('calendar')) {
      const event = events.find((e) => String(e.id) === row.event_id)!;
      expect([row.name, row.description, row.location]).toEqual(
        [event.name, event.description, event.location].map(cell),
      );
    }

    const observed = (await portal.tasks()).filter(
      (t) => t.auditors.includes(subject) && t.createdBy !== subject,
    );
    expect(csv('task-participation')).toHaveLength(HOSTILE.length);
    for (const row of csv('task-participation')) {
      const task = observed.find((t) => String(t.id) === row.task_id)!;
      expect([row.title, row.your_role]).toEqual([cell(task.title), 'observer']);
    }

    const comments = (await portal.taskComments()).filter((c) => c.authorId === subject);
    expect(csv('task-comments')).toHaveLength(HOSTILE.length);
    for (const row of csv('task-comments')) {
      const comment = comments.find((c) => String(c.id) === row.comment_id)!;
      expect([row.task_id, row.text]).toEqual([String(comment.taskId), cell(comment.text)]);
    }

    const user = await portal.user(subject);
    const profile = new Map(csv('profile').map((r) => [r.field, r.value]));
    for (const field of ['NAME', 'LAST_NAME', 'WORK_POSITION', 'PERSONAL_CITY'] as const) {
      expect(profile.get(field), field).toBe(cell(user[field]));
    }
  });

  it('has in edit-history.csv the texts our own table holds, cell for cell', async () => {
    const stored = await sql<{ entity_id: string; text: string }>(
      fixture.db.orm.em.fork(),
      'select entity_id, text from content_version where editor = ?',
      [subject],
    );
    const rows = strictCsv(result.files.get('edit-history.csv')!).rows;
    expect(rows).toHaveLength(HOSTILE.length);
    for (const row of rows) {
      expect(row.text).toBe(cell(stored.find((v) => v.entity_id === row.item_id)!.text));
    }
  });
});
