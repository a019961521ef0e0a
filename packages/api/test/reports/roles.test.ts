import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../src/jobs/job-names.ts';
import { formatIsoWeek, previousIsoWeek, weekBefore } from '../../src/modules/reports/iso-week.ts';
import { WeeklyReport } from '../../src/modules/reports/weekly-report.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';
import { readZip } from '../support/zip.ts';

const LIST = `{ weeklyReports(first: 10) {
  ... on QueryWeeklyReportsConnection { edges { node { id week eventCount downloadPath mailStatus mailAttempts mailedAt mailError } } }
} }`;
const READ_SETTINGS = '{ weeklyReportSettings { recipients dayOfWeek time timeZone } }';
const UPDATE = `mutation ($input: WeeklyReportSettingsInput!) {
  updateWeeklyReportSettings(input: $input) {
    __typename
    ... on WeeklyReportSettings { recipients dayOfWeek time timeZone }
    ... on InvalidInputError { field message }
  }
}`;

describe('weekly reports: who may list, download and configure them', { timeout: 120_000 }, () => {
  let api: TestApi;
  let admin: string;
  let auditor: string;
  let employee: string;
  let reportId: string;

  beforeAll(async () => {
    api = await startTestApi(); // no SMTP_URL
    admin = await api.tokenFor(1);
    const grant = await api.gql('mutation { grantAuditor(userId: 3) { __typename } }', {}, { token: admin });
    expect(grant.errors).toBeUndefined();
    auditor = await api.tokenFor(3);
    employee = await api.tokenFor(4);
    // Two weeks back: the scheduled job (last test) then makes the week after it, the newest in the chain.
    const outcome = await api.services.reports.generate(
      api.services.orm.em.fork(),
      formatIsoWeek(weekBefore(previousIsoWeek(new Date()))),
    );
    reportId = outcome.report.id;
  });
  afterAll(() => api?.close());

  it('stores the file but says it was not mailed when SMTP is not configured', async () => {
    const list = await api.gql(LIST, {}, { token: admin });
    expect(list.errors).toBeUndefined();
    expect(list.data?.weeklyReports.edges[0].node).toMatchObject({
      id: reportId,
      mailStatus: 'SKIPPED',
      mailAttempts: 0,
      mailedAt: null,
      mailError: 'SMTP is not configured (SMTP_URL).',
      downloadPath: `/audit/reports/${reportId}/download`,
    });
  });

  it('weeklyReports: employee refused, auditor and admin allowed', async () => {
    const refused = await api.gql(LIST, {}, { token: employee });
    expect(refused.data?.weeklyReports ?? null).toBeNull();
    expect(refused.errors?.length).toBeGreaterThan(0);
    const anonymous = await api.gql(LIST);
    expect(anonymous.errors?.length).toBeGreaterThan(0);
    for (const token of [auditor, admin]) {
      const ok = await api.gql(LIST, {}, { token });
      expect(ok.errors).toBeUndefined();
      expect(ok.data?.weeklyReports.edges).toHaveLength(1);
    }
  });

  it('download: 401 without a token, 403 for an employee, the ZIP for auditors and admins', async () => {
    const url = `/audit/reports/${reportId}/download`;
    expect((await api.fetch(url)).status).toBe(401);
    const refused = await api.fetch(url, { headers: { authorization: `Bearer ${employee}` } });
    expect(refused.status).toBe(403);
    for (const token of [auditor, admin]) {
      const response = await api.fetch(url, { headers: { authorization: `Bearer ${token}` } });
      expect(response.status).toBe(200);
      expect(response.headers.get('content-type')).toBe('application/zip');
      const files = await readZip(Buffer.from(await response.arrayBuffer()));
      expect(files.has('digest.json')).toBe(true);
    }
    const missing = await api.fetch('/audit/reports/00000000-0000-7000-8000-000000000000/download', {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(missing.status).toBe(404);
  });

  it('settings: employee refused; auditor and admin read and change them; bad values are refused', async () => {
    expect((await api.gql(READ_SETTINGS, {}, { token: employee })).errors?.length).toBeGreaterThan(0);
    const employeeUpdate = await api.gql(UPDATE, { input: { dayOfWeek: 2 } }, { token: employee });
    expect(employeeUpdate.errors?.length).toBeGreaterThan(0);

    const read = await api.gql(READ_SETTINGS, {}, { token: auditor });
    expect(read.data?.weeklyReportSettings).toEqual({
      recipients: [],
      dayOfWeek: 1,
      time: '00:00',
      timeZone: 'UTC',
    });
    const byAuditor = await api.gql(UPDATE, { input: { recipients: ['a@example.com'] } }, { token: auditor });
    expect(byAuditor.data?.updateWeeklyReportSettings).toMatchObject({ recipients: ['a@example.com'] });
    const byAdmin = await api.gql(
      UPDATE,
      { input: { dayOfWeek: 7, time: '06:30', timeZone: 'Europe/Berlin' } },
      { token: admin },
    );
    expect(byAdmin.data?.updateWeeklyReportSettings).toEqual({
      __typename: 'WeeklyReportSettings',
      recipients: ['a@example.com'],
      dayOfWeek: 7,
      time: '06:30',
      timeZone: 'Europe/Berlin',
    });
    // The schedule follows the settings: Sunday 06:30 Berlin time.
    const schedules = await api.services.boss.getSchedules();
    expect(schedules.find((s) => s.name === 'reports.weekly')).toMatchObject({
      cron: '30 6 * * 0',
      options: expect.objectContaining({ tz: 'Europe/Berlin' }),
    });

    for (const [input, field] of [
      [{ recipients: ['not-an-address'] }, 'weeklyReports.recipients.0'],
      [{ timeZone: 'Mars/Olympus' }, 'weeklyReports.timeZone'],
      [{ time: '25:00' }, 'weeklyReports.time'],
      [{ dayOfWeek: 0 }, 'weeklyReports.dayOfWeek'],
      [{ mailAttempts: 0 }, 'weeklyReports.mailAttempts'],
      [{ mailRetrySeconds: 0 }, 'weeklyReports.mailRetrySeconds'],
    ] as const) {
      const bad = await api.gql(UPDATE, { input }, { token: admin });
      expect(bad.data?.updateWeeklyReportSettings).toMatchObject({ __typename: 'InvalidInputError', field });
    }
  });

  it('the scheduled job makes the past week’s file', async () => {
    const week = formatIsoWeek(previousIsoWeek(new Date()));
    await api.services.boss.send(JOBS.weeklyReport, {});
    // The file is stored first and its mailing decided after: wait for the outcome, not just the row.
    const report = await eventually(
      async () => {
        const stored = await api.services.orm.em.fork().findOne(WeeklyReport, { week });
        return stored && !['PENDING', 'SENDING'].includes(stored.mailStatus) ? stored : undefined;
      },
      'the scheduled report and its mail outcome',
      200,
    );
    expect(report).toMatchObject({
      mailStatus: 'SKIPPED',
      mailError: 'SMTP is not configured (SMTP_URL).',
      previousDigestHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
  });
});
