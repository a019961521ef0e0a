import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Config } from './config/config.ts';

/**
 * An embedded database and a sandbox live inside the API process; `worker` processes on the same machine
 * find them through these files in the data folder (readable by this user only: the URL holds a password).
 */
export const RUNTIME_FILES = { database: 'database.url', sandbox: 'sandbox.url' } as const;

export async function advertise(
  config: Config,
  databaseUrl: string | null,
  sandboxUrl: string | null,
): Promise<() => Promise<void>> {
  const written: string[] = [];
  for (const [name, value] of [
    [RUNTIME_FILES.database, databaseUrl],
    [RUNTIME_FILES.sandbox, sandboxUrl],
  ] as const) {
    if (!value) continue;
    const file = path.join(config.DATA_DIR, name);
    await writeFile(file, `${value}\n`, { mode: 0o600 });
    written.push(file);
  }
  return async () => {
    for (const file of written) await rm(file, { force: true });
  };
}
