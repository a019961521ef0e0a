import { type ChildProcessByStdio, spawn } from 'node:child_process';
import path from 'node:path';
import type { Readable } from 'node:stream';

const API_ROOT = path.resolve(import.meta.dirname, '../..');

export interface ProcessRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the operator CLI (src/cli/main.ts) to completion; bounded by `timeoutMs`. */
export function runCli(
  args: string[],
  env: Record<string, string>,
  timeoutMs = 120_000,
): Promise<ProcessRun> {
  // Node itself with tsx's loader, not the tsx CLI, which runs Node as a child of its own: a kill would
  // stop the wrapper and leave the real process running.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(API_ROOT, 'src/cli/main.ts'), ...args],
    {
      cwd: API_ROOT,
      env: { ...process.env, LOG_LEVEL: 'warn', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  return completion(child, timeoutMs);
}

/** Waits for a process to exit, collecting its output; killed after `timeoutMs`. */
export function completion(
  child: ChildProcessByStdio<null, Readable, Readable>,
  timeoutMs: number,
): Promise<ProcessRun> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
