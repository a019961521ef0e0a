import { createPrivateKey, generateKeyPairSync, type KeyObject } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import { createTransport } from 'nodemailer';
import type { Logger } from '../../config/logger.ts';
import type { AuditEventDraft } from '../audit/audit-record.ts';
import { ZipWriter } from '../dsr/export/zip-writer.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { DIGEST_FILE, DIGEST_FORMAT, sha256, signDigest, type UnsignedDigest } from './digest.ts';
import { formatIsoWeek, parseIsoWeek, previousIsoWeek, weekPeriod } from './iso-week.ts';
import {
  chainSummary,
  editsCsv,
  eventsCsv,
  eventsJsonl,
  hashing,
  impersonationsCsv,
} from './report-files.ts';
import type { WeeklyReportSettings } from './report-settings.ts';
import { WeeklyReport } from './weekly-report.entity.ts';

const KEY_NAME = 'weekly-digest';

export interface ReportsDependencies {
  dataDir: string;
  smtpUrl: string | undefined;
  from: string;
  settings: SettingsService;
  logger: Logger;
  /** Writes `report.weekly.generated` to the audit log. */
  audit?: (em: EntityManager, drafts: AuditEventDraft[]) => Promise<unknown>;
  now?: () => Date;
}

export interface ReportOutcome {
  report: WeeklyReport;
  /** false: the week's file existed already and was returned as it is. */
  created: boolean;
  mailed: boolean;
  /** Why it was not mailed, when it was not. */
  mailError: string | null;
}

/** The weekly signed log files: making, storing, mailing them, and the signing key. */
export class ReportsService {
  readonly dir: string;
  readonly #deps: ReportsDependencies;

  constructor(deps: ReportsDependencies) {
    this.#deps = deps;
    this.dir = path.join(deps.dataDir, 'reports');
  }

  /** The Ed25519 key pair; made (once, whoever comes first) when there is none. The private key never leaves here. */
  async signingKey(em: EntityManager): Promise<{ publicKeyPem: string; privateKey: KeyObject }> {
    const found = await this.#readKey(em);
    if (found) return found;
    const pair = generateKeyPairSync('ed25519', {
      publicKeyEncoding: { type: 'spki', format: 'pem' },
      privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    });
    await em.getConnection().execute(
      `insert into report_signing_key (id, created_at, updated_at, name, public_key_pem, private_key_pem)
          values (gen_random_uuid(), now(), now(), ?, ?, ?) on conflict (name) do nothing`,
      [KEY_NAME, pair.publicKey, pair.privateKey],
    );
    const stored = await this.#readKey(em);
    if (!stored) throw new Error('the report signing key could not be stored');
    return stored;
  }

  async publicKeyPem(em: EntityManager): Promise<string> {
    return (await this.signingKey(em)).publicKeyPem;
  }

