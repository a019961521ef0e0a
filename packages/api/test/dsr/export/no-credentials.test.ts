import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { busiestDemoSubject } from './support/expected.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';
import { portalChecks } from './support/portal-checks.ts';

let fixture: ExportFixture;
let subject: number;
let result: ExportResult;

beforeAll(async () => {
  fixture = await startExportFixture();
  subject = busiestDemoSubject(fixture.portal.state);
  fixture.portal.counters.reset();
  result = await runExport(fixture, subject, { withSubjectCredentials: false });
});
afterAll(() => fixture?.close());

describe("export without the subject's own credentials", () => {
  it('lists chats and chat messages as not accessible, with the reason', () => {
    const byCategory = new Map(result.manifest.notAccessible.map((entry) => [entry.category, entry]));
    for (const category of ['chats', 'chat-messages']) {
      expect(byCategory.get(category)).toMatchObject({ code: 'NO_SUBJECT_CREDENTIALS', partial: false });
      expect(byCategory.get(category)?.reason).toMatch(/only to the people in the chat/);
    }
    const readme = result.files.get('README.txt')!.toString('utf8');
    expect(readme).toContain('WHAT COULD NOT BE READ');
    expect(readme).toContain('chat-messages.csv:');
  });

  it('still writes the chat files, with their header and no rows', () => {
    for (const name of ['chats', 'chat-messages']) {
      const csv = result.csv(name);
      expect(csv.header.length).toBeGreaterThan(0);
      expect(csv.rows).toEqual([]);
    }
  });

  it('never asks the messenger as anyone else', () => {
    const { calls } = fixture.portal.counters.snapshot();
    expect(Object.keys(calls).filter((method) => method.startsWith('im.'))).toEqual([]);
  });

  it('exports everything else, and says posts were read with administrator rights', () => {
    portalChecks.tasks(result, fixture.portal.state, subject);
    portalChecks.calendar(result, fixture.portal.state, subject);
    portalChecks.drive(result, fixture.portal.state, subject);
    expect(result.csv('profile').rows.length).toBeGreaterThan(50);
    // The administrator sees the posts to everyone; posts to selected people may be missing, and the manifest says so.
    const posts = result.csv('posts').rows;
    expect(posts.length).toBeGreaterThan(0);
    expect(result.manifest.notAccessible).toContainEqual(
      expect.objectContaining({ category: 'posts', code: 'READ_AS_ADMINISTRATOR', partial: true }),
    );
    for (const row of posts) {
      const post = fixture.portal.state.posts.get(Number(row.post_id));
      expect(post?.authorId).toBe(subject);
    }
  });
});
