import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JOBS } from '../../src/jobs/job-names.ts';
import { BossReportMailQueue } from '../../src/jobs/report-mail-queue.ts';
import { sql } from '../../src/modules/audit/audit-sql.ts';
import {
  formatIsoWeek,
  type IsoWeek,
  isoWeekOfDate,
  weekBefore,
} from '../../src/modules/reports/iso-week.ts';
import { MAIL_SWEEP_CRON } from '../../src/modules/reports/report-jobs.ts';
import { sweepOpenMailings } from '../../src/modules/reports/report-mail-sweep.ts';
import { ReportsService } from '../../src/modules/reports/reports.service.ts';
import { WeeklyReport } from '../../src/modules/reports/weekly-report.entity.ts';
import { eventually, startTestApi, type TestApi } from '../support/api.ts';
import { startSmtp } from './support.ts';

const SETTINGS = `mutation ($input: WeeklyReportSettingsInput!) {
  updateWeeklyReportSettings(input: $input) { __typename }
}`;
const POLICY = { mailAttempts: 3, mailRetrySeconds: 3600 };

/** Polls a bounded number of times (each 50 ms apart) until `check` holds. */
const until = (check: () => Promise<boolean>, what: string, tries = 400) =>
  eventually(async () => ((await check()) ? true : undefined), what, tries);

