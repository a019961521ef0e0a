import type { PgBoss } from 'pg-boss';
import type { AppServices } from '../../app-services.ts';
import { JOBS } from '../../jobs/job-names.ts';
import type { WeeklyReportSettings } from './report-settings.ts';

/** pg-boss cron for the configured day (ISO 1–7), time and time zone; rescheduling replaces the old one. */
export function cronOf(settings: Pick<WeeklyReportSettings, 'dayOfWeek' | 'time'>): string {
  const [hour, minute] = settings.time.split(':').map(Number);
  return `${minute} ${hour} * * ${settings.dayOfWeek % 7}`;
}

export async function scheduleWeeklyReports(boss: PgBoss, settings: WeeklyReportSettings): Promise<void> {
  await boss.schedule(JOBS.weeklyReport, cronOf(settings), {}, { tz: settings.timeZone });
}

/** The worker and the schedule; also makes the signing key on first start. */
export async function startReportJobs(services: AppServices, boss: PgBoss): Promise<void> {
  await services.reports.signingKey(services.orm.em.fork());
  await boss.work(JOBS.weeklyReport, async () => {
    const outcome = await services.reports.runScheduled(services.orm.em.fork());
    services.logger.info(
      {
        week: outcome.report.week,
        created: outcome.created,
        mailed: outcome.mailed,
        mailError: outcome.mailError,
      },
      'weekly report',
    );
    // The SMTP server failed: the file is stored; the retry (pg-boss backoff) mails it again.
    if (outcome.mailError?.startsWith('SMTP:'))
      throw new Error(`weekly report not mailed: ${outcome.mailError}`);
  });
  // Not under tests: a run at Monday 00:00 would add events to the counts other tests assert. Changing the
  // settings schedules it everywhere.
  if (services.config.NODE_ENV === 'test') return;
  const { settings } = await services.settings.get(services.orm.em.fork());
  await scheduleWeeklyReports(boss, settings.weeklyReports);
}