  async #readKey(em: EntityManager) {
    const rows = await em
      .getConnection()
      .execute<{ public_key_pem: string; private_key_pem: string }[]>(
        'select public_key_pem, private_key_pem from report_signing_key where name = ?',
        [KEY_NAME],
      );
    const row = rows[0];
    if (!row) return null;
    return { publicKeyPem: row.public_key_pem, privateKey: createPrivateKey(row.private_key_pem) };
  }

  list(em: EntityManager, first: number, after?: { at: Date; id: string } | null): Promise<WeeklyReport[]> {
    const where = after
      ? { $or: [{ periodStart: { $lt: after.at } }, { periodStart: after.at, id: { $lt: after.id } }] }
      : {};
    return em.find(WeeklyReport, where, { orderBy: { periodStart: 'desc', id: 'desc' }, limit: first });
  }

  get(em: EntityManager, id: string): Promise<WeeklyReport | null> {
    return em.findOne(WeeklyReport, { id });
  }

  pathOf(report: WeeklyReport): string {
    return path.join(this.dir, path.basename(report.fileName));
  }

  /**
   * The scheduled run: the ISO week before this one (in the configured time zone), unless already made;
   * a stored file that could not be mailed (SMTP down) is mailed again, so a retried job delivers it.
   */
  async runScheduled(em: EntityManager): Promise<ReportOutcome> {
    const { weeklyReports } = (await this.#deps.settings.get(em)).settings;
    const now = this.#deps.now?.() ?? new Date();
    const outcome = await this.generate(em, formatIsoWeek(previousIsoWeek(now, weeklyReports.timeZone)));
    if (outcome.created || outcome.mailed) return outcome;
    const report = outcome.report;
    const mail = await this.#mail(report, this.pathOf(report), weeklyReports);
    report.mailedAt = mail.mailed ? new Date() : null;
    report.mailError = mail.error;
    await em.flush();
    return { report, created: false, mailed: mail.mailed, mailError: mail.error };
  }

  /**
   * Makes the file for an ISO week (`2026-W47`), stores it and mails it. Idempotent per week: the stored
   * file is returned unless `force`, which makes it anew (replacing the old file).
   */
  async generate(
    em: EntityManager,
    weekText: string,
    options: { force?: boolean } = {},
  ): Promise<ReportOutcome> {
    const week = formatIsoWeek(parseIsoWeek(weekText));
    const existing = await em.findOne(WeeklyReport, { week });
    if (existing && !options.force)
      return {
        report: existing,
        created: false,
        mailed: existing.mailedAt != null,
        mailError: existing.mailError ?? null,
      };

    const { weeklyReports } = (await this.#deps.settings.get(em)).settings;
    const timeZone = weeklyReports.timeZone;
    const period = weekPeriod(parseIsoWeek(week), timeZone);
    const key = await this.signingKey(em);
    const previous = await em.findOne(WeeklyReport, { week: { $lt: week } }, { orderBy: { week: 'desc' } });
    const summary = await chainSummary(em, period);
    const generatedAt = this.#deps.now?.() ?? new Date();

    await mkdir(this.dir, { recursive: true });
    const stamp = generatedAt.toISOString().replace(/[-:.]/g, '');
    const fileName = `audit-week-${week}-${stamp}.zip`;
    const target = path.join(this.dir, fileName);
    const partial = `${target}.partial`;
    const zip = new ZipWriter(createWriteStream(partial), generatedAt);
    const files: UnsignedDigest['files'] = {};
    try {
      const entries = [
        ['events.csv', eventsCsv(em, period)],
        ['events.jsonl', eventsJsonl(em, period)],
        ['impersonations.csv', impersonationsCsv(em, period)],
        ['edits.csv', editsCsv(em, period)],
      ] as const;
      for (const [name, source] of entries) {
        const hashed = hashing(source);
        await zip.add(name, hashed.stream);
        files[name] = hashed.result();
      }
      const unsigned: UnsignedDigest = {
        format: DIGEST_FORMAT,
        week,
        timeZone,
        period: { start: period.start.toISOString(), end: period.end.toISOString() },
        generatedAt: generatedAt.toISOString(),
        ...summary,
        previousDigestHash: previous?.digestHash ?? null,
        files,
        publicKey: key.publicKeyPem,
      };
      const digestText = signDigest(unsigned, key.privateKey);
      await zip.addText(DIGEST_FILE, digestText);
      await zip.finish();
      await rename(partial, target);
      const bytes = await readFile(target);
      const fields = {
        week,
        timeZone,
        periodStart: period.start,
        periodEnd: period.end,
        fileName,
        bytes: bytes.length,
        sha256: sha256(bytes),
        digestHash: sha256(digestText),
        previousDigestHash: unsigned.previousDigestHash,
        eventCount: summary.eventCount,
        firstHash: summary.firstHash,
        lastHash: summary.lastHash,
        recipients: weeklyReports.recipients,
        mailedAt: null,
        mailError: null,
      };
      let report: WeeklyReport;
      if (existing) {
        const old = this.pathOf(existing);
        em.assign(existing, fields);
        report = existing;
        await em.flush();
        if (old !== target) await rm(old, { force: true });
      } else {
        report = em.create(WeeklyReport, fields);
        await em.flush();
      }
      const mail = await this.#mail(report, target, weeklyReports);
      report.mailedAt = mail.mailed ? new Date() : null;
      report.mailError = mail.error;
      await em.flush();
      await this.#deps.audit?.(em, [
        {
          action: 'report.weekly.generated',
          actorId: null,
          source: 'api',
          target: { type: 'weekly_report', id: report.id },
          metadata: { week, events: summary.eventCount, digestHash: report.digestHash, mailed: mail.mailed },
        },
      ]);
      return { report, created: true, mailed: mail.mailed, mailError: mail.error };
    } catch (error) {
      zip.abort(error as Error);
      await rm(partial, { force: true });
      throw error;
    }
  }

  async #mail(
    report: WeeklyReport,
    file: string,
    settings: WeeklyReportSettings,
  ): Promise<{ mailed: boolean; error: string | null }> {
    if (!this.#deps.smtpUrl) return { mailed: false, error: 'SMTP is not configured (SMTP_URL).' };
    if (settings.recipients.length === 0) return { mailed: false, error: 'No recipients are configured.' };
    const transport = createTransport({
      url: this.#deps.smtpUrl,
      connectionTimeout: 15_000,
      greetingTimeout: 15_000,
      socketTimeout: 60_000,
    });
    try {
      await transport.sendMail({
        from: this.#deps.from,
        to: settings.recipients,
        subject: `Audit log ${report.week}: ${report.eventCount} events`,
        text: [
          `The signed audit log file for ${report.week} (${report.periodStart.toISOString()} to ${report.periodEnd.toISOString()}, ${report.timeZone}) is attached.`,
          `Events: ${report.eventCount}. Digest SHA-256: ${report.digestHash}.`,
          `Previous digest: ${report.previousDigestHash ?? 'none (first file)'}.`,
          'Check it with `b24-gdpr audit verify-digest <file>`; the public key is served at /audit/public-key.',
        ].join('\n'),
        attachments: [
          { filename: `audit-week-${report.week}.zip`, path: file, contentType: 'application/zip' },
        ],
      });
      return { mailed: true, error: null };
    } catch (error) {
      this.#deps.logger.warn({ err: error, week: report.week }, 'weekly report could not be mailed');
      return { mailed: false, error: `SMTP: ${(error as Error).message}` };
    } finally {
      transport.close();
    }
  }
}
