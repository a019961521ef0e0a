import { copyFile } from 'node:fs/promises';
import { createInterface } from 'node:readline/promises';
import type { Command } from 'commander';
import { openHeadless } from '../../bootstrap.ts';
import { operatorPath } from '../../config/invocation-dir.ts';
import { DomainError } from '../../errors.ts';
import type { DataSubjectRequest } from '../../modules/dsr/data-subject-request.entity.ts';
import { checkOutputFile } from '../output-file.ts';
import { runWithProgress } from '../progress.ts';

const operator = { kind: 'operator' } as const;

/** Data-subject requests from the server's command line: same rules, same records, same engines as the API. */
export function registerRequestCommands(program: Command): void {
  program
    .command('export')
    .description("write a data subject's personal data to a ZIP file")
    .requiredOption('--user <id>', 'portal user id', parseUserId)
    .requiredOption('--out <file>', 'where to write the archive (relative to where you run the command)')
    .action(async (o: { user: number; out: string }) =>
      withServices(async (services) => {
        // pnpm runs the CLI in packages/api: resolved before anything runs, and printed as written.
        const out = operatorPath(o.out);
        await checkOutputFile(out);
        const request = await services.requests.request(services.orm.em.fork(), operator, 'EXPORT', o.user);
        const done = finished(await runWithProgress(services, request.id));
        await copyFile(done.archivePath!, out);
        process.stdout.write(`wrote ${out}\n`);
      }),
    );

  program
    .command('anonymise')
    .description("replace a data subject's personal profile fields by a pseudonym")
    .requiredOption('--user <id>', 'portal user id', parseUserId)
    .action(async (o: { user: number }) =>
      withServices(async (services) => {
        const request = await services.requests.request(
          services.orm.em.fork(),
          operator,
          'ANONYMISE',
          o.user,
        );
        printResult(finished(await runWithProgress(services, request.id)));
      }),
    );

  program
    .command('erase')
    .description("erase a data subject's data (shows the preview and asks before anything happens)")
    .requiredOption('--user <id>', 'portal user id', parseUserId)
    .option('--yes', 'do not ask: confirm the preview as shown')
    .action(async (o: { user: number; yes?: boolean }) =>
      withServices(async (services) => {
        const em = services.orm.em.fork();
        const { request, token, preview } = await services.erasure.preview(em, operator, o.user);
        process.stdout.write(`${JSON.stringify(preview, null, 2)}\n`);
        if (!token)
          throw new Error(`an erasure of user ${o.user} is already ${request.status.toLowerCase()}`);
        if (!o.yes && !(await confirm(`Erase the data of user ${o.user} as shown above? [y/N] `))) {
          process.stdout.write('nothing was changed\n');
          return;
        }
        await services.erasure.confirm(em, operator, o.user, token);
        printResult(finished(await runWithProgress(services, request.id)));
      }),
    );
}

async function withServices(
  work: (services: Awaited<ReturnType<typeof openHeadless>>['services']) => Promise<void>,
) {
  const headless = await openHeadless({ component: 'cli' });
  try {
    await work(headless.services);
  } catch (error) {
    // Typed refusals (policy, bad input) are the operator's answer, not a crash.
    if (error instanceof DomainError) throw new Error(`${error.name}: ${error.message}`);
    throw error;
  } finally {
    await headless.close();
  }
}

function finished(request: DataSubjectRequest): DataSubjectRequest {
  // With exceptions it did finish: the printed result lists what is left.
  if (request.status !== 'COMPLETED' && request.status !== 'COMPLETED_WITH_EXCEPTIONS')
    throw new Error(`request ${request.id} ${request.status.toLowerCase()}: ${request.error ?? ''}`);
  return request;
}

function printResult(request: DataSubjectRequest): void {
  process.stdout.write(
    `${JSON.stringify({ id: request.id, status: request.status, result: request.result }, null, 2)}\n`,
  );
}

async function confirm(question: string): Promise<boolean> {
  if (!process.stdin.isTTY) return false;
  const rl = createInterface({ input: process.stdin, output: process.stdout });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

function parseUserId(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new Error(`not a user id: ${value}`);
  return n;
}
