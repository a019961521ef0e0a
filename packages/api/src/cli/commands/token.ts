import type { Command } from 'commander';
import { INTEGRATOR_SCOPES } from '../../modules/identity/roles.ts';
import { TokenService } from '../../modules/identity/token.service.ts';
import { openStorage } from '../open-storage.ts';

export function registerTokenCommands(program: Command): void {
  const token = program.command('token').description('API tokens');

  token
    .command('create')
    .description('issue a token for a portal user (bootstrap) or an integrator; the secret is printed once')
    .option('--user <id>', 'portal user id the token acts for', parsePositiveInt)
    .option('--integrator', 'an integrator token instead of a user token')
    .option('--scopes <list>', `integrator scopes, comma-separated: ${INTEGRATOR_SCOPES.join(', ')}`)
    .option('--label <text>', 'what the token is for', 'created with the CLI')
    .action(async (options: { user?: number; integrator?: boolean; scopes?: string; label: string }) => {
      if (Boolean(options.user) === Boolean(options.integrator)) {
        throw new Error('Give either --user <id> or --integrator --scopes <list>.');
      }
      const { db } = await openStorage();
      try {
        const em = db.orm.em.fork();
        const tokens = new TokenService();
        const issued = options.user
          ? await tokens.issueUserToken(em, options.user, options.label, null)
          : await tokens.issueIntegratorToken(
              em,
              (options.scopes ?? '').split(',').filter(Boolean),
              options.label,
              null,
            );
        process.stdout.write(`${issued.token}\n`);
        process.stderr.write(
          `token ${issued.record.id} issued; store the secret now, it cannot be shown again\n`,
        );
      } finally {
        await db.close();
      }
    });

  token
    .command('revoke <id>')
    .description('revoke a token by its id')
    .action(async (id: string) => {
      const { db } = await openStorage();
      try {
        const record = await new TokenService().revoke(db.orm.em.fork(), id);
        process.stdout.write(`revoked ${record.id} at ${record.revokedAt?.toISOString()}\n`);
      } finally {
        await db.close();
      }
    });
}

function parsePositiveInt(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a user id: ${value}`);
  return n;
}
