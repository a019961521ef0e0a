import { Command } from 'commander';
import { registerAuditCommands } from './commands/audit.ts';
import { registerDatabaseCommands } from './commands/database.ts';
import { registerKeyCommands } from './commands/keys.ts';
import { registerReportCommands } from './commands/reports.ts';
import { registerRequestCommands } from './commands/requests.ts';
import { registerTokenCommands } from './commands/token.ts';

const program = new Command('b24-gdpr').description('b24-gdpr operator commands').showHelpAfterError();
registerDatabaseCommands(program);
registerTokenCommands(program);
registerRequestCommands(program);
registerAuditCommands(program);
registerReportCommands(program);
registerKeyCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (error) {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
