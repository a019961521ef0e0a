import { MAIL_ATTEMPTS, MAIL_RETRY_SECONDS } from '@b24-gdpr/shared';
import { z } from 'zod';

/** A time zone the runtime knows (IANA name such as Europe/Berlin, or UTC). */
export function isTimeZone(value: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: value });
    return true;
  } catch {
    return false;
  }
}

const recipients = z.array(z.string().trim().toLowerCase().pipe(z.email())).max(50);
/** ISO day of the week: 1 Monday … 7 Sunday. */
const dayOfWeek = z.number().int().min(1).max(7);
const time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'Give the time as HH:MM (24-hour).');
const timeZone = z.string().min(1).max(64).refine(isTimeZone, 'Unknown time zone.');
/** Tries per mailing before the file is marked FAILED (the first one included). */
const mailAttempts = z.number().int().min(MAIL_ATTEMPTS.min).max(MAIL_ATTEMPTS.max);
/** Wait before the first retry; each further retry waits about twice as long (pg-boss backoff). */
const mailRetrySeconds = z.number().int().min(MAIL_RETRY_SECONDS.min).max(MAIL_RETRY_SECONDS.max);

export const DEFAULT_WEEKLY_REPORT_SETTINGS = {
  recipients: [] as string[],
  dayOfWeek: 1,
  time: '00:00',
  timeZone: 'UTC',
  mailAttempts: 6,
  mailRetrySeconds: 60,
};

/** When the past ISO week's log file is made (in `timeZone`) and who receives it by e-mail. */
export const weeklyReportSettingsSchema = z
  .object({
    recipients: recipients.default([]),
    dayOfWeek: dayOfWeek.default(1),
    time: time.default('00:00'),
    timeZone: timeZone.default('UTC'),
    mailAttempts: mailAttempts.default(6),
    mailRetrySeconds: mailRetrySeconds.default(60),
  })
  .default(DEFAULT_WEEKLY_REPORT_SETTINGS);

export const weeklyReportSettingsPatchSchema = z
  .object({ recipients, dayOfWeek, time, timeZone, mailAttempts, mailRetrySeconds })
  .partial()
  .strict();

export type WeeklyReportSettings = z.infer<typeof weeklyReportSettingsSchema>;
