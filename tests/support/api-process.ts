import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

export const REPO_ROOT = path.resolve(import.meta.dirname, '../..');
export const API_MAIN = path.join(REPO_ROOT, 'packages/api/src/main.ts');

export interface ApiProcess {
  child: ChildProcess;
  /** Structured log lines (the API logs JSON when stdout is not a terminal). */
  logs: { msg?: string; level?: number; [key: string]: unknown }[];
  stderr: string[];
  waitForLog(pattern: RegExp, timeoutMs?: number): Promise<string>;
  exited: Promise<number | null>;
}

/** Runs the API's entry point as `pnpm start` does, in its own process. */
export function spawnApi(env: Record<string, string | undefined>): ApiProcess {
  // Node itself with tsx's loader (what `tsx src/main.ts` runs): the tsx CLI would run Node as a child of
  // its own, and a SIGKILL of the wrapper would leave the API running.
  const child = spawn(process.execPath, ['--import', 'tsx', API_MAIN], {
    cwd: path.join(REPO_ROOT, 'packages/api'),
    env: { ...process.env, DATABASE_URL: undefined, BITRIX24_WEBHOOK_URL: undefined, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: ApiProcess['logs'] = [];
  const stderr: string[] = [];
  const waiters: { pattern: RegExp; resolve: (line: string) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (line) => {
    try {
      logs.push(JSON.parse(line));
    } catch {
      logs.push({ msg: line });
    }
    const msg = String(logs.at(-1)?.msg ?? line);
    for (const w of [...waiters]) {
      if (w.pattern.test(msg)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(msg);
      }
    }
  });
  createInterface({ input: child.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    logs,
    stderr,
    exited,
    waitForLog(pattern, timeoutMs = 90_000) {
      const seen = logs.map((l) => String(l.msg ?? '')).find((m) => pattern.test(m));
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(new Error(`no log line ${pattern} within ${timeoutMs} ms; stderr: ${stderr.join('\n')}`)),
          timeoutMs,
        );
        waiters.push({
          pattern,
          resolve: (line) => {
            clearTimeout(timer);
            resolve(line);
          },
        });
        void exited.then((code) => {
          clearTimeout(timer);
          reject(
            new Error(`the API exited with ${code} before logging ${pattern}; stderr: ${stderr.join('\n')}`),
          );
        });
      });
    },
  };
}
