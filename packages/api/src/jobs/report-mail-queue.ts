import type { PgBoss } from 'pg-boss';
import type { MailPolicy, MailRetryQueue } from '../modules/reports/report-mail.ts';
import { JOBS } from './job-names.ts';

/** Longest wait between two attempts, however many the settings allow. */
const MAX_DELAY_SECONDS = 6 * 3600;

/**
 * A mailing that failed is retried as a pg-boss job: first after `mailRetrySeconds`, then with exponential
 * backoff. The report's own attempt count decides when it is over (ReportMailer); pg-boss only spaces them.
 */
export class BossReportMailQueue implements MailRetryQueue {
  readonly #boss: PgBoss;

  constructor(boss: PgBoss) {
    this.#boss = boss;
  }

  async enqueue(reportId: string, policy: MailPolicy, options: { now?: boolean } = {}): Promise<void> {
    await this.#boss.send(
      JOBS.mailWeeklyReport,
      { reportId },
      {
        startAfter: options.now ? 0 : policy.mailRetrySeconds,
        retryLimit: policy.mailAttempts,
        retryDelay: policy.mailRetrySeconds,
        retryBackoff: true,
        retryDelayMax: MAX_DELAY_SECONDS,
        expireInSeconds: 600,
      },
    );
  }
}
