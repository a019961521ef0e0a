import { realpathSync } from 'node:fs';
import path from 'node:path';

const PACKAGE_DIR = path.resolve(import.meta.dirname, '../..');

/**
 * The folder the operator ran the command in. `pnpm start` and `pnpm --filter @b24-gdpr/api cli …` run in
 * this package's folder and name the folder pnpm was invoked from in INIT_CWD; run any other way (say,
 * `node packages/api/bin/b24-gdpr.mjs` from the repository root) nothing moved us and the working directory
 * is the operator's. An INIT_CWD inherited from an unrelated pnpm session is ignored for the same reason.
 */
export function invocationDir(env: Record<string, string | undefined> = process.env): string {
  const cwd = process.cwd();
  const init = env.INIT_CWD;
  return init && samePath(cwd, PACKAGE_DIR) ? init : cwd;
}

/** A path the operator typed, as they meant it: relative to where they ran the command. */
export function operatorPath(typed: string, env: Record<string, string | undefined> = process.env): string {
  return path.resolve(invocationDir(env), typed);
}

function samePath(a: string, b: string): boolean {
  try {
    return realpathSync(a) === realpathSync(b);
  } catch {
    return path.resolve(a) === path.resolve(b);
  }
}
