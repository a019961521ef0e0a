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

export type MailPolicy = Pick<WeeklyReportSettings, 'mailAttempts' | 'mailRetrySeconds'>;

export interface MailerDependencies {
  smtpUrl: string | undefined;
  from: string;
  logger: Logger;
}

/** An attempt that has not finished within this time is taken to have died with its process. */
const STALE_SENDING = "interval '15 minutes'";

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
          and (mail_status = 'PENDING' or (mail_status = 'SENDING' and updated_at < now() - ${STALE_SENDING}))
        returning mail_attempts`,
      [skipped ? 'SKIPPED' : 'SENDING', skipped ? 0 : 1, skipped, reportId, settings.mailAttempts],
    );
    const report = await em.fork().findOneOrFail(WeeklyReport, { id: reportId });
    if (!claimed && report.mailStatus === 'PENDING' && report.mailAttempts >= settings.mailAttempts) {
      // The attempts were lowered in the settings after this round began: it is over.
      await this.#record(em, reportId, 'FAILED', report.mailError ?? null, null);
      return 'FAILED';
    }
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

/** Files whose mailing is still open (also after a crash mid-attempt): a worker re-enqueues them at start. */
export async function openMailings(em: EntityManager): Promise<string[]> {
  const rows = await sql<{ id: string }>(
    em,
    `select id from weekly_report
      where mail_status = 'PENDING' or (mail_status = 'SENDING' and updated_at < now() - ${STALE_SENDING})
      order by week`,
  );
  return rows.map((r) => r.id);
}
