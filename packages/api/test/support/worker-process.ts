import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';

const API_ROOT = path.resolve(import.meta.dirname, '../..');

/** A real `worker` process (src/worker.ts), as an operator would start one. */
export function spawnWorker(env: Record<string, string>): {
  child: ChildProcess;
  exited: Promise<number | null>;
  output: string[];
} {
  // Node itself with tsx's loader, not the tsx CLI, which runs Node as a child of its own: SIGKILL would
  // stop the wrapper and leave the real worker running, and the crash test would crash nothing.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(API_ROOT, 'src/worker.ts')], {
    cwd: API_ROOT,
    env: { ...process.env, LOG_LEVEL: 'warn', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const output: string[] = [];
  child.stdout?.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr?.on('data', (d: Buffer) => output.push(d.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, exited, output };
}