describe('weekly reports: a running worker picks up mailings left open', { timeout: 120_000 }, () => {
  let api: TestApi;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  // Oldest first: the chain of digests takes weeks in order.
  const weeks: string[] = [];
  let week: IsoWeek = isoWeekOfDate(new Date());
  for (let i = 0; i < 5; i++) {
    week = weekBefore(week);
    weeks.unshift(formatIsoWeek(week));
  }
  const [staleSending, freshSending, lastAttemptDied, pendingWithoutJob, pendingInBackoff] = weeks as [
    string,
    string,
    string,
    string,
    string,
  ];
  const ids = new Map<string, string>();

  const em = () => api.services.orm.em.fork();
  const stored = (w: string) => em().findOneOrFail(WeeklyReport, { week: w });
  const mailedWeeks = async () =>
    Promise.all(smtp.mails.map(async (m) => (await simpleParser(m.raw)).subject ?? ''));
  const mailJobs = async (w: string) =>
    api.services.boss.findJobs(JOBS.mailWeeklyReport, { data: { reportId: ids.get(w) } });
  /** Sets a report's mail state as a process would have left it, `ago` before now. */
  const leave = (w: string, status: 'PENDING' | 'SENDING', attempts: number, ago: string) =>
    sql(
      em(),
      `update weekly_report set mail_status = ?, mail_attempts = ?, mail_error = null, mailed_at = null,
              updated_at = now() - ?::interval
        where week = ?`,
      [status, attempts, ago, w],
    );
  const sweepJob = async () => {
    const id = await api.services.boss.send(JOBS.sweepReportMails, {});
    expect(id).toBeTruthy();
    await until(
      async () => (await api.services.boss.getJobById(JOBS.sweepReportMails, id!))?.state === 'completed',
      'the sweep job to complete',
    );
  };

  beforeAll(async () => {
    smtp = await startSmtp();
    api = await startTestApi({ env: { SMTP_URL: smtp.url, REPORT_FROM: 'audit@b24.test' } });
    const set = await api.gql(
      SETTINGS,
      { input: { recipients: ['dpo@example.com'], ...POLICY } },
      { token: await api.tokenFor(1) },
    );
    expect(set.data?.updateWeeklyReportSettings).toEqual({ __typename: 'WeeklyReportSettings' });
    // The files are made where SMTP is not configured (SKIPPED): no mail before the states below.
    const offline = new ReportsService({
      dataDir: api.services.config.DATA_DIR,
      smtpUrl: undefined,
      from: 'audit@b24.test',
      settings: api.services.settings,
      signing: api.services.signing,
      logger: api.services.logger,
    });
    for (const w of weeks) ids.set(w, (await offline.generate(em(), w)).report.id);
    expect(smtp.mails).toHaveLength(0);
  });
  afterAll(async () => {
    await api?.close();
    await smtp?.close();
  });

  it('is scheduled as a cron job of its own', async () => {
    const schedules = await api.services.boss.getSchedules(JOBS.sweepReportMails);
    expect(schedules.map((s) => [s.name, s.cron, s.timezone])).toEqual([
      [JOBS.sweepReportMails, MAIL_SWEEP_CRON, 'UTC'],
    ]);
  });

  it('mails a file whose sending process died exactly once, and leaves an attempt under way alone', async () => {
    // A crashed process left these (set by SQL, as it would have: its UPDATE claimed the file, then nothing).
    await leave(staleSending, 'SENDING', 1, '20 minutes');
    await leave(freshSending, 'SENDING', 1, '5 seconds');
    await leave(lastAttemptDied, 'SENDING', POLICY.mailAttempts, '20 minutes');
    // Failed, but its retry was never queued (the process stopped in between) …
    await leave(pendingWithoutJob, 'PENDING', 1, '5 minutes');
    // … and failed with its retry waiting in backoff, which a sweep must not bring forward.
    await leave(pendingInBackoff, 'PENDING', 1, '5 minutes');
    const queue = new BossReportMailQueue(api.services.boss);
    await queue.enqueue(ids.get(pendingInBackoff)!, POLICY);
    const backoffJobs = await mailJobs(pendingInBackoff);
    expect(backoffJobs.map((j) => j.state)).toEqual(['created']);

    // The cron's job, run by the API's worker, and a second process sweeping at the same moment.
    const [queued] = await Promise.all([sweepOpenMailings(em(), queue, POLICY), sweepJob()]);
    // Whichever sweep came second may find some already claimed; neither may take the other two.
    const weekOf = (id: string) => [...ids].find(([, reportId]) => reportId === id)?.[0];
    const openOnes = [staleSending, lastAttemptDied, pendingWithoutJob];
    expect(queued.map(weekOf).filter((w) => !openOnes.includes(w!))).toEqual([]);

    await until(
      async () =>
        (await stored(staleSending)).mailStatus === 'SENT' &&
        (await stored(pendingWithoutJob)).mailStatus === 'SENT',
      'both open mailings to be SENT',
    );
    expect(await stored(staleSending)).toMatchObject({
      mailStatus: 'SENT',
      mailAttempts: 2,
      mailError: null,
    });
    expect(await stored(pendingWithoutJob)).toMatchObject({ mailStatus: 'SENT', mailAttempts: 2 });
    await until(
      async () => (await stored(lastAttemptDied)).mailStatus === 'FAILED',
      'the mailing without attempts left to be FAILED',
    );
    expect((await stored(lastAttemptDied)).mailError).toMatch(/did not finish/);

    // Further sweeps, and time for any extra pick-up job to run: still one mail each.
    await sweepJob();
    await sweepJob();
    await until(
      async () =>
        (await Promise.all([staleSending, pendingWithoutJob].map(mailJobs)))
          .flat()
          .every((j) => j.state === 'completed'),
      'the pick-up jobs to finish',
    );
    const subjects = await mailedWeeks();
    for (const w of [staleSending, pendingWithoutJob])
      expect(
        subjects.filter((s) => s.includes(w)),
        w,
      ).toHaveLength(1);
    for (const w of [freshSending, lastAttemptDied, pendingInBackoff])
      expect(
        subjects.some((s) => s.includes(w)),
        w,
      ).toBe(false);
    expect(smtp.mails).toHaveLength(2);

    // The attempt under way keeps its file; the one in backoff keeps its one job and its attempt count.
    expect(await stored(freshSending)).toMatchObject({ mailStatus: 'SENDING', mailAttempts: 1 });
    expect(await stored(pendingInBackoff)).toMatchObject({ mailStatus: 'PENDING', mailAttempts: 1 });
    expect((await mailJobs(pendingInBackoff)).map((j) => [j.id, j.state])).toEqual([
      [backoffJobs[0]!.id, 'created'],
    ]);
  });
});
