import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { EntityManager } from '@mikro-orm/core';
import type { Logger } from '../../config/logger.ts';
import { DomainError } from '../../errors.ts';
import type { SessionRefOf } from '../audit/audit-csv.ts';
import type { AuditEventDraft } from '../audit/audit-record.ts';
import { sql } from '../audit/audit-sql.ts';
import type { TreeHead } from '../audit/audit-tree-head.ts';
import type { PublishedHead } from '../audit-publish/head-channel.ts';
import type { SigningKey, SigningKeys } from '../keys/signing-keys.ts';
import type { SettingsService } from '../settings/settings.service.ts';
import { storedDigest } from './digest.ts';
import { formatIsoWeek, parseIsoWeek, previousIsoWeek, weekPeriod } from './iso-week.ts';
import { buildReportFile } from './report-build.ts';
import { laterWeeks, lockChainFor, predecessorOf, ReportChainError } from './report-chain.ts';
import { type MailRetryQueue, ReportMailer } from './report-mail.ts';
import {
  headsPublishedSince,
  headsReadBackSince,
  ReportPublishedError,
  refuseIfMailed,
} from './report-published.ts';
import type { WeeklyReportSettings } from './report-settings.ts';
import { type MailStatus, WeeklyReport } from './weekly-report.entity.ts';

export interface ReportsDependencies {
  dataDir: string;
  smtpUrl: string | undefined;
  from: string;
  settings: SettingsService;
  /** Signs the digests; the keys are files or environment variables, never rows. */
  signing: SigningKeys;
  logger: Logger;
  /** What the files show for a session key (`sessionRefOf` with the app secret); null without it. */
  sessionRef?: SessionRefOf;
  /** The audit log's signed tree head, carried in every weekly file (a copy of it outside the database). */
  treeHead?: (em: EntityManager) => Promise<TreeHead>;
  /** The newest head each publishing channel holds (portal chat, witnesses), read back where reachable. */
  publishedHeads?: () => Promise<PublishedHead[]>;
  /** Writes `report.weekly.generated` to the audit log. */
  audit?: (em: EntityManager, drafts: AuditEventDraft[]) => Promise<unknown>;
  now?: () => Date;
  /** Where failed mailings go to be retried; the job worker sets it when this process has none. */
  mailQueue?: MailRetryQueue;
}

export interface ReportOutcome {
  report: WeeklyReport;
  /** false: the week's file existed already and was returned (or re-mailed) as it is. */
  created: boolean;
  /** Forced on a week later files link to: the stored file was mailed again, unchanged. */
  remailed: boolean;
  /** The stored weeks after this one, whose digests hold the chain (why a forced file was not made anew). */
  laterWeeks: string[];
  mailed: boolean;
  /** Why it was not mailed (yet), when it was not. */
  mailError: string | null;
}

/** The weekly signed log files: making, storing, mailing them, and the signing key. */
export class ReportsService {
  readonly dir: string;
  readonly #deps: ReportsDependencies;
  readonly #mailer: ReportMailer;
  #mailQueue: MailRetryQueue | undefined;

  constructor(deps: ReportsDependencies) {
    this.#deps = deps;
    this.dir = path.join(deps.dataDir, 'reports');
    this.#mailer = new ReportMailer(deps);
    this.#mailQueue = deps.mailQueue;
  }

  /** The job worker hands its queue over, so mailings that fail in this process are retried by jobs. */
  retryMailsWith(queue: MailRetryQueue): void {
    this.#mailQueue = queue;
  }

  /**
   * The current Ed25519 signing key (kept for callers of earlier versions; `signing.sign(bytes)` is the
   * signing function). It comes from the key files or the environment (`modules/keys/`), never the database.
   */
  async signingKey(_em?: EntityManager): Promise<SigningKey> {
    return this.#deps.signing.current();
  }

