import type { Command } from 'commander';
import { AuditService } from '../../modules/audit/audit.service.ts';
import { readAppSecret } from '../../modules/keys/open-keys.ts';
import { SettingsService } from '../../modules/settings/settings.service.ts';
import { openStorage } from '../open-storage.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify')
    .description('walk the hash chain and name the first changed, removed or reordered event')
    .option('--from <time>', 'only events received at or after this ISO time', parseTime)
    .option('--to <time>', 'only events received before this ISO time', parseTime)
    .action(async (options: { from?: Date; to?: Date }) => {
      const { config, db } = await openStorage();
      try {
        const em = db.orm.em.fork();
        const service = new AuditService(await secretOf(config, em), new SettingsService());
        const result = await service.verify(em, options);
        if (result.ok) {
          const start = result.fromCheckpoint ? ' (from the retention checkpoint)' : '';
          process.stdout.write(
            `OK: ${result.checked} events verified${result.checked ? `, #${result.fromSeq} to #${result.toSeq}` : ''}${start}\n`,
          );
        } else {
          const p = result.problem!;
          process.stdout.write(`${p.kind}: #${p.seq}${p.eventId ? ` ${p.eventId}` : ''}: ${p.message}\n`);
          process.exitCode = 2;
        }
      } finally {
        await db.close();
      }
    });

  audit
    .command('maintain')
    .description('create the coming months’ partitions and purge months past retention')
    .action(async () => {
      const { config, db } = await openStorage();
      try {
        const em = db.orm.em.fork();
        const outcome = await new AuditService(await secretOf(config, em), new SettingsService()).maintain(
          em,
        );
        process.stdout.write(`${JSON.stringify(outcome)}\n`);
      } finally {
        await db.close();
      }
    });
}

async function secretOf(...args: Parameters<typeof readAppSecret>) {
  const secret = await readAppSecret(...args);
  return () => secret;
}

function parseTime(value: string): Date {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) throw new Error(`not a time: ${value}`);
  return at;
}
