import type { PgBoss } from 'pg-boss';
import type { AppServices } from '../../app-services.ts';
import { JOBS } from '../../jobs/job-names.ts';
import { BossReportMailQueue } from '../../jobs/report-mail-queue.ts';
import { openMailings } from './report-mail.ts';
import type { WeeklyReportSettings } from './report-settings.ts';

/** pg-boss cron for the configured day (ISO 1–7), time and time zone; rescheduling replaces the old one. */
export function cronOf(settings: Pick<WeeklyReportSettings, 'dayOfWeek' | 'time'>): string {
  const [hour, minute] = settings.time.split(':').map(Number);
  return `${minute} ${hour} * * ${settings.dayOfWeek % 7}`;
}

export async function scheduleWeeklyReports(boss: PgBoss, settings: WeeklyReportSettings): Promise<void> {
  await boss.schedule(JOBS.weeklyReport, cronOf(settings), {}, { tz: settings.timeZone });
}

/**
 * The workers and the schedule; also makes the signing key on first start, and picks up mailings a stopped
 * process left open.
 */
export async function startReportJobs(services: AppServices, boss: PgBoss): Promise<void> {
  const em = services.orm.em.fork();
  await services.reports.signingKey(em);
  const mailQueue = new BossReportMailQueue(boss);
  services.reports.retryMailsWith(mailQueue);
  await boss.work(JOBS.weeklyReport, async () => {
    const outcome = await services.reports.runScheduled(services.orm.em.fork());
    services.logger.info(
      {
        week: outcome.report.week,
        created: outcome.created,
        mailStatus: outcome.report.mailStatus,
        mailError: outcome.mailError,
      },
      'weekly report',
    );
  });
  await boss.work<{ reportId: string }>(
    JOBS.mailWeeklyReport,
    { batchSize: 1, pollingIntervalSeconds: 1 },
    async ([job]) => {
      if (!job) return;
      const status = await services.reports.retryMail(services.orm.em.fork(), job.data.reportId);
      // A throw hands the job back to pg-boss, which runs it again after its backoff delay.
      if (status === 'PENDING') throw new Error('weekly report not mailed yet; retried with backoff');
    },
  );
  const { settings } = await services.settings.get(em);
  for (const id of await openMailings(em)) await mailQueue.enqueue(id, settings.weeklyReports, { now: true });
  // Not under tests: a run at Monday 00:00 would add events to the counts other tests assert. Changing the
  // settings schedules it everywhere.
  if (services.config.NODE_ENV === 'test') return;
  await scheduleWeeklyReports(boss, settings.weeklyReports);
}
