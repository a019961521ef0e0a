import type { PortalState } from '@b24-gdpr/sandbox';
import { expect } from 'vitest';
import { expectedFor, siteDateMs, sorted, toSecond } from './expected.ts';
import type { ExportResult } from './export-fixture.ts';

/** Portal text as a CSV cell should hold it: formula starters get a leading quote. */
export function cell(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** Each check compares one CSV with the sandbox's model: same ids (nothing missing, nothing of others), texts, dates. */
export const portalChecks = {
  posts(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    const rows = result.csv('posts').rows;
    expect(sorted(rows.map((r) => Number(r.post_id)))).toEqual(sorted(e.posts.map((p) => p.id)));
    for (const row of rows) {
      const post = e.posts.find((p) => p.id === Number(row.post_id))!;
      expect(row.text).toBe(cell(post.text));
      expect(row.title).toBe(cell(post.title));
      expect(siteDateMs(row.published_at!)).toBe(toSecond(post.datePublish));
    }
  },

  comments(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    const rows = result.csv('comments').rows;
    expect(sorted(rows.map((r) => Number(r.comment_id)))).toEqual(sorted(e.comments.map((c) => c.id)));
    for (const row of rows) {
      const comment = e.comments.find((c) => c.id === Number(row.comment_id))!;
      expect(row.text).toBe(cell(comment.text));
      expect(Date.parse(row.written_at!)).toBe(toSecond(comment.date));
      expect(Number(row.feed_entry_id)).toBe(comment.logId);
    }
  },

  chats(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    expect(sorted(result.csv('chats').rows.map((r) => Number(r.chat_id)))).toEqual(
      sorted(e.chats.map((c) => c.id)),
    );
    const rows = result.csv('chat-messages').rows;
    expect(sorted(rows.map((r) => Number(r.message_id)))).toEqual(sorted(e.messages.map((m) => m.id)));
    for (const row of rows) {
      const message = e.messages.find((m) => m.id === Number(row.message_id))!;
      expect(row.text).toBe(cell(message.text));
      expect(Number(row.chat_id)).toBe(message.chatId);
      expect(Date.parse(row.sent_at!)).toBe(toSecond(message.date));
      expect(row.deleted).toBe(message.deleted ? 'yes' : 'no');
    }
  },

  tasks(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    const rows = result.csv('tasks').rows;
    expect(sorted(rows.map((r) => Number(r.task_id)))).toEqual(sorted(e.tasks.map((t) => t.id)));
    for (const row of rows) {
      const task = e.tasks.find((t) => t.id === Number(row.task_id))!;
      const roles = [
        task.createdBy === subject && 'creator',
        task.responsibleId === subject && 'responsible',
      ];
      expect(row.your_role).toBe(roles.filter(Boolean).join('; '));
      expect(row.title).toBe(cell(task.title));
      expect(row.description).toBe(cell(task.description));
      expect(Date.parse(row.created_at!)).toBe(toSecond(task.createdDate));
    }
  },

  calendar(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    const rows = result.csv('calendar').rows;
    expect(sorted(rows.map((r) => Number(r.event_id)))).toEqual(sorted(e.events.map((x) => x.id)));
    for (const row of rows) {
      const event = e.events.find((x) => x.id === Number(row.event_id))!;
      expect(row.name).toBe(cell(event.name));
      expect(Date.parse(row.starts_at!)).toBe(toSecond(event.dateFrom));
      expect(Date.parse(row.ends_at!)).toBe(toSecond(event.dateTo));
    }
  },

  taskParticipation(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    const rows = result.csv('task-participation').rows;
    expect(sorted(rows.map((r) => Number(r.task_id)))).toEqual(sorted(e.participation.map((t) => t.id)));
    for (const row of rows) {
      const task = e.participation.find((t) => t.id === Number(row.task_id))!;
      const roles = [
        task.auditors.includes(subject) && 'observer',
        task.accomplices.includes(subject) && 'participant',
      ];
      expect(row.your_role).toBe(roles.filter(Boolean).join('; '));
      expect(row.title).toBe(cell(task.title));
      expect([row.created_by, row.responsible_id]).toEqual([
        String(task.createdBy),
        String(task.responsibleId),
      ]);
      expect(row).not.toHaveProperty('description');
    }
  },

  calendarAttendance(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    const rows = result.csv('calendar-attendance').rows;
    expect(sorted(rows.map((r) => Number(r.event_id)))).toEqual(sorted(e.invitations.map((x) => x.id)));
    const answers: Record<string, string> = { Y: 'accepted', N: 'declined', Q: 'not answered' };
    for (const row of rows) {
      const event = e.invitations.find((x) => x.id === Number(row.event_id))!;
      expect(row.name).toBe(cell(event.name));
      expect(Date.parse(row.starts_at!)).toBe(toSecond(event.dateFrom));
      expect(Date.parse(row.ends_at!)).toBe(toSecond(event.dateTo));
      expect(row.organiser_id).toBe(String(event.createdBy));
      expect(row.your_answer).toBe(answers[event.answers?.[subject] ?? 'Y']);
      expect(Object.keys(row)).not.toContain('description');
    }
  },

  drive(result: ExportResult, state: PortalState, subject: number) {
    const e = expectedFor(state, subject);
    const rows = result.csv('drive').rows;
    expect(rows.map((r) => Number(r.storage_id))).toEqual(e.storages.map((s) => s.id));
    for (const row of rows) expect(row.link).toContain(`/company/personal/user/${subject}/disk/`);
  },
};

export function checkPortalCategories(result: ExportResult, state: PortalState, subject: number): void {
  for (const check of Object.values(portalChecks)) check(result, state, subject);
}
