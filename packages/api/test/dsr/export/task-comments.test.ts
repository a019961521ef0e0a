import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

let fixture: ExportFixture;
let result: ExportResult;
let subject: number;

beforeAll(async () => {
  fixture = await startExportFixture({ sandbox: { dataset: 'empty' } });
  const { seed } = fixture.portal;
  subject = seed.user({ NAME: 'Subject' }).ID;
  const boss = seed.user({ NAME: 'Boss' }).ID;
  const peer = seed.user({ NAME: 'Peer' }).ID;
  const tasks = [
    seed.task('created', peer, subject),
    seed.task('responsible', subject, boss),
    seed.task('observed', peer, boss, { auditors: [subject, peer] }),
    seed.task('helped', peer, boss, { accomplices: [subject] }),
    seed.task('all roles', subject, subject, { auditors: [subject], accomplices: [subject] }),
  ];
  for (const [i, task] of tasks.entries()) {
    seed.taskComment(task.id, subject, `mine ${i}\nsecond line`);
    seed.taskComment(task.id, boss, `the boss wrote ${i}`);
    seed.taskComment(task.id, subject, `=again ${i}`);
  }
  const elsewhere = seed.task('not theirs', peer, boss);
  seed.taskComment(elsewhere.id, peer, 'the peer wrote this');
  result = await runExport(fixture, subject, { withSubjectCredentials: false });
});
afterAll(() => fixture?.close());

describe('task comments (task.commentitem.getlist)', () => {
  it('has every comment the subject wrote in the tasks they take part in, as the portal holds it', async () => {
    const portal = sandboxState(fixture.portal.url);
    const mine = (await portal.taskComments()).filter((c) => c.authorId === subject);
    expect(mine).toHaveLength(10);
    const rows = strictCsv(result.files.get('task-comments.csv')!).rows;
    expect(sorted(rows.map((r) => r.comment_id))).toEqual(sorted(mine.map((c) => String(c.id))));
    for (const row of rows) {
      const comment = mine.find((c) => String(c.id) === row.comment_id)!;
      expect([row.task_id, row.text]).toEqual([String(comment.taskId), cell(comment.text)]);
      expect(Date.parse(row.written_at!)).toBe(toSecond(comment.date));
    }
  });

  it("holds nobody else's comments, and reads each task once", () => {
    const everything = Buffer.concat([...result.files.values()]).toString('utf8');
    expect(everything).not.toContain('the boss wrote');
    expect(everything).not.toContain('the peer wrote');
    const getlist = fixture.admin.counters().batched.byMethod['task.commentitem.getlist'];
    expect(getlist).toBe(5);
    expect(result.manifest.notAccessible.filter((n) => n.category === 'task-comments')).toEqual([]);
  });
});

describe("task comments in the new task card (messages of the task's chat)", () => {
  let withChat: ExportResult;
  let chatId: number;
  let taskId: number;

  beforeAll(async () => {
    const { seed } = fixture.portal;
    const boss = subject + 1;
    taskId = seed.task('new card', subject, boss).id;
    const chat = seed.chat([subject, boss], { title: 'new card', type: 'chat' });
    chat.entity = { type: 'TASKS_TASK', id: String(taskId) };
    chatId = chat.id;
    seed.message(chat.id, subject, 'my comment\nin the task chat');
    seed.message(chat.id, boss, "the boss's comment in the task chat");
    withChat = await runExport(fixture, subject);
  });

  it("has the subject's messages of the task chat, marked with the task, and no one else's", async () => {
    const portal = sandboxState(fixture.portal.url);
    const mine = (await portal.messages(subject)).filter((m) => m.chatId === chatId);
    const chats = strictCsv(withChat.files.get('chats.csv')!).rows;
    expect(chats.find((c) => c.chat_id === String(chatId))?.task_id).toBe(String(taskId));
    const rows = strictCsv(withChat.files.get('chat-messages.csv')!).rows.filter(
      (r) => r.chat_id === String(chatId),
    );
    expect(rows.map((r) => [r.message_id, r.task_id, r.text])).toEqual(
      mine.map((m) => [String(m.id), String(taskId), cell(m.text)]),
    );
    expect(withChat.files.get('chat-messages.csv')!.toString('utf8')).not.toContain("the boss's comment");
  });
});