  async publicKeyPem(_em?: EntityManager): Promise<string> {
    return (await this.#deps.signing.current()).publicKeyPem;
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
   * The scheduled run: the ISO week before this one (in the configured time zone), unless already made
   * after that week ended. Mailing retries are jobs of their own (`reports.mail`).
   */
  async runScheduled(em: EntityManager): Promise<ReportOutcome> {
    const { weeklyReports } = (await this.#deps.settings.get(em)).settings;
    const now = this.#deps.now?.() ?? new Date();
    const week = formatIsoWeek(previousIsoWeek(now, weeklyReports.timeZone));
    const outcome = await this.generate(em, week);
    if (outcome.created || !(await this.#madeEarly(outcome.report))) return outcome;
    // Made on demand before its week ended, so it misses the rest of the week. While no later file links
    // to it the job makes it complete (the chain lock refuses if one appeared meanwhile).
    if ((await laterWeeks(em, week)).length > 0) return outcome;
    if (outcome.report.mailedAt) {
      // Mailed before its week ended: what went out is never replaced by another signed file. The rest of
      // that week's events are in no weekly file (the chain still links the next file past them).
      this.#deps.logger.warn({ week }, 'a file mailed before its week ended is not made again');
      return outcome;
    }
    return this.#build(em, week, outcome.report);
  }

  /** Whether the stored file's digest was made before the end of its week. */
  async #madeEarly(report: WeeklyReport): Promise<boolean> {
    const generatedAt = (await storedDigest(this.pathOf(report)))?.generatedAt;
    return typeof generatedAt === 'string' && Date.parse(generatedAt) < report.periodEnd.getTime();
  }

  /**
   * Makes the file for an ISO week (`2026-W47`), stores it and mails it. Idempotent per week: the stored
   * file is returned unless `force`. `force` makes a file anew only while it is unpublished: never mailed
   * and no later digest linking to it (else ReportPublishedError; `resend` mails the stored file again).
   * A missing week before stored ones cannot be made (ReportChainError).
   */
  async generate(
    em: EntityManager,
    weekText: string,
    options: { force?: boolean } = {},
  ): Promise<ReportOutcome> {
    const week = formatIsoWeek(parseIsoWeek(weekText));
    const existing = await em.findOne(WeeklyReport, { week });
    if (existing && !options.force)
      return this.#outcome(existing, { created: false, remailed: false, laterWeeks: [] });
    const later = await laterWeeks(em, week);
    if (existing && (existing.mailedAt || later.length > 0))
      throw new ReportPublishedError(week, existing.mailedAt ?? null, later);
    // A head published since the week began already commits to its events: never re-sign them.
    const { timeZone } = (await this.#deps.settings.get(em)).settings.weeklyReports;
    const start = weekPeriod(parseIsoWeek(week), timeZone).start;
    const heads = await headsPublishedSince(em, start);
    // The records above are rows an insider can delete; the channels' own copies are not.
    if (existing && heads.length === 0)
      heads.push(...(await headsReadBackSince(this.#deps.publishedHeads, start)));
    if (existing && heads.length > 0)
      throw new ReportPublishedError(week, existing.mailedAt ?? null, later, heads);
    if (!existing && later.length > 0) throw new ReportChainError(week, later, false);
    return this.#build(em, week, existing);
  }

  /** Mails a week's stored file again, byte for byte (a new mailing round); never makes a new one. */
  async resend(em: EntityManager, weekText: string): Promise<ReportOutcome> {
    const week = formatIsoWeek(parseIsoWeek(weekText));
    const existing = await em.findOne(WeeklyReport, { week });
    if (!existing) throw new DomainError(`${week} has no stored file to send again.`);
    return this.#remail(em, existing, await laterWeeks(em, week));
  }

  /** A mailing attempt from the retry job: the status afterwards (PENDING: retry later). */
  async retryMail(em: EntityManager, reportId: string): Promise<MailStatus> {
    const { weeklyReports } = (await this.#deps.settings.get(em)).settings;
    return this.#mailer.attempt(em, reportId, (r) => this.pathOf(r), weeklyReports);
  }

  async #build(em: EntityManager, week: string, existing: WeeklyReport | null): Promise<ReportOutcome> {
    const { weeklyReports } = (await this.#deps.settings.get(em)).settings;
    const timeZone = weeklyReports.timeZone;
    const built = await buildReportFile(em, {
      dir: this.dir,
      week,
      timeZone,
      period: weekPeriod(parseIsoWeek(week), timeZone),
      signing: this.#deps.signing,
      previousDigestHash: (await predecessorOf(em, week))?.digestHash ?? null,
      treeHead: (await this.#deps.treeHead?.(em.fork())) ?? null,
      sessionRef: this.#deps.sessionRef ?? (() => null),
      generatedAt: this.#deps.now?.() ?? new Date(),
    });
    let id: string;
    try {
      id = await em.transactional(async (tx) => {
        await lockChainFor(tx, week, built.fields.previousDigestHash, existing != null);
        if (existing) await refuseIfMailed(tx, existing.id, week);
        const fields = {
          ...built.fields,
          recipients: weeklyReports.recipients,
          mailStatus: 'PENDING' as const,
          mailAttempts: 0,
          mailedAt: null,
          mailError: null,
        };
        const report = existing
          ? tx.assign(await tx.findOneOrFail(WeeklyReport, { id: existing.id }), fields)
          : tx.create(WeeklyReport, fields);
        await tx.flush();
        await this.#deps.audit?.(tx, [
          {
            action: 'report.weekly.generated',
            actorId: null,
            source: 'api',
            target: { type: 'weekly_report', id: report.id },
            metadata: { week, events: built.fields.eventCount, digestHash: built.fields.digestHash },
          },
        ]);
        return report.id;
      });
    } catch (error) {
      await rm(built.path, { force: true });
      throw error;
    }
    if (existing && this.pathOf(existing) !== built.path) await rm(this.pathOf(existing), { force: true });
    return this.#deliver(em, id, weeklyReports, { created: true, remailed: false, laterWeeks: [] });
  }

  /** A new mailing round of the stored file, not a new file. */
  async #remail(em: EntityManager, report: WeeklyReport, later: string[]): Promise<ReportOutcome> {
    const { weeklyReports } = (await this.#deps.settings.get(em)).settings;
    await em.transactional(async (tx) => {
      // An attempt under way (SENDING) is left alone: it is mailing this very file.
      await sql(
        tx,
        `update weekly_report set mail_status = 'PENDING', mail_attempts = 0, mail_error = null, updated_at = now()
          where id = ? and mail_status <> 'SENDING'`,
        [report.id],
      );
      await this.#deps.audit?.(tx, [
        {
          action: 'report.weekly.remailed',
          actorId: null,
          source: 'api',
          target: { type: 'weekly_report', id: report.id },
          metadata: { week: report.week, digestHash: report.digestHash, laterWeeks: later },
        },
      ]);
    });
    return this.#deliver(em, report.id, weeklyReports, { created: false, remailed: true, laterWeeks: later });
  }

  /** The first attempt at once; a failure goes to the retry queue. */
  async #deliver(
    em: EntityManager,
    reportId: string,
    settings: WeeklyReportSettings,
    base: Pick<ReportOutcome, 'created' | 'remailed' | 'laterWeeks'>,
  ): Promise<ReportOutcome> {
    const status = await this.#mailer.attempt(em, reportId, (r) => this.pathOf(r), settings);
    if (status === 'PENDING') {
      if (this.#mailQueue) await this.#mailQueue.enqueue(reportId, settings);
      else this.#deps.logger.warn({ reportId }, 'no job queue here: a worker’s mail sweep retries it');
    }
    return this.#outcome(await em.fork().findOneOrFail(WeeklyReport, { id: reportId }), base);
  }

  #outcome(
    report: WeeklyReport,
    base: Pick<ReportOutcome, 'created' | 'remailed' | 'laterWeeks'>,
  ): ReportOutcome {
    return { ...base, report, mailed: report.mailStatus === 'SENT', mailError: report.mailError ?? null };
  }
}
