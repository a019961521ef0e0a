import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { REPO_ROOT } from './api-process.ts';

export interface SandboxProcess {
  child: ChildProcess;
  url: string;
  exited: Promise<number | null>;
}

/** A sandbox portal in a process of its own, as `pnpm --filter @b24-gdpr/sandbox start` runs it. */
export async function spawnSandbox(timeoutMs = 60_000): Promise<SandboxProcess> {
  // Node itself with tsx's loader: the tsx CLI's wrapper would survive as the only thing a kill stops.
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(REPO_ROOT, 'packages/sandbox/src/main.ts')],
    {
      cwd: path.join(REPO_ROOT, 'packages/sandbox'),
      env: { ...process.env, PORT: '0' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  child.stderr?.resume();
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the sandbox printed no address')), timeoutMs);
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const found = /^Sandbox portal: (http:\/\/\S+)/.exec(line);
      if (found) {
        clearTimeout(timer);
        resolve(found[1]!);
      }
    });
    void exited.then((code) => reject(new Error(`the sandbox exited with ${code}`)));
  });
  return { child, url, exited };
}
