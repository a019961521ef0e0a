import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../../config/logger.ts';
import { sql } from '../audit/audit-sql.ts';
import type { WeeklyReportSettings } from './report-settings.ts';
import { sendReportMail, smtpErrorText } from './smtp-send.ts';
import { type MailStatus, WeeklyReport } from './weekly-report.entity.ts';

/** Retries of a mailing, as pg-boss jobs with backoff (`jobs/report-mail-queue.ts`). */
export interface MailRetryQueue {
  /** `now`: at once (a mailing left open by a stopped process), else after the first retry delay. */
  enqueue(reportId: string, policy: MailPolicy, options?: { now?: boolean }): Promise<void>;
}

/** The queue as the mail sweep uses it (`report-mail-sweep.ts`). */
export interface MailSweepQueue extends MailRetryQueue {
  /** Whether a job for this report is waiting or running. */
  hasJob(reportId: string): Promise<boolean>;
}

export type MailPolicy = Pick<WeeklyReportSettings, 'mailAttempts' | 'mailRetrySeconds'>;

export interface MailerDependencies {
  smtpUrl: string | undefined;
  from: string;
  logger: Logger;
}

/** An attempt that has not finished within this time is taken to have died with its process. */
export const STALE_SENDING = "interval '15 minutes'";

/** A mailing an attempt may take: waiting (PENDING), or SENDING by a process that died. */
const CLAIMABLE = `(mail_status = 'PENDING' or (mail_status = 'SENDING' and updated_at < now() - ${STALE_SENDING}))`;

/**
 * One mailing attempt of a stored file, recorded on the report. An attempt is claimed with one conditional
 * UPDATE (status PENDING, or a SENDING whose process died, and attempts left), so two workers never mail
 * the same file at once and a round never makes more than `mailAttempts` attempts.
 */
export class ReportMailer {
  readonly #deps: MailerDependencies;

  constructor(deps: MailerDependencies) {
    this.#deps = deps;
  }

  /**
   * Tries once. Resolves to the status afterwards: SENT, PENDING (failed, attempts left: retry later),
   * FAILED (that was the last attempt), SKIPPED (nothing to try), or the status another attempt holds.
   */
  async attempt(
    em: EntityManager,
    reportId: string,
    file: (report: WeeklyReport) => string,
    settings: WeeklyReportSettings,
  ): Promise<MailStatus> {
    const skipped = !this.#deps.smtpUrl
      ? 'SMTP is not configured (SMTP_URL).'
      : settings.recipients.length === 0
        ? 'No recipients are configured.'
        : null;
    const [claimed] = await sql<{ mail_attempts: number }>(
      em,
      `update weekly_report set mail_status = ?, mail_attempts = mail_attempts + ?, mail_error = ?,
              updated_at = now()
        where id = ? and mail_attempts < ?
          and ${CLAIMABLE}
        returning mail_attempts`,
      [skipped ? 'SKIPPED' : 'SENDING', skipped ? 0 : 1, skipped, reportId, settings.mailAttempts],
    );
    if (!claimed && (await this.#endIfNoAttemptsLeft(em, reportId, settings.mailAttempts))) return 'FAILED';
    const report = await em.fork().findOneOrFail(WeeklyReport, { id: reportId });
    if (!claimed || skipped) return report.mailStatus;

    const attempts = Number(claimed.mail_attempts);
    try {
      await sendReportMail(this.#deps.smtpUrl!, this.#deps.from, settings.recipients, report, file(report));
      await this.#record(em, reportId, 'SENT', null, settings.recipients);
      return 'SENT';
    } catch (error) {
      const text = smtpErrorText(error, this.#deps.smtpUrl!);
      const status = attempts >= settings.mailAttempts ? 'FAILED' : 'PENDING';
      // The text only: the error object may carry the transport's options.
      this.#deps.logger.warn(
        { week: report.week, attempt: attempts, of: settings.mailAttempts, error: text },
        status === 'FAILED' ? 'weekly report not mailed; no attempts left' : 'weekly report not mailed yet',
      );
      await this.#record(em, reportId, status, text, null);
      return status;
    }
  }

  /**
   * A mailing that could be claimed but for its attempt count is over: the attempts were lowered in the
   * settings after the round began, or its last attempt died with its process (SENDING, stale). Without
   * this the file would stay open, and the mail sweep would queue it again and again.
   */
  async #endIfNoAttemptsLeft(em: EntityManager, reportId: string, maxAttempts: number): Promise<boolean> {
    const ended = await sql(
      em,
      `update weekly_report set mail_status = 'FAILED', updated_at = now(), mail_error = coalesce(mail_error, ?)
        where id = ? and mail_attempts >= ?
          and ${CLAIMABLE}
        returning id`,
      ['The last attempt did not finish (its process stopped); no attempts left.', reportId, maxAttempts],
    );
    return ended.length > 0;
  }

  async #record(
    em: EntityManager,
    reportId: string,
    status: MailStatus,
    error: string | null,
    recipients: string[] | null,
  ): Promise<void> {
    await sql(
      em,
      `update weekly_report set mail_status = ?, mail_error = ?, updated_at = now(),
              mailed_at = case when ? then now() else mailed_at end,
              recipients = coalesce(?::jsonb, recipients)
        where id = ?`,
      [status, error, status === 'SENT', recipients ? JSON.stringify(recipients) : null, reportId],
    );
  }
}
