import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectedFor } from './support/expected.ts';
import {
  type ExportFixture,
  type ExportResult,
  runExport,
  startExportFixture,
} from './support/export-fixture.ts';
import { portalChecks } from './support/portal-checks.ts';

let fixture: ExportFixture;
let result: ExportResult;
let subject: number;
const SECRET = 'the organiser wrote this';

beforeAll(async () => {
  fixture = await startExportFixture({ sandbox: { dataset: 'empty' } });
  const { seed } = fixture.portal;
  subject = seed.user({ NAME: 'Subject' }).ID;
  const boss = seed.user({ NAME: 'Boss' }).ID;
  const peer = seed.user({ NAME: 'Peer' }).ID;
  const task = (title: string, extra: Parameters<typeof seed.task>[3]) =>
    seed.task(title, peer, boss, { description: SECRET, ...extra });
  task('observed', { auditors: [subject] });
  task('helped with', { accomplices: [subject, peer] });
  task('observed and helped with', { auditors: [subject], accomplices: [subject] });
  task('not theirs', { auditors: [peer] });
  seed.task('their own, observed too', subject, boss, { auditors: [subject] });
  const meeting = (name: string, attendees: number[], answers?: Record<number, 'Y' | 'N' | 'Q'>) =>
    seed.calendarEvent(boss, name, {
      description: SECRET,
      location: SECRET,
      attendees,
      ...(answers ? { answers } : {}),
    });
  meeting('appraisal of Subject', [boss, subject]);
  meeting('declined', [boss, subject, peer], { [subject]: 'N' });
  meeting('not answered', [boss, subject], { [subject]: 'Q' });
  meeting('without the subject', [boss, peer]);
  seed.calendarEvent(subject, 'their own meeting', { attendees: [subject, boss], description: 'mine' });
  result = await runExport(fixture, subject);
});
afterAll(() => fixture?.close());

describe("the subject's participation in others' tasks and meetings", () => {
  it('lists each task they observe or help with once, with their role, and not the ones in tasks.csv', () => {
    const e = expectedFor(fixture.portal.state, subject);
    expect(e.participation).toHaveLength(3);
    portalChecks.taskParticipation(result, fixture.portal.state, subject);
    portalChecks.tasks(result, fixture.portal.state, subject);
    expect(
      result
        .csv('task-participation')
        .rows.map((r) => r.your_role)
        .sort(),
    ).toEqual(['observer', 'observer; participant', 'participant']);
  });

  it('lists the meetings others invited them to with their answer, apart from their own events', () => {
    const e = expectedFor(fixture.portal.state, subject);
    expect(e.invitations).toHaveLength(3);
    portalChecks.calendarAttendance(result, fixture.portal.state, subject);
    portalChecks.calendar(result, fixture.portal.state, subject);
    const answers = new Map(result.csv('calendar-attendance').rows.map((r) => [r.name, r.your_answer]));
    expect(Object.fromEntries(answers)).toEqual({
      'appraisal of Subject': 'accepted',
      declined: 'declined',
      'not answered': 'not answered',
    });
    expect(result.csv('calendar').rows.map((r) => r.name)).toEqual(['their own meeting']);
  });

  it("holds none of the organisers' descriptions or locations", () => {
    const everything = Buffer.concat([...result.files.values()]).toString('utf8');
    expect(everything).not.toContain(SECRET);
  });
});
