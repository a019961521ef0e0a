import type { PgBoss } from 'pg-boss';
import type { AppServices } from '../../app-services.ts';
import { JOBS } from '../../jobs/job-names.ts';
import { BossReportMailQueue } from '../../jobs/report-mail-queue.ts';
import { sweepOpenMailings } from './report-mail-sweep.ts';
import type { WeeklyReportSettings } from './report-settings.ts';

/** pg-boss cron for the configured day (ISO 1–7), time and time zone; rescheduling replaces the old one. */
export function cronOf(settings: Pick<WeeklyReportSettings, 'dayOfWeek' | 'time'>): string {
  const [hour, minute] = settings.time.split(':').map(Number);
  return `${minute} ${hour} * * ${settings.dayOfWeek % 7}`;
}

/** How often a running worker looks for mailings nobody is working on (a stale SENDING waits 15 minutes). */
export const MAIL_SWEEP_CRON = '*/5 * * * *';

export async function scheduleWeeklyReports(boss: PgBoss, settings: WeeklyReportSettings): Promise<void> {
  await boss.schedule(JOBS.weeklyReport, cronOf(settings), {}, { tz: settings.timeZone });
}

/**
 * The workers and the schedules (after checking the signing key is there); picks up mailings a stopped
 * process left open, at start and every few minutes.
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
  const sweep = async () => {
    const swept = services.orm.em.fork();
    const { weeklyReports } = (await services.settings.get(swept)).settings;
    const queued = await sweepOpenMailings(swept, mailQueue, weeklyReports);
    if (queued.length > 0) services.logger.info({ reportIds: queued }, 'open weekly report mailings queued');
  };
  await boss.work(JOBS.sweepReportMails, sweep);
  await sweep();
  // Also under tests: it touches only mailings left open for minutes, which no other test leaves.
  await boss.schedule(JOBS.sweepReportMails, MAIL_SWEEP_CRON, {}, { tz: 'UTC' });
  // Not under tests: a run at Monday 00:00 would add events to the counts other tests assert. Changing the
  // settings schedules it everywhere.
  if (services.config.NODE_ENV === 'test') return;
  const { settings } = await services.settings.get(em);
  await scheduleWeeklyReports(boss, settings.weeklyReports);
}
