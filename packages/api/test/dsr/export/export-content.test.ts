import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_CATEGORIES } from '../../../src/modules/dsr/export/index.ts';
import { busiestDemoSubject, expectedFor, siteDateMs, sorted, toSecond } from './support/expected.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';
import { type SeededRecords, seedSystemRecords } from './support/system-records.ts';
import { readCsv, sha256 } from './support/unzip.ts';

let fixture: ExportFixture;
let subject: number;
let result: ExportResult;
let seeded: SeededRecords;

beforeAll(async () => {
  fixture = await startExportFixture();
  subject = busiestDemoSubject(fixture.portal.state);
  const other = subject === 3 ? 4 : 3;
  seeded = await seedSystemRecords(fixture.db.orm.em.fork(), subject, other);
  result = await runExport(fixture, subject);
});
afterAll(() => fixture?.close());

describe('export of a demo employee, checked against the portal', () => {
  it('is checked on a subject with data in every portal category', () => {
    const e = expectedFor(fixture.portal.state, subject);
    for (const list of [e.posts, e.comments, e.chats, e.messages, e.tasks, e.events, e.storages]) {
      expect(list.length).toBeGreaterThan(0);
    }
  });

  it('holds one CSV per category with its documented header, README.txt and manifest.json', () => {
    const expected = [...EXPORT_CATEGORIES.map((c) => `${c.name}.csv`), 'README.txt', 'manifest.json'];
    expect(sorted(result.files.keys())).toEqual(sorted(expected));
    for (const category of EXPORT_CATEGORIES) {
      expect(result.csv(category.name).header).toEqual(category.columns.map((c) => c.name));
    }
  });

  it('lists every profile field user.fields names, with the values the portal holds', async () => {
    const rows = result.csv('profile').rows;
    const byField = new Map(rows.map((r) => [r.field, r.value]));
    const user = expectedFor(fixture.portal.state, subject).user;
    const fields = Object.keys(await fixture.admin.call('user.fields'));
    expect(fields.length).toBeGreaterThan(50);
    expect(rows.map((r) => r.field).slice(0, fields.length)).toEqual(fields);
    expect(byField.get('ID')).toBe(String(subject));
    for (const field of [
      'NAME',
      'LAST_NAME',
      'EMAIL',
      'PERSONAL_PHONE',
      'PERSONAL_CITY',
      'WORK_POSITION',
      'UF_SKYPE',
    ] as const) {
      expect(byField.get(field)).toBe(user[field].replace(/^([=+\-@\t\r])/, "'$1"));
    }
    expect(byField.get('UF_DEPARTMENT')).toBe(user.UF_DEPARTMENT.join('; '));
  });

  it('has exactly the posts and comments the subject wrote, with their texts and dates', () => {
    const e = expectedFor(fixture.portal.state, subject);
    const posts = result.csv('posts').rows;
    expect(sorted(posts.map((r) => Number(r.post_id)))).toEqual(sorted(e.posts.map((p) => p.id)));
    for (const row of posts) {
      const post = e.posts.find((p) => p.id === Number(row.post_id))!;
      expect(row.text).toBe(post.text);
      expect(row.title).toBe(post.title);
      expect(siteDateMs(row.published_at!)).toBe(toSecond(post.datePublish));
    }
    const comments = result.csv('comments').rows;
    expect(sorted(comments.map((r) => Number(r.comment_id)))).toEqual(sorted(e.comments.map((c) => c.id)));
    for (const row of comments) {
      const comment = e.comments.find((c) => c.id === Number(row.comment_id))!;
      expect(row.text).toBe(comment.text);
      expect(Date.parse(row.written_at!)).toBe(toSecond(comment.date));
      expect(Number(row.feed_entry_id)).toBe(comment.logId);
    }
  });

  it("has the subject's chats and exactly the messages they wrote in them", () => {
    const e = expectedFor(fixture.portal.state, subject);
    expect(sorted(result.csv('chats').rows.map((r) => Number(r.chat_id)))).toEqual(
      sorted(e.chats.map((c) => c.id)),
    );
    const messages = result.csv('chat-messages').rows;
    expect(messages.length).toBeGreaterThan(0);
    expect(sorted(messages.map((r) => Number(r.message_id)))).toEqual(sorted(e.messages.map((m) => m.id)));
    for (const row of messages) {
      const message = e.messages.find((m) => m.id === Number(row.message_id))!;
      expect(row.text).toBe(message.text);
      expect(Number(row.chat_id)).toBe(message.chatId);
      expect(Date.parse(row.sent_at!)).toBe(toSecond(message.date));
      expect(row.deleted).toBe('no');
    }
  });

  it('has each task the subject created or is responsible for once, with their role', () => {
    const e = expectedFor(fixture.portal.state, subject);
    const rows = result.csv('tasks').rows;
    expect(sorted(rows.map((r) => Number(r.task_id)))).toEqual(sorted(e.tasks.map((t) => t.id)));
    for (const row of rows) {
      const task = e.tasks.find((t) => t.id === Number(row.task_id))!;
      const roles = [
        task.createdBy === subject && 'creator',
        task.responsibleId === subject && 'responsible',
      ];
      expect(row.your_role).toBe(roles.filter(Boolean).join('; '));
      expect(row.title).toBe(task.title);
      expect(row.description).toBe(task.description);
      expect(Date.parse(row.created_at!)).toBe(toSecond(task.createdDate));
    }
  });

  it('has the calendar events and the Drive storage of the subject', () => {
    const e = expectedFor(fixture.portal.state, subject);
    const events = result.csv('calendar').rows;
    expect(sorted(events.map((r) => Number(r.event_id)))).toEqual(sorted(e.events.map((x) => x.id)));
    for (const row of events) {
      const event = e.events.find((x) => x.id === Number(row.event_id))!;
      expect(row.name).toBe(event.name);
      expect(Date.parse(row.starts_at!)).toBe(toSecond(event.dateFrom));
      expect(Date.parse(row.ends_at!)).toBe(toSecond(event.dateTo));
    }
    const drive = result.csv('drive').rows;
    expect(drive.map((r) => Number(r.storage_id))).toEqual(e.storages.map((s) => s.id));
    expect(drive[0]?.link).toContain(`/company/personal/user/${subject}/disk/`);
  });

  it("has this system's own records of the subject, and never a hash", () => {
    expect(result.csv('rights').rows).toEqual([
      expect.objectContaining({ can_anonymise: 'yes', can_erase: 'no', set_by: '1' }),
    ]);
    expect(sorted(result.csv('requests').rows.map((r) => r.request_id))).toEqual(sorted(seeded.requestIds));
    const signIns = result.csv('sign-ins').rows;
    expect(signIns).toHaveLength(seeded.codeCount);
    expect(signIns.filter((r) => r.used_at !== '')).toHaveLength(1);
    expect(signIns.filter((r) => r.blocked_at !== '')).toHaveLength(1);
    const tokens = result.csv('api-tokens').rows;
    expect(sorted(tokens.map((r) => r.token_id))).toEqual(sorted(seeded.tokenIds));
    expect(tokens.find((r) => r.label?.includes('calc'))?.label).toBe("'=cmd|calc");
    const everything = Buffer.concat([...result.files.values()]).toString('utf8');
    for (const hash of [...seeded.tokenHashes, ...seeded.codeHashes]) expect(everything).not.toContain(hash);
  });

  it('describes every file in manifest.json with the hash and row count of the bytes in the archive', () => {
    const manifest = JSON.parse(result.files.get('manifest.json')!.toString('utf8'));
    expect(manifest).toEqual(JSON.parse(JSON.stringify(result.manifest)));
    expect(manifest).toMatchObject({ portal: fixture.portal.domain, subject: { userId: subject } });
    // With the subject's credentials the only gap is the one the export always declares.
    expect(manifest.notAccessible).toEqual([
      expect.objectContaining({ category: 'drive', code: 'NOT_LISTED' }),
    ]);
    expect(manifest.categories.map((c: { name: string }) => c.name)).toEqual(
      EXPORT_CATEGORIES.map((c) => c.name),
    );
    for (const category of manifest.categories) {
      const bytes = result.files.get(category.file)!;
      expect(category.sha256).toBe(sha256(bytes));
      expect(category.bytes).toBe(bytes.length);
      expect(category.rows).toBe(readCsv(bytes).rows.length);
    }
    const readme = result.files.get('README.txt')!;
    expect(manifest.files).toEqual([{ file: 'README.txt', bytes: readme.length, sha256: sha256(readme) }]);
    expect(Date.parse(manifest.generatedAt)).toBeLessThanOrEqual(Date.now());
    expect(manifest.period.to >= manifest.generatedAt).toBe(true);
  });

  it('explains each file and each column in README.txt', () => {
    const readme = result.files.get('README.txt')!.toString('utf8');
    for (const category of EXPORT_CATEGORIES) {
      expect(readme).toContain(`${category.name}.csv - ${category.title}`);
      for (const column of category.columns) expect(readme).toContain(`${column.name}: `);
    }
  });

  it('reports progress per category, ending with its row count', () => {
    for (const category of result.manifest.categories) {
      const last = result.progress.filter((p) => p.category === category.name).at(-1);
      expect(last).toEqual({ category: category.name, rows: category.rows });
    }
  });
});
