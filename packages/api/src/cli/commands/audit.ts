import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import pino from 'pino';
import { operatorPath } from '../../config/invocation-dir.ts';
import { AuditService } from '../../modules/audit/audit.service.ts';
import { signerFrom } from '../../modules/audit/audit-signer.ts';
import { parseHeads, type TreeHead } from '../../modules/audit/audit-tree-head.ts';
import { AuditPublishing, givenHeads } from '../../modules/audit-publish/audit-publishing.ts';
import type { PublishedHead } from '../../modules/audit-publish/head-channel.ts';
import { keysLocation } from '../../modules/keys/key-location.ts';
import { readAppSecret } from '../../modules/keys/open-keys.ts';
import { parsePublicKeys } from '../../modules/keys/public-keys.ts';
import { SigningKeys } from '../../modules/keys/signing-keys.ts';
import { weeklyFileHeads } from '../../modules/reports/stored-heads.ts';
import { SettingsService } from '../../modules/settings/settings.service.ts';
import { apiHeadChannels } from '../api-head-channels.ts';
import { openStorage } from '../open-storage.ts';

export function registerAuditCommands(program: Command): void {
  const audit = program.command('audit').description('the tamper-evident audit log');

  audit
    .command('verify')
    .description(
      'walk the hash chain, recompute the Merkle tree and check it against every signed head: issued, read back from the portal chat (BITRIX24_WEBHOOK_URL, else the sandbox of the API on DATA_DIR) and witnesses (AUDIT_WITNESS_URLS, else those the API recorded), or given; name the first problem. Exits 2 on a problem, 3 when no published head could be read',
    )
    .option('--from <time>', 'only events received at or after this ISO time', parseTime)
    .option('--to <time>', 'only events received before this ISO time', parseTime)
    .option(
      '--head <file>',
      'a JSON file of signed tree heads kept outside the database (one head or a list); repeatable',
      (file: string, files: string[]) => [...files, file],
      [] as string[],
    )
    .action(async (options: { from?: Date; to?: Date; head: string[] }) => {
      const given: PublishedHead[] = [];
      for (const file of options.head) {
        const heads: TreeHead[] = parseHeads(JSON.parse(await readFile(operatorPath(file), 'utf8')));
        given.push(...givenHeads(heads, `file ${file}`));
      }
      const { config, db } = await openStorage();
      let closeChannels = async () => {};
      try {
        const em = db.orm.em.fork();
        const signing = new SigningKeys(keysLocation(config));
        const service = new AuditService(await secretOf(config, em), new SettingsService(), {
          // The verifier needs only the public keys: read without the private key; none known, none trusted.
          signer: signerFrom(
            () => signing.current(),
            () =>
              readFile(signing.location.publicKeysFile, 'utf8').then(parsePublicKeys, () =>
                signing.published().catch(() => []),
              ),
          ),
        });
        const reach = await apiHeadChannels(config, pino({ level: 'silent' }), db.orm);
        closeChannels = reach.close;
        const publishing = new AuditPublishing({
          audit: service,
          channels: reach.channels,
          witnesses: reach.witnesses,
          logger: pino({ level: 'silent' }),
          weeklyFiles: (em) => weeklyFileHeads(em, config.DATA_DIR),
        });
        const result = await publishing.verify(em, { from: options.from, to: options.to, given });
        const read = (result.published ?? []).map((p) => `${p.channel} ${p.heads}`).join(', ') || 'none';
        for (const line of result.unreachable ?? []) process.stderr.write(`unreachable: ${line}\n`);
        if (result.ok && result.selfCheckedOnly) {
          process.stdout.write(
            `NOT VERIFIED AGAINST ANY PUBLISHED HEAD: ${result.checked} events (#${result.fromSeq} to #${result.toSeq}) were checked only against the database itself. No head published outside it could be read (portal chat, witnesses, weekly files, --head), and whoever holds the database can make that check pass (delete the tail, rewind the head).\n`,
          );
          process.exitCode = 3;
        } else if (result.ok && (result.unreachable ?? []).length > 0) {
          process.stdout.write(
            `CONSISTENT WITH THE HEADS IT COULD READ (${read}), BUT NOT ALL: ${result.checked} events checked; the channels named above as unreachable hold heads this check could not compare, and a rewound log may hide behind them. Run it again where they answer.\n`,
          );
          process.exitCode = 3;
        } else if (result.ok) {
          const start = result.fromCheckpoint ? ' (from the retention checkpoint)' : '';
          const tree =
            options.from || options.to
              ? ''
              : `; tree of ${result.treeSize} checked against ${result.heads} signed heads (published heads read back: ${read})`;
          process.stdout.write(
            `OK: ${result.checked} events verified${result.checked ? `, #${result.fromSeq} to #${result.toSeq}` : ''}${start}${tree}\n`,
          );
        } else {
          const p = result.problem!;
          process.stdout.write(`${p.kind}: #${p.seq}${p.eventId ? ` ${p.eventId}` : ''}: ${p.message}\n`);
          if (p.head) process.stdout.write(`exposed by: ${JSON.stringify(p.head)}\n`);
          if (p.publishedIn?.length) process.stdout.write(`published in: ${p.publishedIn.join('; ')}\n`);
          process.stdout.write(`published heads read back: ${read}\n`);
          process.exitCode = 2;
        }
      } finally {
        await closeChannels();
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
