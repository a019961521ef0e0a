import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXPORT_CATEGORIES } from '../../../src/modules/dsr/export/index.ts';
import { busiestDemoSubject, expectedFor, sorted } from './support/expected.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';
import { portalChecks } from './support/portal-checks.ts';
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
    portalChecks.posts(result, fixture.portal.state, subject);
    portalChecks.comments(result, fixture.portal.state, subject);
  });

  it("has the subject's chats and exactly the messages they wrote in them", () => {
    portalChecks.chats(result, fixture.portal.state, subject);
  });

  it('has each task the subject created or is responsible for once, with their role', () => {
    portalChecks.tasks(result, fixture.portal.state, subject);
  });

  it('has the tasks of others the subject observes and the meetings they were invited to', () => {
    const e = expectedFor(fixture.portal.state, subject);
    expect(e.participation.length + e.invitations.length).toBeGreaterThan(0);
    portalChecks.taskParticipation(result, fixture.portal.state, subject);
    portalChecks.calendarAttendance(result, fixture.portal.state, subject);
  });

  it('has the calendar events and the Drive storage of the subject', () => {
    portalChecks.calendar(result, fixture.portal.state, subject);
    portalChecks.drive(result, fixture.portal.state, subject);
  });

  it("has this system's own records of the subject, and never a hash", () => {
    expect(result.csv('rights').rows).toEqual([
      expect.objectContaining({ can_anonymise: 'yes', can_erase: 'no', set_by: '1' }),
    ]);
    expect(sorted(result.csv('requests').rows.map((r) => r.request_id))).toEqual(sorted(seeded.requestIds));
    expect(result.csv('auditor-role').rows).toEqual([
      expect.objectContaining({ granted_by: '1', revoked_by: '2' }),
    ]);
    expect(result.csv('dismissal').rows).toHaveLength(1);
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
