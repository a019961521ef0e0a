import type { Command } from 'commander';
import type { ReportOutcome } from '../../modules/reports/reports.service.ts';
import { withReports } from './report-services.ts';
import { registerVerifyDigest } from './verify-digest.ts';

/** `report weekly` and `audit verify-digest` (the latter joins the `audit` command when it exists). */
export function registerReportCommands(program: Command): void {
  const report = program.command('report').description('signed weekly audit log files');
  report
    .command('weekly')
    .description('make (or return the stored) file for an ISO week, store it and mail it')
    .requiredOption('--week <week>', 'ISO week, e.g. 2026-W47')
    .option('--force', 'make it anew; refused once the week was mailed or a later file links to it')
    .action(async (options: { week: string; force?: boolean }) =>
      withReports(async ({ reports, em }) => {
        const outcome = await reports.generate(em, options.week, { force: options.force });
        const r = outcome.report;
        process.stdout.write(
          `${JSON.stringify({
            id: r.id,
            week: r.week,
            created: outcome.created,
            remailed: outcome.remailed,
            laterWeeks: outcome.laterWeeks,
            file: reports.pathOf(r),
            events: r.eventCount,
            digestHash: r.digestHash,
            previousDigestHash: r.previousDigestHash,
            mailed: outcome.mailed,
            mailStatus: r.mailStatus,
            mailAttempts: r.mailAttempts,
            mailError: outcome.mailError,
          })}\n`,
        );
        for (const line of notes(outcome)) process.stderr.write(`${line}\n`);
      }),
    );

  report
    .command('resend')
    .description('mail a week’s stored file again, byte for byte (a published week is never made anew)')
    .requiredOption('--week <week>', 'ISO week, e.g. 2026-W47')
    .action(async (options: { week: string }) =>
      withReports(async ({ reports, em }) => {
        const outcome = await reports.resend(em, options.week);
        const r = outcome.report;
        process.stdout.write(
          `${JSON.stringify({
            id: r.id,
            week: r.week,
            file: reports.pathOf(r),
            sha256: r.sha256,
            digestHash: r.digestHash,
            mailed: outcome.mailed,
            mailStatus: r.mailStatus,
            mailAttempts: r.mailAttempts,
            mailError: outcome.mailError,
          })}\n`,
        );
        for (const line of notes(outcome)) process.stderr.write(`${line}\n`);
      }),
    );

  report
    .command('list')
    .description('the stored weekly files, newest first, with their mail state')
    .option('--limit <n>', 'how many', (v) => Number.parseInt(v, 10), 20)
    .action(async (options: { limit: number }) =>
      withReports(async ({ reports, em }) => {
        for (const r of await reports.list(em, Math.max(1, Math.min(options.limit || 20, 500)))) {
          const mail = `${r.mailStatus.toLowerCase()} (${r.mailAttempts} attempt${r.mailAttempts === 1 ? '' : 's'})`;
          process.stdout.write(
            `${r.week}\t${r.eventCount} events\tdigest ${r.digestHash.slice(0, 16)}\tmail ${mail}` +
              `${r.mailedAt ? `\tmailed ${r.mailedAt.toISOString()}` : ''}${r.mailError ? `\t${r.mailError}` : ''}\n`,
          );
        }
      }),
    );

  const audit = program.commands.find((c) => c.name() === 'audit') ?? program.command('audit');
  registerVerifyDigest(audit);
}

/** What a person running the command should know beyond the JSON line. */
function notes(outcome: ReportOutcome): string[] {
  const { report: r } = outcome;
  const lines: string[] = [];
  if (outcome.remailed)
    lines.push(`${r.week}: the stored file was mailed again, unchanged (SHA-256 ${r.sha256}).`);
  if (r.mailStatus === 'PENDING')
    lines.push(
      `not mailed yet (${r.mailError}); retried automatically by the job worker, up to the configured attempts.`,
    );
  return lines;
}
