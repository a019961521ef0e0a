import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

/**
 * Runs a bench script in its own Node process (through tsx), so that its memory figures are its own:
 * the sandbox portal and the code under test never share a heap. The script talks back with one JSON
 * object per stdout line; anything else it prints goes to stderr.
 */
export interface Child<T> {
  /** The first JSON line the child printed. */
  first: Promise<T>;
  /** Every JSON line, once the child has exited with 0. */
  done: Promise<unknown[]>;
  kill(): void;
}

export function runChild<T>(script: URL, args: string[] = [], env: Record<string, string> = {}): Child<T> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(script), ...args], {
    cwd: fileURLToPath(new URL('../..', import.meta.url)),
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: unknown[] = [];
  let resolveFirst: (value: T) => void = () => {};
  let rejectFirst: (error: Error) => void = () => {};
  const first = new Promise<T>((resolve, reject) => {
    resolveFirst = resolve;
    rejectFirst = reject;
  });
  createInterface({ input: child.stdout }).on('line', (line) => {
    if (!line.startsWith('{')) return;
    const value = JSON.parse(line) as unknown;
    if (lines.length === 0) resolveFirst(value as T);
    lines.push(value);
  });
  const done = new Promise<unknown[]>((resolve, reject) => {
    child.on('error', reject);
    child.on('exit', (code, signal) => {
      const error = new Error(`${script.pathname} exited with ${code ?? signal}`);
      rejectFirst(error);
      if (code === 0) resolve(lines);
      else reject(error);
    });
  });
  done.catch(() => {});
  first.catch(() => {});
  return { first, done, kill: () => child.kill('SIGTERM') };
}

/** Prints a JSON line for the parent. */
export function report(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value)}\n`);
}
