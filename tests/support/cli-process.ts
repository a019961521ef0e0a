import { spawn } from 'node:child_process';
import path from 'node:path';
import { completion, type ProcessRun } from '../../packages/api/test/support/cli-process.ts';
import { REPO_ROOT } from './api-process.ts';

/** The operator CLI as an operator runs it: `pnpm --filter @b24-gdpr/api cli …` from `cwd`. */
export function runCliWithPnpm(args: string[], cwd: string, env: Record<string, string | undefined>) {
  // -C: pnpm finds the workspace from the repository; INIT_CWD stays `cwd`, as when typed there.
  return run('pnpm', ['-C', REPO_ROOT, '--silent', '--filter', '@b24-gdpr/api', 'cli', ...args], cwd, env);
}

/** The CLI's bin file run by Node directly from `cwd`, without pnpm. */
export function runCliBin(args: string[], cwd: string, env: Record<string, string | undefined>) {
  return run(process.execPath, [path.join(REPO_ROOT, 'packages/api/bin/b24-gdpr.mjs'), ...args], cwd, env);
}

function run(
  command: string,
  args: string[],
  cwd: string,
  env: Record<string, string | undefined>,
): Promise<ProcessRun> {
  const child = spawn(command, args, {
    cwd,
    env: { ...process.env, DATABASE_URL: undefined, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return completion(child, 120_000);
}
