import type { EntityManager } from '@mikro-orm/core';
import type { PgBoss } from 'pg-boss';
import pino from 'pino';
import { startBoss } from '../../jobs/boss.ts';
import { BossReportMailQueue } from '../../jobs/report-mail-queue.ts';
import { AuditService } from '../../modules/audit/audit.service.ts';
import { signerFrom } from '../../modules/audit/audit-signer.ts';
import { headExtendingPublished, newestPublished } from '../../modules/audit-publish/published-check.ts';
import { sessionRefOf } from '../../modules/impersonation/session-keys.ts';
import { openKeys } from '../../modules/keys/open-keys.ts';
import type { MailRetryQueue } from '../../modules/reports/report-mail.ts';
import { ReportsService } from '../../modules/reports/reports.service.ts';
import { weeklyFileHeads } from '../../modules/reports/stored-heads.ts';
import { SettingsService } from '../../modules/settings/settings.service.ts';
import { type ApiHeadChannels, apiHeadChannels } from '../api-head-channels.ts';
import { openStorage } from '../open-storage.ts';

/**
 * The reports service on the CLI's storage (no portal needed). A failed mailing is queued for the API's
 * job workers; pg-boss is started only then. The API's head channels are reached only when a refusal
 * needs them.
 */
export async function withReports(
  work: (ctx: { reports: ReportsService; em: EntityManager }) => Promise<void>,
): Promise<void> {
  const { config, db } = await openStorage();
  // stdout carries the command's answer (one JSON line); warnings such as a failed mailing go to stderr.
  const logger = pino({ level: process.env.LOG_LEVEL ?? 'warn' }, pino.destination(2));
  let boss: PgBoss | null = null;
  const mailQueue: MailRetryQueue = {
    async enqueue(reportId, policy, options) {
      boss ??= await startBoss(db.url, db.kind, logger);
      await new BossReportMailQueue(boss).enqueue(reportId, policy, options);
    },
  };
  // The API's channels, opened only when a refusal needs the heads they hold (report weekly --force).
  let channels: ApiHeadChannels | null = null;
  const publishedHeads = async () => {
    channels ??= await apiHeadChannels(config, logger, db.orm);
    return newestPublished(channels.channels);
  };
  try {
    const em = db.orm.em.fork();
    const { secret, signing } = await openKeys(config, { em, create: false });
    const settings = new SettingsService();
    const audit = new AuditService(() => secret, settings, {
      signer: signerFrom(
        () => signing.current(),
        () => signing.published(),
      ),
    });
    const reports = new ReportsService({
      dataDir: config.DATA_DIR,
      smtpUrl: config.SMTP_URL,
      from: config.REPORT_FROM,
      settings,
      signing,
      logger,
      audit: (tx, drafts) => audit.append(tx, drafts),
      treeHead: async (tx) =>
        headExtendingPublished(tx, audit, [
          ...(await publishedHeads()),
          ...(await weeklyFileHeads(tx, config.DATA_DIR)),
        ]),
      sessionRef: (key) => sessionRefOf(secret, key),
      publishedHeads,
      mailQueue,
    });
    await work({ reports, em });
  } finally {
    await (channels as ApiHeadChannels | null)?.close();
    await (boss as PgBoss | null)?.stop({ graceful: true, timeout: 5_000 }).catch(() => {});
    await db.close();
  }
}
