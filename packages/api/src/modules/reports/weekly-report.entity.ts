import { defineEntity, p } from '@mikro-orm/core';
import { BaseSchema } from '../../db/base.entity.ts';

/**
 * PENDING: to be mailed (a retry job is due); SENDING: one attempt holds it; SENT; FAILED: gave up after
 * the configured attempts; SKIPPED: nothing to try (SMTP not configured or no recipients).
 */
export const MAIL_STATUSES = ['PENDING', 'SENDING', 'SENT', 'FAILED', 'SKIPPED'] as const;
export type MailStatus = (typeof MAIL_STATUSES)[number];

/**
 * One weekly log file (ISO week): the ZIP in DATA_DIR/reports, its digest's hash (the next week's digest
 * carries it, so the files form a chain), and whether it was mailed.
 */
export const WeeklyReportSchema = defineEntity({
  name: 'WeeklyReport',
  tableName: 'weekly_report',
  extends: BaseSchema,
  properties: {
    /** ISO week, e.g. 2026-W47. */
    week: p.string().length(8).unique(),
    timeZone: p.string().length(64),
    periodStart: p.datetime(),
    periodEnd: p.datetime(),
    fileName: p.string().length(200),
    bytes: p.integer(),
    /** SHA-256 hex of the ZIP file. */
    sha256: p.string().length(64),
    /** SHA-256 hex of digest.json as stored in the ZIP. */
    digestHash: p.string().length(64),
    previousDigestHash: p.string().length(64).nullable(),
    eventCount: p.integer(),
    firstHash: p.string().length(64).nullable(),
    lastHash: p.string().length(64).nullable(),
    recipients: p.json<string[]>(),
    mailStatus: p.enum(MAIL_STATUSES).default('PENDING'),
    /** Attempts in the current mailing round (a forced re-send starts a new round at 0). */
    mailAttempts: p.integer().default(0),
    mailedAt: p.datetime().nullable(),
    /** Why the last attempt failed or why none was made (SMTP not configured, no recipients, the server's error). */
    mailError: p.text().nullable(),
  },
});

export class WeeklyReport extends WeeklyReportSchema.class {}
WeeklyReportSchema.setClass(WeeklyReport);

/**
 * Where versions before issue 14 kept the signing key. Read only by `keys/legacy-keys.ts`, which moves the
 * key to `AUDIT_KEYS_DIR` on the API's first start and deletes the row; a later migration drops the table.
 */
export const ReportSigningKeySchema = defineEntity({
  name: 'ReportSigningKey',
  tableName: 'report_signing_key',
  extends: BaseSchema,
  properties: {
    name: p.string().length(32).unique(),
    publicKeyPem: p.text(),
    privateKeyPem: p.text().hidden(),
  },
});

export class ReportSigningKey extends ReportSigningKeySchema.class {}
ReportSigningKeySchema.setClass(ReportSigningKey);

export const reportEntities = [WeeklyReport, ReportSigningKey];
