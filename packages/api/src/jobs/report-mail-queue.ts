import type { PgBoss } from 'pg-boss';
import type { MailPolicy, MailSweepQueue } from '../modules/reports/report-mail.ts';
import { JOBS } from './job-names.ts';

/** Longest wait between two attempts, however many the settings allow. */
const MAX_DELAY_SECONDS = 6 * 3600;

/**
 * At most one pick-up job (`now`) per report in this many seconds, whoever sends it: sweeps and worker
 * starts in several processes at once would otherwise each add one. On our `standard` queue a singleton key
 * alone deduplicates nothing (pg-boss enforces keys only on short/singleton/stately/exclusive queues, or
 * per throttle slot with `singletonSeconds`), hence the slot. Retries after a failure are never throttled:
 * dropping one would end the mailing.
 */
const PICK_UP_SLOT_SECONDS = 60;

/** Job states in which a mailing job will still run, or runs now. */
const LIVE_STATES = new Set(['created', 'retry', 'active']);

/**
 * A mailing that failed is retried as a pg-boss job: first after `mailRetrySeconds`, then with exponential
 * backoff. The report's own attempt count decides when it is over (ReportMailer); pg-boss only spaces them.
 */
export class BossReportMailQueue implements MailSweepQueue {
  readonly #boss: PgBoss;

  constructor(boss: PgBoss) {
    this.#boss = boss;
  }

  async enqueue(reportId: string, policy: MailPolicy, options: { now?: boolean } = {}): Promise<void> {
    await this.#boss.send(
      JOBS.mailWeeklyReport,
      { reportId },
      {
        singletonKey: reportId,
        ...(options.now
          ? { startAfter: 0, singletonSeconds: PICK_UP_SLOT_SECONDS }
          : { startAfter: policy.mailRetrySeconds }),
        retryLimit: policy.mailAttempts,
        retryDelay: policy.mailRetrySeconds,
        retryBackoff: true,
        retryDelayMax: MAX_DELAY_SECONDS,
        expireInSeconds: 600,
      },
    );
  }

  async hasJob(reportId: string): Promise<boolean> {
    // By payload, not by key: jobs queued before the key was set have none.
    const jobs = await this.#boss.findJobs(JOBS.mailWeeklyReport, { data: { reportId } });
    return jobs.some((job) => LIVE_STATES.has(job.state));
  }
}
