import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AuditService } from '../../modules/audit/audit.service.ts';
import { verifyDigestFile } from '../../modules/reports/digest.ts';
import { ReportsService } from '../../modules/reports/reports.service.ts';
import { AppSecret } from '../../modules/settings/app-secret.ts';
import { SettingsService } from '../../modules/settings/settings.service.ts';
import { openStorage } from '../open-storage.ts';

/** `report weekly` and `audit verify-digest` (the latter joins the `audit` command when it exists). */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('signed weekly audit log files');
  report
    .command('weekly')
    .description('make (or return the stored) file for an ISO week, store it and mail it')
    .requiredOption('--week <week>', 'ISO week, e.g. 2026-W47')
    .option('--force', 'make it anew even when the week has a stored file')
    .action(async (options: { week: string; force?: boolean }) => {
      const { config, logger, db } = await openStorage();
      try {
        const em = db.orm.em.fork();
        const secret = await AppSecret.load(em);
        const settings = new SettingsService();
        const audit = new AuditService(() => secret, settings);
        const reports = new ReportsService({
          dataDir: config.DATA_DIR,
          smtpUrl: config.SMTP_URL,
          from: config.REPORT_FROM,
          settings,
          logger,
          audit: (tx, drafts) => audit.append(tx, drafts),
        });
        const outcome = await reports.generate(em, options.week, { force: options.force });
        const r = outcome.report;
        process.stdout.write(
          `${JSON.stringify({
            id: r.id,
            week: r.week,
            created: outcome.created,
            file: reports.pathOf(r),
            events: r.eventCount,
            digestHash: r.digestHash,
            previousDigestHash: r.previousDigestHash,
            mailed: outcome.mailed,
            mailError: outcome.mailError,
          })}\n`,
        );
      } finally {
        await db.close();
      }
    });

  const audit = program.commands.find((c) => c.name() === 'audit') ?? program.command('audit');
  audit
    .command('verify-digest')
    .description('check a weekly file offline: file hashes and the Ed25519 signature of digest.json')
    .argument('<file>', 'the weekly ZIP')
    .option('--public-key <pem-file>', 'check the signature against this PEM instead of the digest’s own key')
    .action(async (file: string, options: { publicKey?: string }) => {
      const pem = options.publicKey ? await readFile(options.publicKey, 'utf8') : undefined;
      const check = verifyDigestFile(await readFile(file), pem);
      if (check.ok) {
        const d = check.digest!;
        process.stdout.write(
          `OK: ${d.week}, ${d.eventCount} events, ${check.checkedFiles.length} files match, signature valid` +
            `${pem ? ' (given key)' : ' (key in the digest: compare it with /audit/public-key)'}; digest SHA-256 ${check.digestHash}\n`,
        );
      } else {
        for (const problem of check.problems) process.stdout.write(`FAILED ${problem}\n`);
        process.exitCode = 2;
      }
    });
}
